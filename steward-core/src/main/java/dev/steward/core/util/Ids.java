package dev.steward.core.util;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Random identifiers and secrets. Thread-safe. */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    /** {@code prefix} followed by {@code bytes} random bytes in hex. */
    public static String randomHex(String prefix, int bytes) {
        byte[] buffer = new byte[bytes];
        RANDOM.nextBytes(buffer);
        return prefix + HexFormat.of().formatHex(buffer);
    }

    /** {@code prefix} followed by {@code bytes} random bytes in unpadded base64url. */
    public static String randomSecret(String prefix, int bytes) {
        byte[] buffer = new byte[bytes];
        RANDOM.nextBytes(buffer);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(buffer);
    }
}
