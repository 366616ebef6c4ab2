package dev.steward.store.jdbc;

import dev.steward.spi.artifact.ArtifactReferences;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * Every column that holds a blob's digest, asked in one indexed query per batch. A table that
 * starts to hold digests must be added here, or garbage collection would delete its blobs.
 */
final class JdbcArtifactReferences implements ArtifactReferences {
    /** Table and column of every reference to a blob. */
    private static final List<String[]> COLUMNS = List.of(
            new String[] {"artifact_file", "sha256"},
            new String[] {"dataset_version", "sha256"},
            new String[] {"dataset_version", "profile_sha256"},
            new String[] {"model_version", "manifest_sha256"},
            new String[] {"model_version", "model_digest"},
            new String[] {"monitor", "reference_sha256"},
            new String[] {"monitor_revision", "reference_sha256"});
    private static final int BATCH = 500;

    private final Handle handle;

    JdbcArtifactReferences(JdbcContext context) {
        this.handle = context.handle();
    }

    @Override
    public Set<String> referenced(Collection<String> sha256s) {
        List<String> all = List.copyOf(sha256s);
        Set<String> found = new HashSet<>();
        for (int from = 0; from < all.size(); from += BATCH) {
            List<String> batch = all.subList(from, Math.min(all.size(), from + BATCH));
            StringBuilder sql = new StringBuilder();
            for (String[] column : COLUMNS) {
                if (sql.length() > 0) {
                    sql.append(" UNION ");
                }
                sql.append("SELECT ").append(column[1]).append(" AS sha256 FROM ").append(column[0]).append(" WHERE ").append(column[1])
                        .append(" IN (<digests>)");
            }
            found.addAll(handle.createQuery(sql.toString()).bindList("digests", batch).mapTo(String.class).list());
        }
        return found;
    }
}
