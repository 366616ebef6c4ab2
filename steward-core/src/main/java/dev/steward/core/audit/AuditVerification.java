package dev.steward.core.audit;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The outcome of walking the audit chain.
 *
 * @param eventsChecked how many events were read
 * @param firstBadSeq the first sequence number at which the chain is broken, if it is
 * @param reason why it is broken, in words
 */
public record AuditVerification(long eventsChecked, Optional<Long> firstBadSeq, Optional<String> reason) {
    public AuditVerification {
        requireNonNull(firstBadSeq, "firstBadSeq is null");
        requireNonNull(reason, "reason is null");
    }

    static AuditVerification intact(long eventsChecked) {
        return new AuditVerification(eventsChecked, Optional.empty(), Optional.empty());
    }

    static AuditVerification broken(long eventsChecked, long seq, String reason) {
        return new AuditVerification(eventsChecked, Optional.of(seq), Optional.of(reason));
    }

    public boolean intact() {
        return firstBadSeq.isEmpty();
    }
}
