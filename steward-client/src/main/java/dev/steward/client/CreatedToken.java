package dev.steward.client;

/** A newly created token and its secret, which the server shows only this once. */
public record CreatedToken(TokenInfo token, String secret) {
    @Override
    public String toString() {
        return "CreatedToken[token=" + token + ", secret=<hidden>]";
    }
}
