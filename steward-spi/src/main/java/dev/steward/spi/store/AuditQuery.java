package dev.steward.spi.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * A filter over audit events with keyset paging by sequence number.
 *
 * @param objectType only events about this kind of object
 * @param objectId only events about this object
 * @param actor only events by this actor (matched against id or name)
 * @param action only events with this action
 * @param from only events at or after this time
 * @param to only events before this time
 * @param cursor exclusive sequence number to continue after (or before, when newest first)
 * @param newestFirst order by descending sequence number
 * @param limit the most events to return
 */
public record AuditQuery(
        Optional<String> objectType,
        Optional<String> objectId,
        Optional<String> actor,
        Optional<String> action,
        Optional<Instant> from,
        Optional<Instant> to,
        Optional<Long> cursor,
        boolean newestFirst,
        int limit) {
    public static final int MAX_LIMIT = 1000;

    public AuditQuery {
        requireNonNull(objectType, "objectType is null");
        requireNonNull(objectId, "objectId is null");
        requireNonNull(actor, "actor is null");
        requireNonNull(action, "action is null");
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        requireNonNull(cursor, "cursor is null");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ": " + limit);
        }
    }

    /** Every event, oldest first, in pages of {@code limit}. */
    public static AuditQuery all(int limit) {
        return new AuditQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), false, limit);
    }
}
