package dev.steward.spi.monitoring;

import static java.util.Objects.requireNonNull;

/**
 * One replica's part of a time window: the profile of the entries that replica logged in the
 * window. The window is closed by whichever replica first stores the window row, merging every
 * part present then.
 */
public record WindowPartRecord(String deployment, int revision, long window, String replicaId, long startMillis, long endMillis, long rows,
        byte[] profile, long storedAt) {
    public WindowPartRecord {
        requireNonNull(deployment, "deployment is null");
        requireNonNull(replicaId, "replicaId is null");
        requireNonNull(profile, "profile is null");
    }
}
