package dev.steward.core.serving;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What each served version of each deployment answered lately, per second, for the last
 * {@link #SECONDS} seconds: requests, errors and a latency histogram, so that a canary's guardrails
 * are measured on its own traffic since its step began. {@link #record} is lock-free and cheap
 * (a few atomic adds), for the serving hot path. Thread-safe.
 */
public final class LiveTraffic {
    /** How far back the figures go. */
    public static final int SECONDS = 3_600;
    /** Latency buckets: bucket i holds latencies below {@code 10 µs · 1.25^i}; the last one everything above. */
    static final int BUCKETS = 64;
    private static final double BASE_MICROS = 10;
    private static final double GROWTH = 1.25;
    private static final double LOG_GROWTH = Math.log(GROWTH);

    private final Clock clock;
    private final Map<String, Counter> versions = new ConcurrentHashMap<>();

    public LiveTraffic(Clock clock) {
        this.clock = clock;
    }

    /** The figures of one version since a time. */
    public record Stats(long requests, long errors, double p99Millis) {
        public double errorRate() {
            return requests == 0 ? 0 : (double) errors / requests;
        }
    }

    /** Counts one answered (or failed) request of {@code versionUri} in {@code deployment}. */
    public void record(String deployment, String versionUri, long latencyNanos, boolean error) {
        counter(deployment, versionUri).record(latencyNanos, error);
    }

    /**
     * The counter of a version in a deployment, for a caller that counts many requests (the serving
     * engine keeps one per served version, so that counting costs no lookup on the hot path).
     */
    public Counter counter(String deployment, String versionUri) {
        return versions.computeIfAbsent(deployment + " " + versionUri, key -> new Counter(clock));
    }

    /** Requests, errors and p99 latency of a version since {@code sinceMillis} (to the second). */
    public Stats since(String deployment, String versionUri, long sinceMillis) {
        Counter counter = versions.get(deployment + " " + versionUri);
        return counter == null ? new Stats(0, 0, 0) : counter.since(sinceMillis / 1000, clock.millis() / 1000);
    }

    /** Forgets a deployment (deleted). */
    public void forget(String deployment) {
        versions.keySet().removeIf(key -> key.startsWith(deployment + " "));
    }

    static int bucket(long latencyNanos) {
        double micros = latencyNanos / 1_000.0;
        if (micros < BASE_MICROS) {
            return 0;
        }
        return Math.min(BUCKETS - 1, 1 + (int) (Math.log(micros / BASE_MICROS) / LOG_GROWTH));
    }

    /** The upper edge of a bucket, in milliseconds. */
    static double upperMillis(int bucket) {
        return BASE_MICROS * Math.pow(GROWTH, bucket) / 1_000.0;
    }

    /** One version's figures: a ring of seconds; slot {@code s % SECONDS} holds second {@code s} while {@code seconds[slot] == s}. */
    public static final class Counter {
        private final Clock clock;
        private final AtomicLongArray seconds = new AtomicLongArray(SECONDS);
        private final AtomicLongArray requests = new AtomicLongArray(SECONDS);
        private final AtomicLongArray errors = new AtomicLongArray(SECONDS);
        private final AtomicLongArray latencies = new AtomicLongArray(SECONDS * BUCKETS);

        private Counter(Clock clock) {
            this.clock = clock;
        }

        /** Counts one answered (or failed) request. */
        public void record(long latencyNanos, boolean error) {
            record(clock.millis() / 1000, latencyNanos, error);
        }

        private void record(long second, long latencyNanos, boolean error) {
            int slot = (int) (second % SECONDS);
            long held = seconds.get(slot);
            if (held != second) {
                synchronized (this) {
                    if (seconds.get(slot) != second) {
                        requests.set(slot, 0);
                        errors.set(slot, 0);
                        for (int b = 0; b < BUCKETS; b++) {
                            latencies.set(slot * BUCKETS + b, 0);
                        }
                        seconds.set(slot, second);
                    }
                }
            }
            requests.incrementAndGet(slot);
            if (error) {
                errors.incrementAndGet(slot);
            }
            latencies.incrementAndGet(slot * BUCKETS + bucket(latencyNanos));
        }

        Stats since(long fromSecond, long nowSecond) {
            long total = 0;
            long failed = 0;
            long[] histogram = new long[BUCKETS];
            long first = Math.max(fromSecond, nowSecond - SECONDS + 1);
            for (long s = first; s <= nowSecond; s++) {
                int slot = (int) (s % SECONDS);
                if (seconds.get(slot) != s) {
                    continue;
                }
                total += requests.get(slot);
                failed += errors.get(slot);
                for (int b = 0; b < BUCKETS; b++) {
                    histogram[b] += latencies.get(slot * BUCKETS + b);
                }
            }
            double p99 = 0;
            long seen = 0;
            long wanted = (long) Math.ceil(0.99 * total);
            for (int b = 0; b < BUCKETS && total > 0; b++) {
                seen += histogram[b];
                if (seen >= wanted) {
                    p99 = upperMillis(b);
                    break;
                }
            }
            return new Stats(total, failed, p99);
        }
    }
}
