package dev.steward.server;

import static dev.steward.server.StewardServerTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Job and dataset calls shared by the training tests: submit, wait, upload penguins. */
final class JobsHttp {
    private final StewardServer server;
    private final HttpTestClient http;
    private final String token;

    JobsHttp(StewardServer server, String token) {
        this.server = server;
        this.http = new HttpTestClient(server.uri());
        this.token = token;
    }

    HttpTestClient http() {
        return http;
    }

    /** Uploads the penguins CSV of the test resources as version 1 of {@code penguins}; returns its bytes. */
    byte[] uploadPenguins() {
        byte[] penguins;
        try (InputStream in = JobsHttp.class.getResourceAsStream("/data/penguins.csv")) {
            penguins = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        upload("penguins", penguins);
        return penguins;
    }

    /** Imports {@code csv} as a new version of dataset {@code name}. */
    void upload(String name, byte[] csv) {
        HttpResponse<String> upload = http.send(HttpRequest.newBuilder(server.uri().resolve("/api/v1/datasets/" + name + "/versions?file_name=" + name
                + ".csv")).header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofByteArray(csv)));
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
    }

    JsonNode submit(String kind, int priority, String spec) {
        HttpResponse<String> response = http.post("/api/v1/jobs", token, "{\"kind\": \"" + kind + "\", \"priority\": " + priority + ", \"spec\": "
                + spec + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json(response);
    }

    void assertRefused(String kind, String spec, String field, String message) {
        HttpResponse<String> response = http.post("/api/v1/jobs", token, "{\"kind\": \"" + kind + "\", \"spec\": " + spec + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(json(response).get("field").asText()).as(response.body()).isEqualTo(field);
        assertThat(json(response).get("message").asText()).contains(message);
    }

    int jobCount() {
        return json(http.get("/api/v1/jobs?max_results=1000", token)).get("jobs").size();
    }

    JsonNode job(String id) {
        return json(http.get("/api/v1/jobs/" + id, token));
    }

    JsonNode run(String runId) {
        return json(http.get("/api/2.0/mlflow/runs/get?run_id=" + runId, token)).get("run");
    }

    JsonNode children(String parentId) {
        return json(http.get("/api/v1/jobs?parent_id=" + parentId, token)).get("jobs");
    }

    JsonNode awaitEnd(String id) {
        return poll(() -> job(id), j -> !j.get("status").asText().matches("queued|running"));
    }

    JsonNode awaitSuccess(JsonNode job) {
        JsonNode done = awaitEnd(job.get("id").asText());
        assertThat(done.get("status").asText()).as(done + "\n" + json(http.get("/api/v1/jobs/" + done.get("id").asText() + "/logs", token))
                .get("text").asText()).isEqualTo("succeeded");
        return done;
    }

    static JsonNode poll(Supplier<JsonNode> read, Predicate<JsonNode> wanted) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = read.get();
            if (wanted.test(last)) {
                return last;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("timed out waiting; last seen: " + last);
    }
}
