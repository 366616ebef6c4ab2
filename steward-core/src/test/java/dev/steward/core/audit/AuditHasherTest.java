package dev.steward.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuditHasherTest {
    private static final Instant TIME = Instant.parse("2026-01-01T00:00:00Z");

    /**
     * Pins the v1 encoding: the expected value was computed independently in Python (length-prefixed
     * UTF-8 fields, SHA-256). If this test fails, existing audit chains would no longer verify.
     */
    @Test
    void theV1EncodingNeverChanges() {
        String hash = AuditHasher.hash(7, TIME, "tok_1", "alice", "token.create", "token", "tok_2", "a".repeat(64),
                "{\"name\":\"ci\",\"role\":\"editor\"}", AuditHasher.GENESIS_HASH);

        assertThat(hash).isEqualTo("450f2ae175b671989b6700846c17b489b8bee81c8c2ab03fab0b20128fb7a6c5");
    }

    @Test
    void movingTextBetweenAdjacentFieldsChangesTheHash() {
        String a = AuditHasher.hash(1, TIME, "ab", "c", "x", "t", "o", "d", "{}", AuditHasher.GENESIS_HASH);
        String b = AuditHasher.hash(1, TIME, "a", "bc", "x", "t", "o", "d", "{}", AuditHasher.GENESIS_HASH);

        assertThat(a).isNotEqualTo(b);
    }
}
