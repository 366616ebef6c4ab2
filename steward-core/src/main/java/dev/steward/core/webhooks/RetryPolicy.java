package dev.steward.core.webhooks;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/**
 * When a failed delivery is tried again: after {@code baseDelay}, doubling with each failure up to
 * {@code maxDelay}, at a random point in the second half of that delay (so that receivers coming
 * back are not hit by every sender at once); given up after {@code maxAttempts} attempts, or when
 * the next attempt would come later than {@code maxAge} after the event.
 */
public record RetryPolicy(int maxAttempts, Duration maxAge, Duration baseDelay, Duration maxDelay) {
    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        requireNonNull(maxAge, "maxAge is null");
        requireNonNull(baseDelay, "baseDelay is null");
        requireNonNull(maxDelay, "maxDelay is null");
        if (baseDelay.toMillis() < 1 || maxDelay.compareTo(baseDelay) < 0) {
            throw new IllegalArgumentException("delays must be positive with maxDelay >= baseDelay: " + baseDelay + ", " + maxDelay);
        }
    }

    /**
     * The time (epoch ms) of the next attempt after {@code attemptsMade} failed ones, or empty to give up.
     *
     * @param createdAt when the delivery was queued (epoch ms)
     * @param now when the last attempt failed (epoch ms)
     * @param random a number in [0, 1) that picks the point within the delay
     */
    public Optional<Long> nextAttemptAt(int attemptsMade, long createdAt, long now, double random) {
        if (attemptsMade >= maxAttempts) {
            return Optional.empty();
        }
        long delay = delay(attemptsMade);
        long next = now + delay / 2 + (long) (random * (delay - delay / 2));
        return next > createdAt + maxAge.toMillis() ? Optional.empty() : Optional.of(next);
    }

    /** The full delay after {@code attemptsMade} failures: base, 2 × base, 4 × base ... capped. */
    long delay(int attemptsMade) {
        long cap = maxDelay.toMillis();
        long delay = baseDelay.toMillis();
        for (int i = 1; i < attemptsMade && delay < cap; i++) {
            delay *= 2;
        }
        return Math.min(delay, cap);
    }
}
