package dev.steward.core.serving.log;

import dev.steward.core.serving.LoggedRequest;
import dev.steward.spi.serving.Tensor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/** Entries as the serving engine hands them over (a penguins classifier's request and answer), a clock tests move, and waiting on a condition. */
final class LogEntries {
    private LogEntries() {}

    /** Request {@code id} of a deployment: four measurements in, a label and three probabilities out. */
    static LoggedRequest entry(String deployment, long id) {
        double x = id % 1000;
        return new LoggedRequest(Long.toString(id), deployment, 3, "penguins", 2, "weighted", "tok_" + (id % 7), "oip", 1_700_000_000_000L + id,
                180_000 + id % 1000, 1, List.of(Tensor.of("measurements", new long[] {1, 4}, new double[] {39.1 + x, 18.7, 181, 3750.5})),
                Map.of("label", Tensor.of("label", new long[] {1}, new long[] {id % 3}), "probabilities",
                        Tensor.of("probabilities", new long[] {1, 3}, new float[] {0.8f, 0.15f, 0.05f})),
                Optional.empty());
    }

    /** The request ids of entries, as numbers. */
    static List<Long> ids(List<LoggedRequest> entries) {
        return entries.stream().map(e -> Long.parseLong(e.requestId())).toList();
    }

    /** Waits for a condition with a bound generous enough for a loaded machine. */
    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(5);
        }
    }

    /** A clock that stands still until a test moves it. */
    static final class TestClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
