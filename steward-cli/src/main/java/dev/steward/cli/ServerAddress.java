package dev.steward.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.spi.StewardException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The server a client command talks to, and where that choice came from, so that a failure to
 * connect can say both. In order: {@code --url}, {@code $STEWARD_URL}, the home's
 * {@code server.json} (written by a running server, left behind by a crashed one: used only while
 * its pid is alive), then {@link #DEFAULT}.
 *
 * @param origin how the URL was chosen, in words that fit after "from", e.g. {@code --url}
 */
record ServerAddress(URI uri, String origin) {
    static final String DEFAULT = "http://127.0.0.1:8080";
    static final String SERVER_FILE = "server.json";

    static ServerAddress resolve(String flag, Map<String, String> environment, Path home) {
        if (flag != null) {
            return new ServerAddress(parse(flag, "--url"), "--url");
        }
        String fromEnvironment = environment.get("STEWARD_URL");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return new ServerAddress(parse(fromEnvironment, "STEWARD_URL"), "$STEWARD_URL");
        }
        Path file = home.resolve(SERVER_FILE);
        JsonNode server;
        try {
            server = new ObjectMapper().readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            return fallback("no --url, no $STEWARD_URL, no " + file);
        } catch (IOException e) {
            // A server killed while writing it may leave it half-written; the default may still work.
            return fallback(file + " is not readable JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        long pid = server == null ? -1 : server.path("pid").asLong(-1);
        String url = server == null ? "" : server.path("url").asText("");
        if (!alive(pid)) {
            return fallback(file + " is left from server pid " + pid + ", which is not running");
        }
        if (url.isEmpty()) {
            return fallback(file + " names no url");
        }
        return new ServerAddress(parse(url, file.toString()), file + " (server pid " + pid + ")");
    }

    /** What to tell a user who could not reach this address. */
    String unreachable() {
        return "cannot reach Steward at " + uri + " (from " + origin + "): is the server running? Start one with 'steward server', "
                + "or choose another with --url URL, $STEWARD_URL, or --home DIR (whose server.json names a running server)";
    }

    private static ServerAddress fallback(String why) {
        return new ServerAddress(URI.create(DEFAULT), "the default; " + why);
    }

    private static boolean alive(long pid) {
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static URI parse(String text, String source) {
        URI uri;
        try {
            uri = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw StewardException.invalid("url", "'" + text + "' (from " + source + ") is not a URL, e.g. " + DEFAULT);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw StewardException.invalid("url", "'" + text + "' (from " + source + ") must start with http:// or https://");
        }
        return uri;
    }
}
