package dev.steward.core.auth;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.store.TokenRecord;

/**
 * A newly created token together with its secret. The secret is shown once and never stored.
 */
public record IssuedToken(TokenRecord token, String secret) {
    public IssuedToken {
        requireNonNull(token, "token is null");
        requireNonNull(secret, "secret is null");
    }

    @Override
    public String toString() {
        return "IssuedToken[token=" + token + ", secret=<hidden>]";
    }
}
