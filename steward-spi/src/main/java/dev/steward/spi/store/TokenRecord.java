package dev.steward.spi.store;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.Role;
import java.time.Instant;
import java.util.Optional;

/**
 * An API token as stored: only the SHA-256 of its secret is kept.
 *
 * @param id public id, shown in listings and audit events
 * @param name what the token is for
 * @param role the role it grants
 * @param secretHash SHA-256 (hex) of the secret
 * @param createdAt when it was created
 * @param createdBy the actor id that created it
 * @param revokedAt when it was revoked, if it was
 */
public record TokenRecord(
        String id, String name, Role role, String secretHash, Instant createdAt, String createdBy, Optional<Instant> revokedAt) {
    public TokenRecord {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        requireNonNull(role, "role is null");
        requireNonNull(secretHash, "secretHash is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(createdBy, "createdBy is null");
        requireNonNull(revokedAt, "revokedAt is null");
    }

    public boolean active() {
        return revokedAt.isEmpty();
    }
}
