package dev.steward.core.audit;

import dev.steward.core.util.Digests;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;

/**
 * The canonical encoding of an audit event and its hash. Every field is written as a 4-byte
 * big-endian length followed by its UTF-8 bytes, after a version tag, so that no two different
 * events encode alike. Changing this encoding breaks every existing chain: add a new version
 * instead.
 */
final class AuditHasher {
    static final String GENESIS_HASH = "0".repeat(64);
    private static final String VERSION = "steward-audit-v1";

    private AuditHasher() {}

    static String hash(long seq, Instant time, String actorId, String actorName, String action, String objectType,
            String objectId, String requestDigest, String details, String prevHash) {
        MessageDigest digest = Digests.newSha256();
        for (String field : new String[] {VERSION, Long.toString(seq), Long.toString(time.toEpochMilli()), actorId, actorName,
                action, objectType, objectId, requestDigest, details, prevHash}) {
            byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
            digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
            digest.update(bytes);
        }
        return Digests.hex(digest.digest());
    }
}
