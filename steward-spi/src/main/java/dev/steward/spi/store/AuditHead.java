package dev.steward.spi.store;

import static java.util.Objects.requireNonNull;

/** The last link of the audit chain: its sequence number and hash. */
public record AuditHead(long seq, String hash) {
    public AuditHead {
        requireNonNull(hash, "hash is null");
    }
}
