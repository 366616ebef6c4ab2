package dev.steward.core.util;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers. */
public final class Digests {
    private static final HexFormat HEX = HexFormat.of();

    private Digests() {}

    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    public static String sha256Hex(byte[] bytes) {
        return HEX.formatHex(newSha256().digest(bytes));
    }

    public static String sha256Hex(String text) {
        return sha256Hex(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The SHA-256 of a file's bytes, streamed. */
    public static String sha256Hex(java.nio.file.Path file) throws java.io.IOException {
        MessageDigest digest = newSha256();
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) != -1) {
                digest.update(buffer, 0, n);
            }
        }
        return HEX.formatHex(digest.digest());
    }

    public static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }
}
