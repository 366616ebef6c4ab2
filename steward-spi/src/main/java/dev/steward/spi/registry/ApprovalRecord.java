package dev.steward.spi.registry;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** One decision on an approval request: {@link #APPROVE} or {@link #REJECT}, by whom (and with which role). */
public record ApprovalRecord(String id, String requestId, String decision, Optional<String> comment, String actorId, String actorName,
        String actorRole, long createdAt) {
    public static final String APPROVE = "approve";
    public static final String REJECT = "reject";

    public ApprovalRecord {
        requireNonNull(id, "id is null");
        requireNonNull(requestId, "requestId is null");
        requireNonNull(decision, "decision is null");
        requireNonNull(comment, "comment is null");
        requireNonNull(actorId, "actorId is null");
        requireNonNull(actorName, "actorName is null");
        requireNonNull(actorRole, "actorRole is null");
    }
}
