package dev.steward.server.http;

import static java.util.Objects.requireNonNull;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;

/**
 * Declares routes, each with the {@link Access} it requires, so that no route can be added
 * without saying who may call it.
 */
public final class Router {
    private final RoutesConfig routes;
    private final Authenticator authenticator;

    Router(RoutesConfig routes, Authenticator authenticator) {
        this.routes = requireNonNull(routes, "routes is null");
        this.authenticator = requireNonNull(authenticator, "authenticator is null");
    }

    public void get(String path, Access access, Handler handler) {
        routes.get(path, guarded(access, handler));
    }

    public void post(String path, Access access, Handler handler) {
        routes.post(path, guarded(access, handler));
    }

    public void put(String path, Access access, Handler handler) {
        routes.put(path, guarded(access, handler));
    }

    public void patch(String path, Access access, Handler handler) {
        routes.patch(path, guarded(access, handler));
    }

    public void delete(String path, Access access, Handler handler) {
        routes.delete(path, guarded(access, handler));
    }

    private Handler guarded(Access access, Handler handler) {
        requireNonNull(access, "access is null");
        requireNonNull(handler, "handler is null");
        return ctx -> {
            authenticator.authorize(ctx, access);
            handler.handle(ctx);
        };
    }
}
