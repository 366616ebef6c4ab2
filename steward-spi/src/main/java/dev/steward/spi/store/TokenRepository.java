package dev.steward.spi.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Storage of API tokens. */
public interface TokenRepository {
    void insert(TokenRecord token);

    Optional<TokenRecord> findById(String id);

    Optional<TokenRecord> findBySecretHash(String secretHash);

    /** Every token, oldest first. */
    List<TokenRecord> list();

    /** Marks the token revoked; false when it does not exist or was already revoked. */
    boolean revoke(String id, Instant at);
}
