package dev.steward.client;

import java.util.Optional;

/** Whether the audit chain is intact and, if not, where and why it is broken. */
public record AuditVerificationResult(boolean intact, long eventsChecked, Optional<Long> firstBadSeq, Optional<String> reason) {}
