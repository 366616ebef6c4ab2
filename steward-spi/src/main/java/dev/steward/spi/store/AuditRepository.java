package dev.steward.spi.store;

import java.util.List;
import java.util.Optional;

/** Storage of the audit chain. Only the core audit service appends to it. */
public interface AuditRepository {
    /**
     * The head of the chain, empty while the chain is empty. Inside a write transaction this also
     * locks the head until commit, so that concurrent writers (other replicas) append in turn.
     */
    Optional<AuditHead> lockHead();

    /** The head as stored, without locking. */
    Optional<AuditHead> head();

    /** Appends the event and moves the head to it. */
    void append(AuditEvent event);

    /** Events matching the query, ordered by sequence number. */
    List<AuditEvent> find(AuditQuery query);

    /** Up to {@code limit} events with sequence number at least {@code fromSeq}, ascending. */
    List<AuditEvent> range(long fromSeq, int limit);
}
