package dev.steward.spi.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One link of the tamper-evident audit chain.
 *
 * @param seq position in the chain, starting at 1 with no gaps
 * @param time when it happened (millisecond precision)
 * @param actorId id of the token or principal that acted
 * @param actorName its name at the time
 * @param action what was done, e.g. {@code token.create}
 * @param objectType kind of object changed, e.g. {@code token}
 * @param objectId id of the object changed
 * @param requestDigest SHA-256 (hex) of the request that asked for the change
 * @param details compact JSON with what changed (never secrets)
 * @param prevHash hash of the previous event, or 64 zeros for the first
 * @param hash SHA-256 (hex) over the canonical encoding of every other field
 */
public record AuditEvent(
        long seq,
        Instant time,
        String actorId,
        String actorName,
        String action,
        String objectType,
        String objectId,
        String requestDigest,
        String details,
        String prevHash,
        String hash) {
    public AuditEvent {
        requireNonNull(time, "time is null");
        requireNonNull(actorId, "actorId is null");
        requireNonNull(actorName, "actorName is null");
        requireNonNull(action, "action is null");
        requireNonNull(objectType, "objectType is null");
        requireNonNull(objectId, "objectId is null");
        requireNonNull(requestDigest, "requestDigest is null");
        requireNonNull(details, "details is null");
        requireNonNull(prevHash, "prevHash is null");
        requireNonNull(hash, "hash is null");
    }
}
