package dev.steward.spi.webhooks;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Storage of webhook subscriptions and the outbox of their deliveries. Deliveries are rows written
 * in the transaction of the change they report, so an event is sent if and only if that change
 * committed; sending servers claim them with a lease, the way jobs are claimed.
 */
public interface WebhookRepository {
    void insertSubscription(WebhookSubscription subscription);

    Optional<WebhookSubscription> findSubscription(String id);

    /** Every subscription, deleted ones included, newest first. */
    List<WebhookSubscription> listSubscriptions();

    /** The active subscriptions that receive {@code eventType}, by name or by {@link WebhookSubscription#ALL_EVENTS}, in id order. */
    List<WebhookSubscription> subscribersOf(String eventType);

    /** Marks an active subscription deleted at {@code time}; false (and nothing changed) when it is not active. */
    boolean deactivate(String id, long time);

    /** Cancels every pending delivery of a subscription, in flight or not; returns how many. */
    int cancelPending(String subscriptionId, long time);

    void insertEvent(WebhookEvent event);

    Optional<WebhookEvent> findEvent(String id);

    /**
     * Queues a delivery of an event to a subscription, pending and due at {@code createdAt}, after
     * every delivery queued before it. Callers serialise enqueues with all other writers of the
     * store (they hold the audit head's lock), so that the order of {@link WebhookDelivery#seq()}
     * is the order in which the changes committed.
     */
    WebhookDelivery enqueue(String id, String subscriptionId, String eventId, long createdAt);

    Optional<WebhookDelivery> findDelivery(String id);

    /** A subscription's deliveries whose {@code seq} is below {@code beforeSeq}, newest first. */
    List<WebhookDelivery> deliveries(String subscriptionId, long beforeSeq, int limit);

    /** The attempts of the given deliveries, by delivery and attempt number. */
    List<WebhookAttempt> attempts(Collection<String> deliveryIds);

    /**
     * The deliveries that may be sent at {@code now}: of each subscription only its first pending
     * delivery (the rest wait for it), and only when it is due and no server holds a live lease on
     * it. Soonest due first, then in queue order.
     */
    List<WebhookDelivery> due(long now, int limit);

    /**
     * Takes a delivery for sending: names {@code owner} and holds a lease until {@code leaseUntil}
     * (epoch ms) if the delivery is still pending, due at {@code now} and not leased by a live
     * owner; false otherwise (another server won the race, or it was cancelled).
     */
    boolean claim(String deliveryId, String owner, long now, long leaseUntil);

    /**
     * Extends {@code owner}'s leases on those of {@code deliveryIds} it still holds; returns how
     * many. Only the deliveries being sent are renewed: a claim whose attempt could not be recorded
     * (the store failed) must run out, so that the delivery is tried again.
     */
    int renewLeases(String owner, Collection<String> deliveryIds, long leaseUntil);

    /** Gives up {@code owner}'s claims (it stops), so another server may send them at once; returns how many. */
    int releaseLeases(String owner);

    /** Gives up every claim: for a store only one server uses, whose earlier process is gone. */
    int releaseAllLeases();

    /**
     * Records an attempt made by {@code owner} and ends its claim: a pending delivery becomes
     * {@code status} ({@link WebhookDelivery#PENDING} again, due at {@code nextAttemptAt}, or
     * {@link WebhookDelivery#DELIVERED} or {@link WebhookDelivery#FAILED}); a delivery cancelled
     * meanwhile stays cancelled but keeps the attempt. False, and nothing recorded, when
     * {@code owner} no longer holds the delivery (its lease ran out and another server took it) or
     * the attempt's number is not the next one.
     */
    boolean recordAttempt(WebhookAttempt attempt, String owner, String status, long nextAttemptAt);
}
