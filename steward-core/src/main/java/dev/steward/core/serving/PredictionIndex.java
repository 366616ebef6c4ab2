package dev.steward.core.serving;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The recent predictions of every deployment by request id, bounded three ways: at most
 * {@code maxPredictions} predictions, at most {@code maxRows} rows in all (a prediction of many
 * rows weighs more), none older than {@code maxAgeMillis}. The oldest go first. Lock-free: a put
 * is a map insertion and a queue append, and evicts what the bounds ask for; under contention the
 * bounds may be undershot by a few entries, never overshot for long. Thread-safe.
 */
final class PredictionIndex {
    private final int maxPredictions;
    private final long maxRows;
    private final long maxAgeMillis;
    private final Clock clock;
    private final ConcurrentHashMap<Key, Entry> byRequest = new ConcurrentHashMap<>();
    /** Every entry put, oldest first, including those replaced since by a newer one of the same request (they still count until evicted). */
    private final ConcurrentLinkedQueue<Entry> order = new ConcurrentLinkedQueue<>();
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicLong rows = new AtomicLong();

    private record Key(String deployment, String requestId) {}

    private record Entry(Key key, RecordedPrediction prediction) {}

    PredictionIndex(int maxPredictions, long maxRows, long maxAgeMillis, Clock clock) {
        if (maxPredictions < 1 || maxRows < 1 || maxAgeMillis < 1) {
            throw new IllegalArgumentException("bad prediction index bounds " + maxPredictions + " / " + maxRows + " / " + maxAgeMillis);
        }
        this.maxPredictions = maxPredictions;
        this.maxRows = maxRows;
        this.maxAgeMillis = maxAgeMillis;
        this.clock = requireNonNull(clock, "clock is null");
    }

    void put(RecordedPrediction prediction) {
        Entry entry = new Entry(new Key(prediction.deployment(), prediction.requestId()), prediction);
        byRequest.put(entry.key(), entry);
        order.add(entry);
        count.incrementAndGet();
        rows.addAndGet(prediction.rows());
        evict(clock.millis());
    }

    /** The prediction a deployment answered a request with, while it is within the bounds. */
    Optional<RecordedPrediction> find(String deployment, String requestId) {
        Entry entry = byRequest.get(new Key(deployment, requestId));
        if (entry == null || expired(entry, clock.millis())) {
            return Optional.empty();
        }
        return Optional.of(entry.prediction());
    }

    /** Predictions held (a replaced one counts until it is evicted). */
    int size() {
        return count.get();
    }

    private void evict(long now) {
        while (true) {
            Entry oldest = order.peek();
            if (oldest == null || (count.get() <= maxPredictions && rows.get() <= maxRows && !expired(oldest, now))) {
                return;
            }
            // Another thread may have taken the head since: whatever is polled is the oldest now.
            Entry evicted = order.poll();
            if (evicted != null) {
                byRequest.remove(evicted.key(), evicted);
                count.decrementAndGet();
                rows.addAndGet(-evicted.prediction().rows());
            }
        }
    }

    private boolean expired(Entry entry, long now) {
        return entry.prediction().atMillis() < now - maxAgeMillis;
    }
}
