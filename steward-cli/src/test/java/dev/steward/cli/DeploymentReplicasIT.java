package dev.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.client.StewardClient;
import dev.steward.testing.TestPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scaled-out shape: two server processes on one PostgreSQL store and one artifact directory.
 * A deployment change, a resume, a restore and an emergency stop made through replica A reach
 * replica B, which sees them only by polling the store, within 1 s of A's answer.
 */
class DeploymentReplicasIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration PROPAGATION = Duration.ofSeconds(1);
    private static final String TRAIN = """
            {"experiment": "penguins", "dataset": {"name": "penguins", "version": 1}, "target": "species",
             "task": "multiclass_classification", "seed": %d, "features": ["beak_length_mm", "beak_depth_mm", "flipper_length_mm", "body_mass_g"],
             "preprocessing": [{"step": "impute", "columns": ["beak_length_mm", "beak_depth_mm", "flipper_length_mm", "body_mass_g"],
                                "strategy": "median"}],
             "algorithm": {"name": "random_forest", "hyperparameters": {"n_trees": 10}}}
            """;
    private static final String PENGUIN = """
            {"records": [{"beak_length_mm": 46.1, "beak_depth_mm": 13.2, "flipper_length_mm": 211, "body_mass_g": 4500}]}
            """;

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path homeA;

    @TempDir
    Path homeB;

    @TempDir
    Path shared;

    @Test
    void aChangeAResumeARestoreAndAnEmergencyStopMadeOnOneReplicaReachTheOtherWithinOneSecond() throws Exception {
        Path artifacts = Files.createDirectories(shared.resolve("artifacts"));
        String[] settings = {"--set", "store.url=" + TestPostgres.newDatabase(), "--set", "store.user=" + TestPostgres.user(),
                "--set", "artifacts.url=" + artifacts, "--set", "serving.poll-ms=250"};
        // A first: it migrates the empty store and creates the admin token, which B shares.
        try (ServerProcess a = ServerProcess.start(homeA, settings); ServerProcess b = ServerProcess.start(homeB, settings)) {
            String token = a.adminToken();
            StewardClient onA = StewardClient.create(a.uri(), token);
            deployTwoPenguinModels(onA);
            JsonNode first = await(b, token, r -> r.statusCode() == 200, Duration.ofSeconds(60), "B serves penguins-api");
            assertThat(first.get("version").asInt()).isEqualTo(1);

            onA.updateDeployment("penguins-api", Map.of("model", "models:/penguins/2", "reason", "replica test"));
            Duration change = propagation(b, token, r -> r.statusCode() == 200 && json(r).get("version").asInt() == 2, "B answers version 2");

            onA.stopDeployment("penguins-api", "replica test");
            HttpResponse<String> refusedByA = predict(a, token);
            assertThat(refusedByA.statusCode()).as("A's first answer after its stop: " + refusedByA.body()).isEqualTo(503);
            assertThat(refusedByA.body()).contains("replica test");
            Duration stop = propagation(b, token, r -> r.statusCode() == 503, "B refuses with 503");
            assertThat(predict(b, token).body()).contains("is stopped", "replica test");

            onA.resumeDeployment("penguins-api", "replica test over");
            Duration resume = propagation(b, token, r -> r.statusCode() == 200, "B serves again");

            onA.restoreDeployment("penguins-api", 1, "back to version 1");
            Duration restore = propagation(b, token, r -> r.statusCode() == 200 && json(r).get("revision").asInt() == 3,
                    "B answers revision 3");
            assertThat(json(predict(b, token)).get("version").asInt()).as("revision 3 is revision 1's spec").isEqualTo(1);

            System.out.printf("propagation from A's answer to B's first answer: change %d ms, stop %d ms, resume %d ms, restore %d ms%n",
                    change.toMillis(), stop.toMillis(), resume.toMillis(), restore.toMillis());
            assertThat(List.of(change, stop, resume, restore)).as("change, stop, resume, restore").allSatisfy(d -> assertThat(d)
                    .isLessThan(PROPAGATION));
        }
    }

    /** Imports penguins, trains two forests, registers both as versions 1 and 2, promotes both and deploys version 1. */
    private void deployTwoPenguinModels(StewardClient client) throws IOException, InterruptedException {
        Path csv = shared.resolve("penguins.csv");
        try (InputStream in = DeploymentReplicasIT.class.getResourceAsStream("/data/penguins.csv")) {
            Files.copy(in, csv);
        }
        client.importDataset("penguins", csv, Map.of());
        List<String> jobs = List.of(1, 2).stream().map(seed -> client.submitJob("train", 0, parse(TRAIN.formatted(seed))).get("id").asText())
                .toList();
        for (int version = 1; version <= 2; version++) {
            JsonNode job = awaitJob(client, jobs.get(version - 1));
            assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("succeeded");
            assertThat(client.registerModelFromRun("penguins", job.get("run_id").asText(), null, Map.of()).get("version").asInt()).isEqualTo(version);
            assertThat(client.promoteModelVersion("penguins", version, "production", null).get("promoted").asBoolean()).isTrue();
        }
        client.createDeployment(Map.of("name", "penguins-api", "model", "models:/penguins/1"));
    }

    private static JsonNode awaitJob(StewardClient client, String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            JsonNode job = client.getJob(id);
            if (!job.get("status").asText().matches("queued|running")) {
                return job;
            }
            assertThat(System.nanoTime()).as("job " + id + " ends within 120 s: " + job).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /**
     * The time from now (just after the change's answer) until {@code replica} first answers as
     * {@code wanted}, polled for up to 10 s; every 5 ms rather than back to back, so that the
     * polling leaves the two cores to the replica whose reaction it measures.
     */
    private Duration propagation(ServerProcess replica, String token, Predicate<HttpResponse<String>> wanted, String what)
            throws InterruptedException {
        long start = System.nanoTime();
        awaitAnswer(replica, token, wanted, Duration.ofSeconds(10), 5, what);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private JsonNode await(ServerProcess replica, String token, Predicate<HttpResponse<String>> wanted, Duration patience, String what)
            throws InterruptedException {
        return json(awaitAnswer(replica, token, wanted, patience, 50, what));
    }

    private HttpResponse<String> awaitAnswer(ServerProcess replica, String token, Predicate<HttpResponse<String>> wanted, Duration patience,
            long pauseMillis, String what) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            HttpResponse<String> answer = predict(replica, token);
            if (wanted.test(answer)) {
                return answer;
            }
            // Not known yet (404), loading or stopped (503): anything else is a mistake, not a wait.
            assertThat(answer.statusCode()).as(what + ": " + answer.body()).isIn(200, 404, 503);
            assertThat(System.nanoTime()).as(what + " within " + patience.toMillis() + " ms; last answer " + answer.statusCode() + " "
                    + answer.body()).isLessThan(deadline);
            Thread.sleep(pauseMillis);
        }
    }

    private HttpResponse<String> predict(ServerProcess replica, String token) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(replica.uri().resolve("/api/v1/deployments/penguins-api/predict"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(PENGUIN)).build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("predicting on " + replica.uri(), e);
        }
    }

    private static JsonNode json(HttpResponse<String> response) {
        return parse(response.body());
    }

    private static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }
}
