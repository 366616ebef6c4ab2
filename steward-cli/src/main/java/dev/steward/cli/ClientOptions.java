package dev.steward.cli;

import dev.steward.client.StewardClient;
import dev.steward.server.AdminTokenFile;
import dev.steward.spi.StewardException;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --url} and {@code --token} of commands that talk to a running server. */
final class ClientOptions {
    static final String DEFAULT_URL = "http://127.0.0.1:8080";

    @Option(names = "--url", paramLabel = "URL",
            description = "Steward server (default: $STEWARD_URL, else " + DEFAULT_URL + ").")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "API token (default: $STEWARD_TOKEN, else the admin token in the home directory).")
    String token;

    StewardClient connect(Path home) {
        return StewardClient.create(uri(), secret(home));
    }

    /** The server's URL from --url, $STEWARD_URL or the default. */
    URI uri() {
        String base = url != null ? url : envOr("STEWARD_URL", DEFAULT_URL);
        URI uri;
        try {
            uri = URI.create(base);
        } catch (IllegalArgumentException e) {
            throw StewardException.invalid("url", "'" + base + "' is not a URL, e.g. " + DEFAULT_URL);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw StewardException.invalid("url", "'" + base + "' must start with http:// or https://");
        }
        return uri;
    }

    /** The token from --token, $STEWARD_TOKEN or the home directory's admin token file. */
    String secret(Path home) {
        String secret = token != null ? token : System.getenv("STEWARD_TOKEN");
        if (secret == null || secret.isBlank()) {
            Path file = home.resolve("admin.token");
            secret = AdminTokenFile.read(file).orElseThrow(() -> StewardException.invalid("token",
                    "no API token: pass --token, set STEWARD_TOKEN, or start the server once so that it writes " + file));
        }
        return secret.trim();
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
