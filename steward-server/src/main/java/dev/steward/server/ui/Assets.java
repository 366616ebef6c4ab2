package dev.steward.server.ui;

import dev.steward.core.util.Digests;
import dev.steward.spi.StewardException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The UI's stylesheet and scripts, read from the classpath once at start: Steward's own files and
 * htmx and ECharts from their WebJars. Each is served under a URL that carries its digest, so a
 * browser may keep it for a year and still never runs an old copy after an upgrade. Thread-safe.
 */
final class Assets {
    private record Asset(byte[] bytes, String contentType, String digest) {}

    private final Map<String, Asset> assets = new LinkedHashMap<>();

    Assets() {
        add("steward.css", "dev/steward/server/ui/steward.css", "text/css; charset=utf-8");
        add("steward.js", "dev/steward/server/ui/steward.js", "text/javascript; charset=utf-8");
        add("htmx.min.js", webjar("htmx.org", "dist/htmx.min.js"), "text/javascript; charset=utf-8");
        add("echarts.min.js", webjar("echarts", "dist/echarts.min.js"), "text/javascript; charset=utf-8");
    }

    /** The URL of an asset, with its digest. */
    String url(String name) {
        Asset asset = assets.get(name);
        if (asset == null) {
            throw new IllegalArgumentException("no asset " + name);
        }
        return "/ui/assets/" + name + "?v=" + asset.digest().substring(0, 16);
    }

    void serve(Context ctx, String name) {
        Asset asset = Optional.ofNullable(assets.get(name)).orElseThrow(() -> StewardException.notFound("no asset '" + name + "'"));
        String etag = "\"" + asset.digest() + "\"";
        ctx.header("ETag", etag);
        ctx.header("Cache-Control", "public, max-age=31536000, immutable");
        ctx.header("X-Content-Type-Options", "nosniff");
        if (etag.equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        ctx.contentType(asset.contentType()).result(asset.bytes());
    }

    private void add(String name, String resource, String contentType) {
        byte[] bytes = read(resource);
        assets.put(name, new Asset(bytes, contentType, Digests.sha256Hex(bytes)));
    }

    /** A file of a WebJar on the classpath, whichever version the build put there (its pom.properties says). */
    private static String webjar(String artifact, String file) {
        Properties properties = new Properties();
        try (InputStream in = stream("META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties")) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the version of WebJar " + artifact, e);
        }
        return "META-INF/resources/webjars/" + artifact + "/" + properties.getProperty("version") + "/" + file;
    }

    private static byte[] read(String resource) {
        try (InputStream in = stream(resource)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource, e);
        }
    }

    private static InputStream stream(String resource) {
        InputStream in = Assets.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("the web UI's resource " + resource + " is not on the classpath");
        }
        return in;
    }
}
