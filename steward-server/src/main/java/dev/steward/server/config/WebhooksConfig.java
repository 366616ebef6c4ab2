package dev.steward.server.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Webhook delivery.
 *
 * @param timeout how long one attempt waits for the receiver's answer ({@code webhooks.timeout-ms})
 * @param maxAttempts attempts before a delivery is given up and marked failed ({@code webhooks.max-attempts})
 * @param maxAge a delivery is given up when its next attempt would come later than this after its
 *     event ({@code webhooks.max-age-hours})
 * @param retryBase the delay before the first retry, doubled for each one after it up to an hour
 *     ({@code webhooks.retry-base-ms})
 */
public record WebhooksConfig(Duration timeout, int maxAttempts, Duration maxAge, Duration retryBase) {
    public WebhooksConfig {
        requireNonNull(timeout, "timeout is null");
        requireNonNull(maxAge, "maxAge is null");
        requireNonNull(retryBase, "retryBase is null");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
    }
}
