package dev.steward.server.api;

import static java.util.Objects.requireNonNull;

import dev.steward.server.http.Access;
import dev.steward.server.http.Json;
import dev.steward.server.http.Router;
import dev.steward.server.http.Routes;
import dev.steward.spi.artifact.ArtifactRef;
import dev.steward.spi.artifact.ArtifactStore;

/**
 * {@code /api/v1/artifacts}: content-addressed blobs, streamed in and out. A blob is immutable;
 * what it means (a run's file, a dataset version) is recorded by the objects that reference it.
 */
public final class ArtifactRoutes implements Routes {
    private final ArtifactStore artifacts;
    private final long maxBytes;
    private final Json json;

    public ArtifactRoutes(ArtifactStore artifacts, long maxBytes, Json json) {
        this.artifacts = requireNonNull(artifacts, "artifacts is null");
        this.maxBytes = maxBytes;
        this.json = requireNonNull(json, "json is null");
    }

    @Override
    public void register(Router router) {
        router.put("/api/v1/artifacts", Access.EDITOR, ctx -> {
            ArtifactRef ref = artifacts.put(ctx.bodyInputStream(), maxBytes);
            json.respond(ctx, 201, ref);
        });
        router.get("/api/v1/artifacts/{sha256}", Access.VIEWER, ctx -> {
            String digest = ArtifactRef.requireValidDigest(ctx.pathParam("sha256"));
            ArtifactRef ref = artifacts.stat(digest).orElse(null);
            // Verified before any header is sent: a corrupt blob is an error, never a 200.
            java.io.InputStream content = artifacts.open(digest);
            ctx.contentType("application/octet-stream")
                    .header("ETag", "\"" + digest + "\"")
                    .header("Cache-Control", "private, max-age=31536000, immutable");
            if (ref != null) {
                ctx.header("Content-Length", Long.toString(ref.size()));
            }
            ctx.result(content);
        });
    }
}
