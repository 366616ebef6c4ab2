package dev.steward.core.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.core.training.ModelSignature;
import dev.steward.spi.serving.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Adaptive batching: requests that arrive while the calls allowed run share the next one; a lone request waits for nothing. */
class ServingBatchingTest {
    private static final Set<String> OUTPUTS = Set.of("label", "probabilities");
    private static final ServingMetrics.Lane LANE = ServingMetrics.NONE.lane("d", "m", 1);

    private final FakeModels models = new FakeModels();
    private final ServedModel model = new ServedModel(new VersionKey("m", 1), ModelSignature.of(FakeModels.manifest()),
            models.load("m/1".getBytes(StandardCharsets.UTF_8)));
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private static List<Tensor> row(double x, String colour) {
        return FakeModels.tensors(x, colour).tensors();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(1);
        }
    }

    @Test
    void requestsArrivingWhileACallRunsAreCoalescedIntoTheNextCallAndEachGetsItsOwnRows() throws Exception {
        Batcher batcher = new Batcher(model, new DeploymentSpec.Batching(64, 0), 1, LANE);
        models.hold();
        Future<Map<String, Tensor>> first = pool.submit(() -> batcher.run(row(0.1, "red"), 1, OUTPUTS));
        await(() -> models.inside.get() == 1, "the first call inside the runtime");
        List<Future<Map<String, Tensor>>> queued = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            double x = i / 10.0 + 0.3;
            queued.add(pool.submit(() -> batcher.run(row(x, "blue"), 1, OUTPUTS)));
        }
        await(() -> batcher.queuedRows() == 5, "five requests queued");
        models.open();

        assertThat(first.get(30, TimeUnit.SECONDS).get("probabilities").doubles()).containsExactly(0.9, 0.1);
        for (Future<Map<String, Tensor>> answer : queued) {
            Map<String, Tensor> out = answer.get(30, TimeUnit.SECONDS);
            assertThat(out.get("label").shape()).containsExactly(1);
            assertThat(out.get("probabilities").shape()).containsExactly(1, 2);
        }
        List<Double> answered = new ArrayList<>();
        for (Future<Map<String, Tensor>> answer : queued) {
            answered.add(answer.get().get("probabilities").doubles()[1]);
        }
        assertThat(answered).as("each request got its own row back").containsExactly(0.4, 0.5, 0.6, 0.7, 0.8);
        assertThat(models.batchRows).containsExactly(1, 5);
    }

    @Test
    void requestsQueueOnlyWhenEveryCallAllowedIsTaken() throws Exception {
        Batcher batcher = new Batcher(model, new DeploymentSpec.Batching(64, 0), 2, LANE);
        models.hold();
        List<Future<?>> calls = new ArrayList<>();
        calls.add(pool.submit(() -> batcher.run(row(0.1, "red"), 1, OUTPUTS)));
        calls.add(pool.submit(() -> batcher.run(row(0.2, "red"), 1, OUTPUTS)));
        await(() -> models.inside.get() == 2, "two calls inside the runtime at once");
        calls.add(pool.submit(() -> batcher.run(row(0.3, "red"), 1, OUTPUTS)));
        calls.add(pool.submit(() -> batcher.run(row(0.4, "red"), 1, OUTPUTS)));
        await(() -> batcher.queuedRows() == 2, "the third and fourth requests queued");
        models.open();
        for (Future<?> call : calls) {
            call.get(30, TimeUnit.SECONDS);
        }

        assertThat(models.batchRows).containsExactlyInAnyOrder(1, 1, 2);
    }

    @Test
    void aBatchNeverExceedsTheMaximumRowsAndTheRestWaitsForTheNextCall() throws Exception {
        Batcher batcher = new Batcher(model, new DeploymentSpec.Batching(4, 0), 1, LANE);
        models.hold();
        Future<?> first = pool.submit(() -> batcher.run(row(0.1, "red"), 1, OUTPUTS));
        await(() -> models.inside.get() == 1, "the first call inside the runtime");
        List<Future<?>> queued = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            queued.add(pool.submit(() -> batcher.run(row(0.5, "red"), 1, OUTPUTS)));
        }
        await(() -> batcher.queuedRows() == 6, "six requests queued");
        models.open();
        first.get(30, TimeUnit.SECONDS);
        for (Future<?> answer : queued) {
            answer.get(30, TimeUnit.SECONDS);
        }

        assertThat(models.batchRows).containsExactly(1, 4, 2);
    }

    @Test
    void aLoneRequestIsNotDelayedByTheLongestWait() throws Exception {
        Batcher batcher = new Batcher(model, new DeploymentSpec.Batching(64, TimeUnit.SECONDS.toMicros(60)), 1, LANE);

        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            batcher.run(row(0.5, "red"), 1, OUTPUTS);
        }

        // A generous bound: the batcher would wait a full minute for company if it waited at all.
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(20);
        assertThat(models.batchRows).hasSize(20).containsOnly(1);
    }

    @Test
    void withAMaximumBatchOfOneEveryRequestRunsAloneAndAtOnce() throws Exception {
        Batcher batcher = new Batcher(model, new DeploymentSpec.Batching(1, 2_000), 1, LANE);
        models.hold();
        List<Future<?>> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            calls.add(pool.submit(() -> batcher.run(row(0.5, "red"), 1, OUTPUTS)));
        }
        await(() -> models.inside.get() == 3, "three calls inside the runtime at once");
        models.open();
        for (Future<?> call : calls) {
            call.get(30, TimeUnit.SECONDS);
        }

        assertThat(models.batchRows).containsExactly(1, 1, 1);
    }

    @Test
    void aRequestTheRuntimeRefusesInsideABatchFailsAloneAndTheOthersAreAnswered() throws Exception {
        Batcher batcher = new Batcher(model, new DeploymentSpec.Batching(64, 0), 1, LANE);
        models.hold();
        Future<?> first = pool.submit(() -> batcher.run(row(0.1, "red"), 1, OUTPUTS));
        await(() -> models.inside.get() == 1, "the first call inside the runtime");
        Future<Map<String, Tensor>> good = pool.submit(() -> batcher.run(row(0.9, "red"), 1, OUTPUTS));
        await(() -> batcher.queuedRows() == 1, "the good request queued");
        Future<Map<String, Tensor>> bad = pool.submit(() -> batcher.run(row(0.9, "crash"), 1, OUTPUTS));
        await(() -> batcher.queuedRows() == 2, "the bad request queued");
        models.open();
        first.get(30, TimeUnit.SECONDS);

        assertThat(good.get(30, TimeUnit.SECONDS).get("label").strings()).containsExactly("yes");
        assertThatThrownBy(() -> bad.get(30, TimeUnit.SECONDS)).hasMessageContaining("refuses the colour crash");
    }
}
