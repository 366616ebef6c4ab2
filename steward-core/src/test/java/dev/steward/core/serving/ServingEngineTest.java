package dev.steward.core.serving;

import static dev.steward.core.serving.TestDirectory.spec;
import static dev.steward.core.serving.TestDirectory.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import dev.steward.spi.serving.Tensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine over an in-memory directory and a runtime written by hand: loading, hot swaps, stops,
 * routing, limits, thresholds, and what it hands to the request log, the feedback index and the
 * review queue.
 */
class ServingEngineTest {
    private final TestDirectory directory = new TestDirectory();
    private final FakeModels models = new FakeModels();
    private final List<LoggedRequest> logged = new CopyOnWriteArrayList<>();
    private final List<RecordedPrediction> recorded = new CopyOnWriteArrayList<>();
    private final List<RecordedPrediction> reviewed = new CopyOnWriteArrayList<>();
    private final ServingEngine engine = new ServingEngine(directory, models, models, new RequestLog() {
        @Override
        public boolean offer(LoggedRequest request) {
            return logged.add(request);
        }

        @Override
        public long dropped() {
            return 0;
        }

        @Override
        public int queued() {
            return 0;
        }

        @Override
        public void close() {
        }
    }, recorded::add, new ReviewQueue() {
        @Override
        public boolean offer(RecordedPrediction prediction, List<Tensor> inputs) {
            return reviewed.add(prediction);
        }

        @Override
        public long dropped() {
            return 0;
        }
    }, ServingMetrics.NONE);
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
        engine.close();
    }

    private void settle() throws InterruptedException {
        assertThat(engine.awaitSettled(Duration.ofSeconds(30))).as("the engine settled").isTrue();
    }

    private Prediction predict(String deployment, double x) {
        return engine.predict(request(deployment, Optional.empty(), "caller", FakeModels.tensors(x, "red")));
    }

    private static PredictionRequest request(String deployment, Optional<String> version, String caller, RequestInput input) {
        return new PredictionRequest(deployment, version, "req-" + System.nanoTime(), caller, "oip", System.currentTimeMillis(), 100,
                header -> Optional.empty(), () -> input);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(1);
        }
    }

    @Test
    void aVersionIsLoadedAndWarmedBeforeItTakesTraffic() throws Exception {
        models.holdFetch("m", 1);
        engine.start();
        directory.put("d", spec(version("m", 1, 1)));

        assertThatThrownBy(() -> predict("d", 0.9)).isInstanceOf(StewardException.class)
                .satisfies(e -> assertThat(((StewardException) e).code()).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE))
                .hasMessageContaining("loading model version m/1");
        assertThat(engine.notReady()).isPresent();
        models.releaseFetch("m", 1);
        settle();

        assertThat(models.calls.get()).as("warm-up calls before any request").isGreaterThanOrEqualTo(3);
        Prediction answer = predict("d", 0.9);
        assertThat(answer.model()).isEqualTo("m");
        assertThat(answer.version()).isEqualTo(1);
        assertThat(answer.versionLabel()).isEqualTo("1");
        assertThat(answer.arm()).isEqualTo("weighted");
        assertThat(answer.classification().orElseThrow().labels()).containsExactly("yes");
        assertThat(answer.outputs()).containsOnlyKeys("label", "probabilities");
        assertThat(engine.notReady()).isEmpty();
        assertThat(engine.notReady("d", Optional.empty())).isEmpty();
    }

    @Test
    void aHotSwapUnderConcurrentLoadFailsNoRequestAndClosesTheOldSessionAfterItsCallsDrained() throws Exception {
        engine.start();
        directory.put("d", spec(version("m", 1, 1)));
        settle();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Map<Integer, AtomicInteger> answeredBy = new ConcurrentHashMap<>();
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            clients.add(pool.submit(() -> {
                while (running.get()) {
                    try {
                        answeredBy.computeIfAbsent(predict("d", 0.7).version(), v -> new AtomicInteger()).incrementAndGet();
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                }
            }));
        }
        await(() -> answeredBy.containsKey(1) && answeredBy.get(1).get() > 50, "traffic on version 1");
        models.holdFetch("m", 2);
        directory.put("d", spec(version("m", 2, 1)));
        int onOneWhileTwoLoads = answeredBy.get(1).get();
        await(() -> answeredBy.get(1).get() > onOneWhileTwoLoads + 50, "version 1 still serving while version 2 loads");
        models.releaseFetch("m", 2);
        settle();
        await(() -> answeredBy.containsKey(2) && answeredBy.get(2).get() > 50, "traffic on version 2");
        running.set(false);
        for (Future<?> client : clients) {
            client.get(30, TimeUnit.SECONDS);
        }

        assertThat(failures).as("failed requests during the swap").isEmpty();
        await(() -> models.closes.get() == 1, "version 1's session closed");
        assertThat(models.loads.get()).isEqualTo(2);
    }

    @Test
    void anUnloadedSessionClosesOnlyWhenItsLastInFlightCallReturns() throws Exception {
        engine.start();
        directory.put("d", spec(version("m", 1, 1)));
        settle();
        models.hold();
        Future<Prediction> inFlight = pool.submit(() -> predict("d", 0.2));
        await(() -> models.inside.get() == 1, "a call inside version 1");
        directory.remove("d");
        directory.put("e", spec(version("m", 2, 1)));
        await(() -> models.inside.get() == 2, "version 2 warming up at the gate");

        assertThat(models.closes.get()).as("version 1 is closed while a call is inside").isZero();
        models.open();
        settle();
        assertThat(inFlight.get(30, TimeUnit.SECONDS).version()).isEqualTo(1);
        await(() -> models.closes.get() == 1, "version 1 closed after its call");
    }

    @Test
    void aStoppedDeploymentRefusesTheNextRequestWithItsReasonAndResumes() throws Exception {
        engine.start();
        directory.put("d", spec(version("m", 1, 1)));
        settle();
        predict("d", 0.5);

        directory.stop("d", "wrong prices shown to customers");

        assertThatThrownBy(() -> predict("d", 0.5)).isInstanceOf(StewardException.class)
                .satisfies(e -> assertThat(((StewardException) e).code()).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE))
                .hasMessage("deployment 'd' is stopped: wrong prices shown to customers");
        assertThatThrownBy(() -> engine.predict(request("d", Optional.of("1"), "caller", FakeModels.tensors(0.5, "red"))))
                .hasMessageContaining("stopped");
        assertThat(engine.notReady("d", Optional.empty())).contains("deployment 'd' is stopped: wrong prices shown to customers");
        assertThat(engine.notReady()).as("the server is ready: a stopped deployment is loaded").isEmpty();
        directory.put("d", spec(version("m", 1, 1)));
        assertThat(predict("d", 0.5).revision()).isEqualTo(2);
    }

    @Test
    void unknownDeploymentsAndVersionsAreNotFoundAndAPinnedVersionBypassesTheWeights() throws Exception {
        engine.start();
        directory.put("d", spec(version("m", 1, 1), version("m", 2, 0)));
        settle();

        assertThatThrownBy(() -> predict("nowhere", 0.5)).satisfies(e -> assertThat(((StewardException) e).code())
                .isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST)).hasMessage("no deployment named 'nowhere'");
        assertThatThrownBy(() -> engine.predict(request("d", Optional.of("7"), "c", FakeModels.tensors(0.5, "red"))))
                .satisfies(e -> assertThat(((StewardException) e).code()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST))
                .hasMessage("deployment 'd' serves the versions [1, 2], not '7'");
        for (int i = 0; i < 50; i++) {
            assertThat(predict("d", 0.5).version()).as("weight 0 takes no unpinned traffic").isEqualTo(1);
        }
        Prediction pinned = engine.predict(request("d", Optional.of("2"), "c", FakeModels.tensors(0.5, "red")));
        assertThat(pinned.version()).isEqualTo(2);
        assertThat(pinned.arm()).isEqualTo("pinned");
        assertThat(engine.predict(request("d", Optional.of("m:2"), "c", FakeModels.tensors(0.5, "red"))).version()).isEqualTo(2);
        assertThat(engine.describe("d", Optional.empty()).versions()).containsExactly("1", "2");
        assertThat(engine.describe("d", Optional.empty()).version().version()).as("the heaviest version describes the deployment").isEqualTo(1);
    }

    @Test
    void aVersionThatCannotBeLoadedIsReportedAndOtherDeploymentsKeepServing() throws Exception {
        models.breakVersion("m", 3, "the ONNX graph is missing from the artifact store");
        engine.start();
        directory.put("good", spec(version("m", 1, 1)));
        directory.put("bad", spec(version("m", 3, 1)));
        settle();

        assertThatThrownBy(() -> predict("bad", 0.5)).satisfies(e -> assertThat(((StewardException) e).code())
                .isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE)).hasMessageContaining("cannot serve model version m/3: the ONNX graph is missing");
        assertThat(predict("good", 0.5).version()).isEqualTo(1);
        assertThat(engine.notReady()).isPresent();
        assertThat(engine.notReady("good", Optional.empty())).isEmpty();
    }

    @Test
    void weightsDivideTheTrafficAndAStickyKeyKeepsACallerOnOneVersion() throws Exception {
        engine.start();
        DeploymentSpec sticky = new DeploymentSpec("production", List.of(version("m", 1, 3), version("m", 2, 1)), Optional.of("header:X-User"),
                DeploymentSpec.Batching.DEFAULT, DeploymentSpec.Limits.DEFAULT, Optional.empty());
        directory.put("d", sticky);
        settle();

        int onTwo = 0;
        for (int i = 0; i < 4000; i++) {
            onTwo += predict("d", 0.5).version() == 2 ? 1 : 0;
        }
        // 1000 expected; 5 standard deviations (27) either side.
        assertThat(onTwo).isBetween(860, 1140);
        Map<String, Integer> firstAnswer = new ConcurrentHashMap<>();
        int stickyOnTwo = 0;
        for (int user = 0; user < 400; user++) {
            String name = "user-" + user;
            for (int repeat = 0; repeat < 3; repeat++) {
                Prediction p = engine.predict(new PredictionRequest("d", Optional.empty(), "r", "c", "native", 0, 10,
                        header -> header.equals("X-User") ? Optional.of(name) : Optional.empty(), () -> FakeModels.tensors(0.5, "red")));
                assertThat(p.arm()).isEqualTo("sticky");
                assertThat(firstAnswer.computeIfAbsent(name, n -> p.version())).as(name + " stays on its version").isEqualTo(p.version());
            }
            stickyOnTwo += firstAnswer.get(name) == 2 ? 1 : 0;
        }
        // 100 expected; 5 standard deviations (43) either side.
        assertThat(stickyOnTwo).isBetween(57, 143);
    }

    @Test
    void belowTheConfidenceThresholdAClassificationAbstainsOrTakesTheFallbackLabel() throws Exception {
        engine.start();
        DeploymentSpec threshold = new DeploymentSpec("production", List.of(version("m", 1, 1)), Optional.empty(), DeploymentSpec.Batching.DEFAULT,
                DeploymentSpec.Limits.DEFAULT, Optional.of(new DeploymentSpec.Threshold(0.8, Optional.empty())));
        directory.put("abstains", threshold);
        directory.put("falls-back", new DeploymentSpec("production", List.of(version("m", 1, 1)), Optional.empty(), DeploymentSpec.Batching.DEFAULT,
                DeploymentSpec.Limits.DEFAULT, Optional.of(new DeploymentSpec.Threshold(0.8, Optional.of("ask a human")))));
        settle();

        Prediction answer = engine.predict(request("abstains", Optional.empty(), "c", FakeModels.records(new Object[] {0.9, 0.6, 0.1},
                new Object[] {"red", "blue", null})));
        Prediction.Classification classes = answer.classification().orElseThrow();
        assertThat(classes.labels()).containsExactly("yes", null, "no");
        assertThat(classes.predicted()).containsExactly("yes", "yes", "no");
        assertThat(classes.abstained()).containsExactly(false, true, false);
        assertThat(classes.confidence()).containsExactly(0.9, 0.6, 0.9);
        assertThat(recorded).hasSize(1);
        assertThat(recorded.get(0).labels()).as("feedback joins to what the model predicted").containsExactly("yes", "yes", "no");
        assertThat(recorded.get(0).abstained()).containsExactly(false, true, false);
        assertThat(reviewed).as("the abstained row goes to review").containsExactly(recorded.get(0));
        Prediction tensors = engine.predict(new PredictionRequest("falls-back", Optional.empty(), "r", "c", "oip", 0, 10, h -> Optional.empty(),
                () -> new RequestInput.Tensors(FakeModels.tensors(0.6, "red").tensors(), Optional.of(java.util.Set.of("label")), Map.of())));
        assertThat(tensors.outputs()).containsOnlyKeys("label", Prediction.ABSTAINED);
        assertThat(tensors.outputs().get("label").strings()).containsExactly("ask a human");
        assertThat(tensors.outputs().get(Prediction.ABSTAINED).booleans()).containsExactly(true);
    }

    @Test
    void aTokenOverItsRateLimitIsRefusedWhileOtherTokensAreServed() throws Exception {
        engine.start();
        directory.put("d", new DeploymentSpec("production", List.of(version("m", 1, 1)), Optional.empty(), DeploymentSpec.Batching.DEFAULT,
                new DeploymentSpec.Limits(100, 10_000, OptionalDouble.of(0.01), 2), Optional.empty()));
        settle();
        RequestInput row = FakeModels.tensors(0.5, "red");

        engine.predict(request("d", Optional.empty(), "alice", row));
        engine.predict(request("d", Optional.empty(), "alice", row));

        assertThatThrownBy(() -> engine.predict(request("d", Optional.empty(), "alice", row)))
                .satisfies(e -> assertThat(((StewardException) e).code()).isEqualTo(ErrorCode.REQUEST_LIMIT_EXCEEDED))
                .hasMessageContaining("at most 0.01 requests per second per token (burst 2); retry after 100 s");
        assertThat(engine.retryAfterSeconds("d")).isEqualTo(100);
        assertThat(engine.predict(request("d", Optional.empty(), "bob", row)).version()).isEqualTo(1);
        assertThatThrownBy(() -> engine.predict(new PredictionRequest("d", Optional.empty(), "r", "carol", "oip", 0, 10_001, h -> Optional.empty(),
                () -> row))).satisfies(e -> assertThat(((StewardException) e).code()).isEqualTo(ErrorCode.REQUEST_TOO_LARGE))
                .hasMessageContaining("10001 bytes; deployment 'd' takes at most 10000");
    }

    @Test
    void everyRequestAndItsAnswerOrErrorReachesTheRequestLog() throws Exception {
        engine.start();
        directory.put("d", spec(version("m", 1, 1)));
        settle();

        Prediction answer = predict("d", 0.9);
        assertThatThrownBy(() -> engine.predict(request("d", Optional.empty(), "c", FakeModels.tensors(0.9, "green"))));
        directory.stop("d", "maintenance");
        assertThatThrownBy(() -> predict("d", 0.9));

        assertThat(logged).hasSize(3);
        LoggedRequest first = logged.get(0);
        assertThat(first.requestId()).isEqualTo(answer.requestId());
        assertThat(first.model()).isEqualTo("m");
        assertThat(first.version()).isEqualTo(1);
        assertThat(first.arm()).isEqualTo("weighted");
        assertThat(first.caller()).isEqualTo("caller");
        assertThat(first.rows()).isEqualTo(1);
        assertThat(first.inputs()).extracting(t -> t.name()).containsExactly("x", "colour");
        assertThat(first.outputs()).containsKeys("label", "probabilities");
        assertThat(first.error()).isEmpty();
        assertThat(logged.get(1).error().orElseThrow()).startsWith("bad_input: ").contains("green");
        assertThat(logged.get(2).error().orElseThrow()).isEqualTo("stopped: deployment 'd' is stopped: maintenance");
        assertThat(recorded).as("only the answer is recorded for feedback").hasSize(1);
        assertThat(recorded.get(0).requestId()).isEqualTo(answer.requestId());
        assertThat(recorded.get(0).confidences()).containsExactly(0.9);
        assertThat(recorded.get(0).abstained()).as("no threshold, no abstained flags").isEmpty();
        assertThat(reviewed).isEmpty();
    }
}
