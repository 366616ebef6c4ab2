package dev.steward.server.api;

import static java.util.Objects.requireNonNull;

import dev.steward.core.artifacts.ArtifactCollector;
import dev.steward.server.http.Access;
import dev.steward.server.http.Authenticator;
import dev.steward.server.http.Json;
import dev.steward.server.http.Router;
import dev.steward.server.http.Routes;
import dev.steward.spi.StewardException;
import dev.steward.spi.artifact.ArtifactRef;
import dev.steward.spi.artifact.ArtifactStore;
import java.time.Duration;
import java.util.List;

/**
 * {@code /api/v1/artifacts}: content-addressed blobs, streamed in and out. A blob is immutable;
 * what it means (a run's file, a dataset version) is recorded by the objects that reference it.
 */
public final class ArtifactRoutes implements Routes {
    /** Ten years: any grace longer than this is a mistake in the unit. */
    private static final long MAX_GRACE_SECONDS = 10L * 366 * 24 * 3600;

    private final ArtifactStore artifacts;
    private final ArtifactCollector collector;
    private final long maxBytes;
    private final Json json;

    public ArtifactRoutes(ArtifactStore artifacts, ArtifactCollector collector, long maxBytes, Json json) {
        this.artifacts = requireNonNull(artifacts, "artifacts is null");
        this.collector = requireNonNull(collector, "collector is null");
        this.maxBytes = maxBytes;
        this.json = requireNonNull(json, "json is null");
    }

    record Collect(Long olderThanSeconds, Boolean dryRun) {}

    record BlobView(String sha256, long size, String lastWritten) {}

    record CollectionView(boolean dryRun, String cutoff, long blobsScanned, long bytesScanned, long orphansFound, long orphanBytes, long deleted,
            long deletedBytes, List<BlobView> orphans) {
        static CollectionView of(ArtifactCollector.Report r) {
            return new CollectionView(r.dryRun(), r.cutoff().toString(), r.blobsScanned(), r.bytesScanned(), r.orphansFound(), r.orphanBytes(),
                    r.deleted(), r.deletedBytes(), r.orphans().stream().map(b -> new BlobView(b.ref().sha256(), b.ref().size(),
                            b.lastWritten().toString())).toList());
        }
    }

    @Override
    public void register(Router router) {
        // Admins only: it deletes, and the list of blobs is a view of everything stored.
        router.post("/api/v1/artifacts/gc", Access.ADMIN, ctx -> {
            byte[] body = ctx.bodyAsBytes();
            Collect request = body.length == 0 ? new Collect(null, null) : json.readStrict(body, Collect.class);
            long seconds = request.olderThanSeconds() == null ? ArtifactCollector.DEFAULT_GRACE.toSeconds() : request.olderThanSeconds();
            if (seconds < 0 || seconds > MAX_GRACE_SECONDS) {
                throw StewardException.invalid("older_than_seconds", "'older_than_seconds' must be between 0 and " + MAX_GRACE_SECONDS
                        + ", not " + seconds);
            }
            json.respond(ctx, 200, CollectionView.of(collector.collect(Authenticator.caller(ctx), Duration.ofSeconds(seconds),
                    Boolean.TRUE.equals(request.dryRun()))));
        });
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
