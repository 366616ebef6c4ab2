package dev.steward.spi.artifact;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.StewardException;
import java.util.regex.Pattern;

/**
 * The address of an immutable blob: its SHA-256 and its size in bytes.
 */
public record ArtifactRef(String sha256, long size) {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public ArtifactRef {
        requireValidDigest(sha256);
        if (size < 0) {
            throw new IllegalArgumentException("size is negative: " + size);
        }
    }

    /** Checks that {@code digest} is a lowercase hex SHA-256 and returns it. */
    public static String requireValidDigest(String digest) {
        requireNonNull(digest, "digest is null");
        if (!SHA256.matcher(digest).matches()) {
            throw StewardException.invalid("sha256", "'" + abbreviate(digest) + "' is not a SHA-256 digest: expected 64 lowercase hex characters");
        }
        return digest;
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
