package dev.steward.server.http;

import static java.util.Objects.requireNonNull;

/** A declared route: its method, its path template (with {@code {param}} and {@code <path>} parts) and who may call it. */
public record Route(String method, String path, Access access) {
    public Route {
        requireNonNull(method, "method is null");
        requireNonNull(path, "path is null");
        requireNonNull(access, "access is null");
    }
}
