package dev.steward.core.artifacts;

import static java.util.Objects.requireNonNull;

import dev.steward.core.audit.AuditLog;
import dev.steward.core.util.Digests;
import dev.steward.spi.Caller;
import dev.steward.spi.StewardException;
import dev.steward.spi.artifact.ArtifactReferences;
import dev.steward.spi.artifact.ArtifactStore;
import dev.steward.spi.artifact.StoredBlob;
import dev.steward.spi.store.MetadataStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Garbage collection of the artifact store: deletes blobs that nothing in the metadata refers
 * to (left by an upload whose reference was never recorded: a crash between the two, or a blob
 * uploaded with {@code PUT /api/v1/artifacts} and never used) once they are older than a grace
 * period. A blob stored again during the collection is spared (see {@link ArtifactStore#delete}),
 * so a collection can run while the server serves. Audited as {@code artifacts.gc}. Thread-safe.
 */
public final class ArtifactCollector {
    /** The default grace: a blob uploaded to be referenced has a day to get its reference. */
    public static final Duration DEFAULT_GRACE = Duration.ofHours(24);
    private static final int BATCH = 500;
    private static final int LISTED = 1000;

    private final MetadataStore store;
    private final ArtifactStore artifacts;
    private final AuditLog audit;
    private final Clock clock;

    public ArtifactCollector(MetadataStore store, ArtifactStore artifacts, AuditLog audit, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.artifacts = requireNonNull(artifacts, "artifacts is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** What a collection found and did; {@code orphans} lists at most the first thousand, oldest first. */
    public record Report(boolean dryRun, Instant cutoff, long blobsScanned, long bytesScanned, long orphansFound, long orphanBytes,
            long deleted, long deletedBytes, List<StoredBlob> orphans) {
        public Report {
            orphans = List.copyOf(orphans);
        }
    }

    /**
     * Finds blobs last stored before {@code now - grace} that nothing refers to, and deletes them
     * unless {@code dryRun}.
     */
    public Report collect(Caller caller, Duration grace, boolean dryRun) {
        requireNonNull(caller, "caller is null");
        requireNonNull(grace, "grace is null");
        if (grace.isNegative()) {
            throw StewardException.invalid("older_than", "the grace period cannot be negative: " + grace);
        }
        Instant cutoff = clock.instant().minus(grace);
        long scanned = 0;
        long bytes = 0;
        List<StoredBlob> orphans = new ArrayList<>();
        try (Stream<StoredBlob> listed = artifacts.list()) {
            List<StoredBlob> batch = new ArrayList<>(BATCH);
            for (Iterator<StoredBlob> it = listed.iterator(); it.hasNext(); ) {
                StoredBlob blob = it.next();
                scanned++;
                bytes += blob.ref().size();
                if (blob.lastWritten().isBefore(cutoff)) {
                    batch.add(blob);
                }
                if (batch.size() == BATCH || !it.hasNext()) {
                    orphans.addAll(unreferenced(batch));
                    batch.clear();
                }
            }
        }
        orphans.sort(Comparator.comparing(StoredBlob::lastWritten).thenComparing(b -> b.ref().sha256()));
        long orphanBytes = orphans.stream().mapToLong(b -> b.ref().size()).sum();
        List<StoredBlob> deleted = new ArrayList<>();
        if (!dryRun) {
            for (StoredBlob orphan : orphans) {
                // Checked again one by one: a reference may have been recorded since the batch was asked.
                if (unreferenced(List.of(orphan)).isEmpty() || !artifacts.delete(orphan.ref().sha256(), cutoff)) {
                    continue;
                }
                deleted.add(orphan);
            }
            record(caller, cutoff, scanned, deleted);
        }
        long deletedBytes = deleted.stream().mapToLong(b -> b.ref().size()).sum();
        return new Report(dryRun, cutoff, scanned, bytes, orphans.size(), orphanBytes, deleted.size(), deletedBytes,
                orphans.subList(0, Math.min(LISTED, orphans.size())));
    }

    private List<StoredBlob> unreferenced(List<StoredBlob> blobs) {
        if (blobs.isEmpty()) {
            return List.of();
        }
        Set<String> referenced = store.read(tx -> tx.repository(ArtifactReferences.class)
                .referenced(blobs.stream().map(b -> b.ref().sha256()).toList()));
        return blobs.stream().filter(b -> !referenced.contains(b.ref().sha256())).toList();
    }

    private void record(Caller caller, Instant cutoff, long scanned, List<StoredBlob> deleted) {
        Map<String, String> details = new TreeMap<>();
        details.put("cutoff", cutoff.toString());
        details.put("blobs_scanned", Long.toString(scanned));
        details.put("deleted", Integer.toString(deleted.size()));
        details.put("deleted_bytes", Long.toString(deleted.stream().mapToLong(b -> b.ref().size()).sum()));
        // The digest of the sorted list names exactly what went, without an unbounded event.
        details.put("deleted_sha256s_digest", Digests.sha256Hex(String.join("\n", deleted.stream().map(b -> b.ref().sha256()).sorted().toList())));
        store.write(tx -> {
            audit.record(tx, caller, "artifacts.gc", "artifact_store", artifacts.location(), details);
            return null;
        });
    }
}
