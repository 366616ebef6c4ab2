package dev.steward.core.audit;

import static java.util.Objects.requireNonNull;

import dev.steward.core.util.CanonicalJson;
import dev.steward.spi.Caller;
import dev.steward.spi.store.AuditEvent;
import dev.steward.spi.store.AuditHead;
import dev.steward.spi.store.AuditQuery;
import dev.steward.spi.store.AuditRepository;
import dev.steward.spi.store.MetadataStore;
import dev.steward.spi.store.StoreTransaction;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tamper-evident audit log. Services call {@link #record} inside the same write transaction
 * as the change it describes, so a change is never committed without its event. Thread-safe.
 */
public final class AuditLog {
    private static final int VERIFY_PAGE = 1000;

    private final Clock clock;

    public AuditLog(Clock clock) {
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * Appends an event to the chain within {@code tx}.
     *
     * @param details what changed, as flat key/value pairs (never secrets)
     */
    public AuditEvent record(StoreTransaction tx, Caller caller, String action, String objectType, String objectId,
            Map<String, String> details) {
        requireNonNull(tx, "tx is null");
        requireNonNull(caller, "caller is null");
        AuditRepository repository = tx.repository(AuditRepository.class);
        Optional<AuditHead> head = repository.lockHead();
        long seq = head.map(h -> h.seq() + 1).orElse(1L);
        String prevHash = head.map(AuditHead::hash).orElse(AuditHasher.GENESIS_HASH);
        // Millisecond precision is what every store keeps; truncating first makes the hash reproducible.
        Instant time = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String detailsJson = CanonicalJson.of(details);
        String hash = AuditHasher.hash(seq, time, caller.actor().id(), caller.actor().name(), action, objectType, objectId,
                caller.requestDigest(), detailsJson, prevHash);
        AuditEvent event = new AuditEvent(seq, time, caller.actor().id(), caller.actor().name(), action, objectType, objectId,
                caller.requestDigest(), detailsJson, prevHash, hash);
        repository.append(event);
        return event;
    }

    public List<AuditEvent> find(MetadataStore store, AuditQuery query) {
        return store.read(tx -> tx.repository(AuditRepository.class).find(query));
    }

    /**
     * Walks the whole chain from the first event and reports the first place where it is broken:
     * a missing or extra sequence number, an event that does not link to its predecessor, an
     * event whose content no longer matches its hash, or a head that does not match the last event.
     */
    public AuditVerification verify(MetadataStore store) {
        return store.read(tx -> verify(tx.repository(AuditRepository.class)));
    }

    private static AuditVerification verify(AuditRepository repository) {
        long expectedSeq = 1;
        String previousHash = AuditHasher.GENESIS_HASH;
        long checked = 0;
        while (true) {
            List<AuditEvent> page = repository.range(expectedSeq, VERIFY_PAGE);
            for (AuditEvent event : page) {
                checked++;
                if (event.seq() != expectedSeq) {
                    return AuditVerification.broken(checked, expectedSeq, "event " + expectedSeq
                            + " is missing: the next stored event is " + event.seq() + " (deleted or renumbered)");
                }
                if (!event.prevHash().equals(previousHash)) {
                    return AuditVerification.broken(checked, event.seq(), "event " + event.seq()
                            + " does not link to event " + (event.seq() - 1) + " (events reordered, or an earlier one replaced)");
                }
                String recomputed = AuditHasher.hash(event.seq(), event.time(), event.actorId(), event.actorName(),
                        event.action(), event.objectType(), event.objectId(), event.requestDigest(), event.details(),
                        event.prevHash());
                if (!recomputed.equals(event.hash())) {
                    return AuditVerification.broken(checked, event.seq(), "event " + event.seq()
                            + " (" + event.action() + " " + event.objectType() + " " + event.objectId()
                            + ") does not match its hash: its content was edited");
                }
                previousHash = event.hash();
                expectedSeq++;
            }
            if (page.size() < VERIFY_PAGE) {
                break;
            }
        }
        long lastSeq = expectedSeq - 1;
        Optional<AuditHead> head = repository.head();
        long headSeq = head.map(AuditHead::seq).orElse(0L);
        String headHash = head.map(AuditHead::hash).orElse(AuditHasher.GENESIS_HASH);
        if (headSeq != lastSeq) {
            long firstBad = Math.min(headSeq, lastSeq) + 1;
            return AuditVerification.broken(checked, firstBad, headSeq > lastSeq
                    ? "the chain ends at event " + lastSeq + " but its head records event " + headSeq
                            + ": events from " + firstBad + " on were deleted"
                    : "the head records event " + headSeq + " but events up to " + lastSeq + " exist: the head was altered");
        }
        if (!headHash.equals(previousHash)) {
            return AuditVerification.broken(checked, Math.max(lastSeq, 1), "the head's hash does not match event " + lastSeq
                    + ": the last event was replaced or the head was altered");
        }
        return AuditVerification.intact(checked);
    }
}
