package dev.steward.bench;

import dev.steward.core.tracking.TrackingService;
import dev.steward.server.Steward;
import dev.steward.server.StewardServer;
import dev.steward.server.config.ConfigLoader;
import dev.steward.spi.Actor;
import dev.steward.spi.Caller;
import dev.steward.spi.Role;
import dev.steward.spi.tracking.KeyValue;
import dev.steward.spi.tracking.Metric;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load on the MLflow tracking API of a real server on the embedded SQLite store, driven over
 * HTTP from this JVM (so client and server share the machine's cores, as with the MLflow
 * figures in issue 3): log-metric with 8 concurrent clients, log-batch of 1000 metrics, and a
 * filtered search over 2,000 and 100,000 runs (system property {@code bench.runs}). Arguments pick phases: log-metric,
 * log-batch, search.
 */
public final class TrackingBenchmark {
    private static final Pattern RUN_ID = Pattern.compile("\"run_id\":\"([0-9a-f]{32})\"");
    private static final Pattern EXPERIMENT_ID = Pattern.compile("\"experiment_id\":\"(\\d+)\"");
    private static final Duration WARMUP = Duration.ofSeconds(3);
    private static final Duration MEASURE = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI base;
    private final String token;

    private TrackingBenchmark(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    public static void main(String[] args) throws Exception {
        Path home = Files.createTempDirectory("steward-bench-");
        try (StewardServer server = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0"))))) {
            TrackingBenchmark bench = new TrackingBenchmark(server.uri(), server.createdAdminToken().orElseThrow());
            System.out.printf("Steward tracking benchmark, %d cores, java %s, store %s%n", Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"), server.steward().store().dialect());
            java.util.Set<String> phases = args.length == 0 ? java.util.Set.of("log-metric", "log-batch", "search")
                    : java.util.Set.of(args);
            if (phases.contains("log-metric")) {
                bench.logMetric(8);
            }
            if (phases.contains("log-batch")) {
                bench.logBatch(2);
                bench.logBatch(4);
            }
            if (phases.contains("search")) {
                for (String runs : System.getProperty("bench.runs", "2000,100000").split(",")) {
                    bench.search(server.steward().tracking(), Integer.parseInt(runs.trim()));
                }
            }
        }
    }

    private void logMetric(int clients) throws Exception {
        String runId = createRun(createExperiment("log-metric-" + clients));
        Result result = load(clients, (thread, i) -> post("/api/2.0/mlflow/runs/log-metric", "{\"run_id\":\"" + runId + "\",\"key\":\"m"
                + thread + "\",\"value\":" + (i * 0.001) + ",\"timestamp\":" + System.currentTimeMillis() + ",\"step\":" + i + "}"));
        System.out.printf("log-metric, %d clients: %.0f requests/s, p50 %.2f ms, p99 %.2f ms%n", clients, result.perSecond(),
                result.p50(), result.p99());
    }

    private void logBatch(int clients) throws Exception {
        String runId = createRun(createExperiment("log-batch-" + clients));
        Result result = load(clients, (thread, i) -> {
            StringBuilder body = new StringBuilder("{\"run_id\":\"").append(runId).append("\",\"metrics\":[");
            long now = System.currentTimeMillis();
            for (int k = 0; k < 1000; k++) {
                body.append(k == 0 ? "" : ",").append("{\"key\":\"t").append(thread).append("_m").append(k % 10).append("\",\"value\":")
                        .append(k * 0.5).append(",\"timestamp\":").append(now).append(",\"step\":").append(i * 100L + k / 10).append('}');
            }
            post("/api/2.0/mlflow/runs/log-batch", body.append("]}").toString());
        });
        System.out.printf("log-batch of 1000 metrics, %d clients: %.0f requests/s = %.0f metrics/s, p50 %.2f ms%n", clients,
                result.perSecond(), result.perSecond() * 1000, result.p50());
    }

    private void search(TrackingService tracking, int runs) throws Exception {
        String experiment = populate(tracking, "search-" + runs, runs);
        for (int maxResults : new int[] {1000, 100}) {
            String body = "{\"experiment_ids\":[\"" + experiment + "\"],\"filter\":\"metrics.acc > 0.9\",\"max_results\":" + maxResults + "}";
            for (int i = 0; i < 5; i++) {
                post("/api/2.0/mlflow/runs/search", body);
            }
            List<Double> latencies = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                long t0 = System.nanoTime();
                post("/api/2.0/mlflow/runs/search", body);
                latencies.add((System.nanoTime() - t0) / 1e6);
            }
            Collections.sort(latencies);
            System.out.printf("search 'metrics.acc > 0.9' over %d runs, max_results %d: p50 %.1f ms, p90 %.1f ms (%.1f searches/s)%n",
                    runs, maxResults, latencies.get(latencies.size() / 2), latencies.get(latencies.size() * 9 / 10),
                    1000 / latencies.get(latencies.size() / 2));
        }
    }

    /**
     * Creates an experiment of {@code runs} runs in process, each with 3 metrics (acc, loss, f1) and 3
     * params (model, depth, lr) from a seeded random; prints how long it took. Returns the experiment's id.
     */
    static String populate(TrackingService tracking, String name, int runs) {
        Caller caller = new Caller(new Actor("bench", "bench", Role.ADMIN), "0".repeat(64));
        String experiment = tracking.createExperiment(caller, name, Optional.empty(), List.of());
        Random random = new Random(42);
        long start = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            String runId = tracking.createRun(caller, experiment, Optional.empty(), Optional.of(1_700_000_000_000L + i), List.of(),
                    Optional.of("run-" + i)).info().runId();
            tracking.logBatch(caller, runId,
                    List.of(new Metric("acc", random.nextDouble(), 1, 0), new Metric("loss", random.nextDouble(), 1, 0),
                            new Metric("f1", random.nextDouble(), 1, 0)),
                    List.of(new KeyValue("model", random.nextBoolean() ? "forest" : "linear"), new KeyValue("depth", "" + random.nextInt(20)),
                            new KeyValue("lr", "" + random.nextInt(5) * 0.1)),
                    List.of());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("created %d runs (3 metrics, 3 params each) in %.1f s (%.0f runs/s, in-process)%n", runs, seconds, runs / seconds);
        return experiment;
    }

    // ---- load generation ---------------------------------------------------------------------

    interface Call {
        void run(int thread, long iteration) throws Exception;
    }

    record Result(double perSecond, double p50, double p99) {}

    private Result load(int clients, Call call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean stop = new AtomicBoolean(false);
        List<Future<List<Double>>> futures = new ArrayList<>();
        for (int t = 0; t < clients; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                List<Double> latencies = new ArrayList<>();
                long i = 0;
                while (!stop.get()) {
                    long t0 = System.nanoTime();
                    call.run(thread, i++);
                    if (measuring.get()) {
                        latencies.add((System.nanoTime() - t0) / 1e6);
                    }
                }
                return latencies;
            }));
        }
        Thread.sleep(WARMUP.toMillis());
        measuring.set(true);
        long start = System.nanoTime();
        Thread.sleep(MEASURE.toMillis());
        measuring.set(false);
        double seconds = (System.nanoTime() - start) / 1e9;
        stop.set(true);
        List<Double> all = new ArrayList<>();
        for (Future<List<Double>> future : futures) {
            all.addAll(future.get());
        }
        pool.shutdown();
        Collections.sort(all);
        return new Result(all.size() / seconds, all.get(all.size() / 2), all.get((int) (all.size() * 0.99)));
    }

    private String createExperiment(String name) throws Exception {
        Matcher m = EXPERIMENT_ID.matcher(post("/api/2.0/mlflow/experiments/create", "{\"name\":\"" + name + "\"}"));
        return m.find() ? m.group(1) : fail("no experiment id");
    }

    private String createRun(String experiment) throws Exception {
        Matcher m = RUN_ID.matcher(post("/api/2.0/mlflow/runs/create", "{\"experiment_id\":\"" + experiment + "\"}"));
        return m.find() ? m.group(1) : fail("no run id");
    }

    private String post(String path, String json) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve(path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private static String fail(String message) {
        throw new IllegalStateException(message);
    }
}
