package dev.steward.server.serving;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Clients calling one deployment in a loop over the three protocols (records API, MLflow scoring,
 * OIP), one penguin per request, recording every answer: when it was sent, its status, the
 * version that answered (the {@code X-Steward-Model-Version} header) and its body.
 */
final class ServingTraffic implements AutoCloseable {
    static final List<String> PROTOCOLS = List.of("native", "mlflow", "oip");
    private static final String OIP = """
            {"inputs": [{"name": "island", "shape": [1, 1], "datatype": "BYTES", "data": ["Torgersen"]},
                        {"name": "beak_length_mm", "shape": [1, 1], "datatype": "FP64", "data": [39.1]},
                        {"name": "beak_depth_mm", "shape": [1, 1], "datatype": "FP64", "data": [18.7]},
                        {"name": "flipper_length_mm", "shape": [1, 1], "datatype": "FP64", "data": [181]},
                        {"name": "body_mass_g", "shape": [1, 1], "datatype": "FP64", "data": [3750]},
                        {"name": "sex", "shape": [1, 1], "datatype": "BYTES", "data": ["MALE"]}]}
            """;

    /** One answer: its protocol, when its request was sent (nanoTime), its status, the version that answered (empty on errors), its body. */
    record Answer(String protocol, long sentNanos, int status, String version, String body) {
    }

    final List<Answer> answers = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> byVersion = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ExecutorService clients;

    /** Starts {@code perProtocol} clients on each protocol against {@code deployment}. */
    ServingTraffic(ServingFixture fixture, String deployment, int perProtocol) {
        clients = Executors.newFixedThreadPool(perProtocol * PROTOCOLS.size());
        for (int c = 0; c < perProtocol; c++) {
            for (String protocol : PROTOCOLS) {
                HttpRequest request = switch (protocol) {
                    case "native" -> post(fixture, "/api/v1/deployments/" + deployment + "/predict", "{\"records\": [" + ServingFixture.PENGUIN + "]}");
                    case "mlflow" -> post(fixture, "/deployments/" + deployment + "/invocations", "{\"dataframe_records\": [" + ServingFixture.PENGUIN
                            + "]}");
                    default -> post(fixture, "/v2/models/" + deployment + "/infer", OIP);
                };
                clients.submit(() -> {
                    while (running.get()) {
                        long sent = System.nanoTime();
                        HttpResponse<String> response = fixture.http.send(HttpRequest.newBuilder(request, (name, value) -> true));
                        String version = response.headers().firstValue(ServingCalls.MODEL_VERSION).orElse("");
                        answers.add(new Answer(protocol, sent, response.statusCode(), version, response.body()));
                        byVersion.computeIfAbsent(version, v -> new AtomicInteger()).incrementAndGet();
                    }
                });
            }
        }
    }

    private static HttpRequest post(ServingFixture fixture, String path, String body) {
        return fixture.http.builder(path, fixture.inference).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    int answeredBy(String version) {
        AtomicInteger count = byVersion.get(version);
        return count == null ? 0 : count.get();
    }

    /** {@link #await}, for callers that do not declare the interruption. */
    static void awaitQuietly(BooleanSupplier condition, String what) {
        try {
            await(condition, what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits (polling) until {@code condition} holds; fails after 60 s. */
    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        clients.shutdown();
        if (!clients.awaitTermination(60, TimeUnit.SECONDS)) {
            throw new AssertionError("the clients did not stop");
        }
    }
}
