package dev.steward.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.server.HttpTestClient;
import dev.steward.server.StewardServer;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.imageio.ImageIO;

/**
 * A store populated through the API as a team would fill it: an experiment of twelve runs with
 * params, curves of metrics by step and artifacts of every kind the UI previews; tokens of each
 * role; and jobs that run, fail and wait. Seeded, so every build sees the same runs.
 */
final class UiScenario {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String EXPERIMENT = "churn-model";
    static final int RUNS = 12;

    final StewardServer server;
    final HttpTestClient http;
    final String admin;
    String experimentId;
    final List<String> runIds = new ArrayList<>();

    UiScenario(StewardServer server) {
        this.server = server;
        this.http = new HttpTestClient(server.uri());
        this.admin = server.createdAdminToken().orElseThrow();
    }

    void populate() {
        experimentId = ok(http.post("/api/v1/experiments", admin, "{\"name\": \"" + EXPERIMENT + "\", \"tags\": {\"team\": \"retention\"}}"), 201)
                .get("id").asText();
        ok(http.post("/api/v1/experiments", admin, "{\"name\": \"fraud-detection\"}"), 201);
        Random random = new Random(16);
        String[] models = {"xgboost", "logistic", "random_forest"};
        for (int i = 0; i < RUNS; i++) {
            String id = ok(http.post("/api/v1/runs", admin, "{\"experiment_id\": \"" + experimentId + "\", \"run_name\": \"run-" + (i + 1)
                    + "\", \"tags\": {\"stage\": \"tuning\"}}"), 201).get("id").asText();
            runIds.add(id);
            double lr = List.of(0.01, 0.05, 0.1, 0.3).get(i % 4);
            int depth = 3 + i % 5;
            double accuracy = 0.70 + 0.02 * i % 0.25 + random.nextDouble() * 0.01;
            StringBuilder metrics = new StringBuilder();
            for (int step = 0; step < 10; step++) {
                double loss = 1.2 * Math.exp(-lr * 4 * step) + random.nextDouble() * 0.02;
                metrics.append(step == 0 ? "" : ",").append("{\"key\": \"loss\", \"value\": ").append(loss).append(", \"step\": ").append(step)
                        .append(", \"timestamp\": ").append(1_780_000_000_000L + step * 1000L).append("}");
                metrics.append(",{\"key\": \"accuracy\", \"value\": ").append(accuracy - 0.2 * Math.exp(-step / 2.0)).append(", \"step\": ")
                        .append(step).append(", \"timestamp\": ").append(1_780_000_000_000L + step * 1000L).append("}");
            }
            metrics.append(",{\"key\": \"f1\", \"value\": ").append(accuracy - 0.05).append(", \"step\": 9, \"timestamp\": 1780000010000}");
            ok(http.post("/api/v1/runs/" + id + "/log", admin, "{\"metrics\": [" + metrics + "], \"params\": {\"lr\": \"" + lr + "\", \"depth\": \""
                    + depth + "\", \"model\": \"" + models[i % 3] + "\"}}"), 200);
        }
        String first = runIds.get(0);
        String root = "/api/2.0/mlflow-artifacts/artifacts/" + experimentId + "/" + first + "/artifacts/";
        ok(http.put(root + "notes.txt", admin, "Trained on the March snapshot.\nSee the model card for details.\n".getBytes(StandardCharsets.UTF_8)), 200);
        ok(http.put(root + "eval/metrics.json", admin, "{\"accuracy\": 0.91, \"classes\": [\"stay\", \"churn\"]}".getBytes(StandardCharsets.UTF_8)), 200);
        ok(http.put(root + "eval/sample.csv", admin, "customer,tenure,churn\nc-1,12,no\nc-2,\"3, trial\",yes\n".getBytes(StandardCharsets.UTF_8)), 200);
        ok(http.put(root + "eval/confusion.png", admin, png()), 200);
        for (int i = 0; i < RUNS; i++) {
            ok(http.send("PATCH", "/api/v1/runs/" + runIds.get(i), admin, "{\"status\": \"" + (i == 4 ? "FAILED" : "FINISHED") + "\"}"), 200);
        }
    }

    /** A token of {@code role}, named {@code name}: its secret and its id. */
    String[] token(String name, String role) {
        JsonNode created = ok(http.post("/api/v1/tokens", admin, "{\"name\": \"" + name + "\", \"role\": \"" + role + "\"}"), 201);
        return new String[] {created.get("secret").asText(), created.at("/token/id").asText()};
    }

    String submit(String kind, int priority, String spec) {
        return ok(http.post("/api/v1/jobs", admin, "{\"kind\": \"" + kind + "\", \"priority\": " + priority + ", \"spec\": " + spec + "}"), 201)
                .get("id").asText();
    }

    JsonNode job(String id) {
        return ok(http.get("/api/v1/jobs/" + id, admin), 200);
    }

    JsonNode get(String path) {
        return ok(http.get(path, admin), 200);
    }

    static JsonNode ok(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits (polling, never sleeping a fixed time) until {@code done} holds for what {@code read} returns. */
    static <T> T await(Supplier<T> read, Predicate<T> done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T value = read.get();
        while (!done.test(value)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still not done after " + timeout + ": " + value);
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            value = read.get();
        }
        return value;
    }

    private static byte[] png() {
        BufferedImage image = new BufferedImage(160, 120, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 160, 120);
        g.setColor(new Color(0x2563eb));
        g.fillRect(10, 10, 65, 45);
        g.fillRect(85, 65, 65, 45);
        g.setColor(new Color(0xd97706));
        g.fillRect(85, 10, 65, 45);
        g.fillRect(10, 65, 65, 45);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
