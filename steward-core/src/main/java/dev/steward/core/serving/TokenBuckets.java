package dev.steward.core.serving;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * Per-token rate limits of the deployments: one token bucket per deployment and caller, filled
 * at the deployment's {@code requests_per_second} up to its burst (at least one request). A
 * change of the limits applies from the next request on. Thread-safe.
 */
final class TokenBuckets {
    private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** Takes one request from the caller's bucket; false when it is empty. */
    boolean take(String deployment, String caller, double perSecond, int burst, long nowNanos) {
        return buckets.computeIfAbsent(deployment + '\n' + caller, key -> new Bucket(Math.max(1, burst), nowNanos))
                .take(perSecond, Math.max(1, burst), nowNanos);
    }

    /** Whole seconds until a refused caller's bucket holds a request again (at most one request's worth of filling). */
    static long retryAfterSeconds(double perSecond) {
        return Math.max(1, (long) Math.ceil(1 / perSecond));
    }

    /** Forgets the buckets of a deployment that is gone. */
    void forget(String deployment) {
        buckets.keySet().removeIf(key -> key.startsWith(deployment + '\n'));
    }

    private static final class Bucket {
        private double tokens;
        private long last;

        Bucket(int capacity, long now) {
            this.tokens = capacity;
            this.last = now;
        }

        synchronized boolean take(double perSecond, int capacity, long now) {
            tokens = Math.min(capacity, tokens + (now - last) * perSecond / TimeUnit.SECONDS.toNanos(1));
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }
}
