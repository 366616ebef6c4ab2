package dev.steward.spi.webhooks;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One event on its way to one subscription.
 *
 * @param seq the store-wide order of deliveries; a subscription's deliveries are sent in this order,
 *     each only once the one before it was delivered or given up
 * @param status one of {@link #PENDING}, {@link #DELIVERED}, {@link #FAILED} (given up), {@link #CANCELLED}
 *     (its subscription was deleted first)
 * @param attempts how many attempts were made so far
 * @param nextAttemptAt when a pending delivery may be attempted (epoch ms)
 * @param endedAt when it stopped being pending
 * @param owner the server instance sending it right now, which holds a lease on it
 */
public record WebhookDelivery(String id, String subscriptionId, String eventId, long seq, String status, int attempts, long createdAt,
        long nextAttemptAt, Optional<Long> endedAt, Optional<String> owner) {
    public static final String PENDING = "pending";
    public static final String DELIVERED = "delivered";
    public static final String FAILED = "failed";
    public static final String CANCELLED = "cancelled";

    public WebhookDelivery {
        requireNonNull(id, "id is null");
        requireNonNull(subscriptionId, "subscriptionId is null");
        requireNonNull(eventId, "eventId is null");
        requireNonNull(status, "status is null");
        requireNonNull(endedAt, "endedAt is null");
        requireNonNull(owner, "owner is null");
    }
}
