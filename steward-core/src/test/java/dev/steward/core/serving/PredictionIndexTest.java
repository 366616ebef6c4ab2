package dev.steward.core.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class PredictionIndexTest {
    private final ManualClock clock = new ManualClock(1_000_000);

    static RecordedPrediction prediction(String deployment, String requestId, long at, String... labels) {
        return RecordedPrediction.classification(requestId, deployment, 1, "penguins", 1, "weighted", labels, new double[0], new boolean[0], at);
    }

    @Test
    void aPredictionIsFoundByItsDeploymentAndRequestIdAndNothingElse() {
        PredictionIndex index = new PredictionIndex(10, 100, 60_000, clock);
        RecordedPrediction p = prediction("penguins-api", "req-1", clock.millis(), "Adelie");
        index.put(p);

        assertThat(index.find("penguins-api", "req-1")).containsSame(p);
        assertThat(index.find("penguins-api", "req-2")).isEmpty();
        assertThat(index.find("other-api", "req-1")).as("the same id answered by another deployment is another request").isEmpty();
        RecordedPrediction again = prediction("penguins-api", "req-1", clock.millis(), "Gentoo");
        index.put(again);
        assertThat(index.find("penguins-api", "req-1")).as("the newest wins").containsSame(again);
    }

    @Test
    void theOldestPredictionsGoFirstBeyondTheCount() {
        PredictionIndex index = new PredictionIndex(3, 1_000, 60_000, clock);
        for (int i = 1; i <= 5; i++) {
            index.put(prediction("d", "req-" + i, clock.millis(), "Adelie"));
        }

        assertThat(index.size()).isEqualTo(3);
        assertThat(index.find("d", "req-1")).isEmpty();
        assertThat(index.find("d", "req-2")).isEmpty();
        assertThat(index.find("d", "req-3")).isPresent();
        assertThat(index.find("d", "req-5")).isPresent();
    }

    @Test
    void aReplacedPredictionStillCountsUntilEvictedButNeverHidesItsSuccessor() {
        PredictionIndex index = new PredictionIndex(2, 1_000, 60_000, clock);
        index.put(prediction("d", "req-1", clock.millis(), "Adelie"));
        RecordedPrediction newer = prediction("d", "req-1", clock.millis(), "Gentoo");
        index.put(newer);
        index.put(prediction("d", "req-2", clock.millis(), "Adelie"));

        assertThat(index.find("d", "req-1")).as("evicting the replaced entry keeps the newer one").containsSame(newer);
        assertThat(index.find("d", "req-2")).isPresent();
    }

    @Test
    void rowsAreBoundedTooSoOneLargeBatchPushesOutSeveralSmallOnes() {
        PredictionIndex index = new PredictionIndex(100, 5, 60_000, clock);
        index.put(prediction("d", "one", clock.millis(), "A"));
        index.put(prediction("d", "two", clock.millis(), "A"));
        index.put(prediction("d", "three", clock.millis(), "A"));
        index.put(prediction("d", "large", clock.millis(), "A", "B", "C", "D"));

        assertThat(index.find("d", "one")).isEmpty();
        assertThat(index.find("d", "two")).isEmpty();
        assertThat(index.find("d", "three")).isPresent();
        assertThat(index.find("d", "large")).isPresent();
    }

    @Test
    void aPredictionOlderThanTheWindowIsUnknownAndIsEvictedByTheNextPut() {
        PredictionIndex index = new PredictionIndex(100, 1_000, 60_000, clock);
        index.put(prediction("d", "old", clock.millis(), "A"));
        clock.advance(30_000);
        index.put(prediction("d", "newer", clock.millis(), "A"));
        clock.advance(30_001);

        assertThat(index.find("d", "old")).as("61 s old").isEmpty();
        assertThat(index.find("d", "newer")).isPresent();
        assertThat(index.size()).as("not evicted before the next put").isEqualTo(2);
        index.put(prediction("d", "newest", clock.millis(), "A"));
        assertThat(index.size()).isEqualTo(2);
    }

    @Test
    void concurrentPutsKeepTheIndexWithinItsBounds() throws Exception {
        PredictionIndex index = new PredictionIndex(500, 100_000, 60_000, clock);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 5_000; i++) {
                        index.put(prediction("d", thread + "-" + i, clock.millis(), "A"));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }

        // Threads evicting at once may each take one more than needed: at most one fewer per other thread.
        assertThat(index.size()).isBetween(497, 500);
        int found = 0;
        for (int t = 0; t < 4; t++) {
            for (int i = 0; i < 5_000; i++) {
                found += index.find("d", t + "-" + i).isPresent() ? 1 : 0;
            }
        }
        assertThat(found).as("what is counted is what can be found").isEqualTo(index.size());
    }

    /** A clock that moves only when told to. */
    static final class ManualClock extends Clock {
        private volatile long millis;

        ManualClock(long millis) {
            this.millis = millis;
        }

        void advance(long by) {
            millis += by;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
