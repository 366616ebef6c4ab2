package dev.steward.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * One event on its way to one webhook.
 *
 * @param status {@code pending}, {@code delivered}, {@code failed} (given up) or {@code cancelled}
 * @param nextAttemptAt when a pending delivery is tried next
 * @param payload the body sent to the receiver
 */
public record WebhookDeliveryInfo(String id, String webhookId, String eventId, String eventType, String status, String createdAt,
        Optional<String> nextAttemptAt, Optional<String> endedAt, List<Attempt> attempts, JsonNode payload) {
    public WebhookDeliveryInfo {
        attempts = List.copyOf(attempts);
    }

    /** One try: the receiver's HTTP status when it answered, or why no 2xx came back. */
    public record Attempt(int attempt, String startedAt, long durationMs, Optional<Integer> httpStatus, Optional<String> error) {}
}
