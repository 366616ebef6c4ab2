package dev.steward.core.webhooks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.spi.store.StoreTransaction;

/**
 * How services announce what happened to webhook subscribers: through a persistent outbox written
 * in the service's own transaction, so that an event is delivered if and only if the change it
 * reports committed, and a restart loses none. Thread-safe.
 */
public interface EventPublisher {
    /**
     * Queues an event to every active subscription that receives its type. Call it inside the
     * write transaction that makes the change, after the change, next to its audit event: if that
     * transaction rolls back, nothing is sent. Like {@code AuditLog.record} it takes the audit
     * head's lock, which must stay the last lock a transaction takes. Receivers get
     * {@code {"id", "type", "created_at", "object": {"type", "id"}, "data"}}.
     *
     * @param tx the caller's open write transaction
     * @param objectType the kind of object the event is about, e.g. {@code model_version}
     * @param objectId its id
     * @param data what receivers need to act on the event (never secrets); copied
     * @return the event's id, the {@code id} of the payload (stored only when a subscription receives it)
     * @throws IllegalArgumentException when the payload would exceed {@link WebhookService#MAX_PAYLOAD_BYTES}
     */
    String publish(StoreTransaction tx, EventType type, String objectType, String objectId, ObjectNode data);
}
