package dev.steward.spi.webhooks;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One try at sending a delivery.
 *
 * @param attempt 1 for the first try, one more for each retry
 * @param startedAt epoch ms
 * @param httpStatus the receiver's status code, when it answered
 * @param error why no 2xx came back: the status, a refused connection, a timeout
 */
public record WebhookAttempt(String deliveryId, int attempt, long startedAt, long durationMs, Optional<Integer> httpStatus,
        Optional<String> error) {
    public WebhookAttempt {
        requireNonNull(deliveryId, "deliveryId is null");
        requireNonNull(httpStatus, "httpStatus is null");
        requireNonNull(error, "error is null");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be at least 1: " + attempt);
        }
    }

    public boolean succeeded() {
        return error.isEmpty();
    }
}
