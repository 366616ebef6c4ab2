package dev.steward.spi;

import static java.util.Objects.requireNonNull;

/**
 * The actor behind a state-changing call and the digest of the request that asked for it; every
 * core service that changes state takes one and writes both into the audit event.
 *
 * @param actor who is acting
 * @param requestDigest SHA-256 (hex) of the request as received, or of the command line
 */
public record Caller(Actor actor, String requestDigest) {
    public Caller {
        requireNonNull(actor, "actor is null");
        requireNonNull(requestDigest, "requestDigest is null");
    }
}
