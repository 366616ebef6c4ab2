package dev.steward.server;

import static dev.steward.server.StewardServerTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.server.config.ConfigLoader;
import dev.steward.testing.TestPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same server on a real PostgreSQL metadata store, chosen only by {@code store.url}. */
class PostgresServerTest {
    @TempDir
    static Path home;

    static StewardServer server;
    static HttpTestClient http;
    static String admin;

    @BeforeAll
    static void start() {
        server = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of(
                "server.port", "0", "store.url", TestPostgres.newDatabase(), "store.user", TestPostgres.user()))));
        http = new HttpTestClient(server.uri());
        admin = server.createdAdminToken().orElseThrow();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void healthReportsThePostgresqlStore() {
        JsonNode health = json(http.get("/health", null));

        assertThat(health.at("/store/dialect").asText()).isEqualTo("postgresql");
        assertThat(health.at("/store/status").asText()).isEqualTo("ok");
    }

    @Test
    void tokensAndTheAuditChainWorkTheSameAsOnSqlite() {
        HttpResponse<String> created = http.post("/api/v1/tokens", admin, "{\"name\":\"ci\",\"role\":\"editor\"}");
        String id = json(created).at("/token/id").asText();
        String secret = json(created).get("secret").asText();

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(http.get("/api/v1/whoami", secret).statusCode()).isEqualTo(200);
        assertThat(http.delete("/api/v1/tokens/" + id, admin).statusCode()).isEqualTo(200);
        assertThat(http.get("/api/v1/whoami", secret).statusCode()).isEqualTo(401);

        JsonNode events = json(http.get("/api/v1/audit?object_id=" + id, admin)).get("events");
        assertThat(events).extracting(e -> e.get("action").asText()).containsExactly("token.create", "token.revoke");
        JsonNode verification = json(http.get("/api/v1/audit/verify", admin));
        assertThat(verification.get("intact").asBoolean()).isTrue();
    }

    @Test
    void aModelIsTrainedPackagedAndEvaluatedWithThePostgresqlStore() {
        JobsHttp jobs = new JobsHttp(server, admin);
        jobs.uploadPenguins();
        JsonNode job = jobs.awaitSuccess(jobs.submit("train", 0, """
                {"dataset": {"name": "penguins", "version": 1}, "target": "species", "task": "multiclass_classification",
                 "algorithm": {"name": "cart", "hyperparameters": {"max_depth": 5}}}
                """));
        assertThat(jobs.run(job.get("run_id").asText()).at("/data/tags").toString()).contains("steward.model.digest");
        HttpResponse<String> evaluation = http.post("/api/v1/evaluations", admin, "{\"run_id\": \"" + job.get("run_id").asText()
                + "\", \"dataset\": \"penguins\", \"version\": 1}");
        assertThat(evaluation.statusCode()).as(evaluation.body()).isEqualTo(200);
        assertThat(json(evaluation).at("/metrics/accuracy").asDouble()).isGreaterThan(0.9);
        assertThat(json(http.get("/api/v1/audit/verify", admin)).get("intact").asBoolean()).isTrue();
    }
}
