package dev.steward.server;

import static dev.steward.server.StewardServerTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.server.config.ConfigLoader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /api/v1/artifacts/gc}: orphaned blobs reported, then deleted; referenced ones kept; admins only. */
class ArtifactGcApiTest {
    @TempDir
    static Path home;

    static StewardServer server;
    static HttpTestClient http;
    static String admin;

    @BeforeAll
    static void start() {
        server = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0"))));
        http = new HttpTestClient(server.uri());
        admin = server.createdAdminToken().orElseThrow();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void reportsThenDeletesBlobsNothingRefersTo() {
        new JobsHttp(server, admin).upload("kept", "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8));
        String orphan = json(http.put("/api/v1/artifacts", admin, "never referenced".getBytes(StandardCharsets.UTF_8))).get("sha256").asText();

        JsonNode young = json(http.post("/api/v1/artifacts/gc", admin, "{\"dry_run\": true}"));
        assertThat(young.get("orphans_found").asLong()).as("within the default grace of a day").isZero();
        JsonNode report = json(http.post("/api/v1/artifacts/gc", admin, "{\"older_than_seconds\": 0, \"dry_run\": true}"));
        assertThat(report.get("dry_run").asBoolean()).isTrue();
        assertThat(report.get("blobs_scanned").asLong()).as("the version's file and profile, and the orphan").isEqualTo(3);
        assertThat(report.get("orphans").findValuesAsText("sha256")).containsExactly(orphan);
        assertThat(http.get("/api/v1/artifacts/" + orphan, admin).statusCode()).isEqualTo(200);

        JsonNode collected = json(http.post("/api/v1/artifacts/gc", admin, "{\"older_than_seconds\": 0}"));

        assertThat(collected.get("deleted").asLong()).isEqualTo(1);
        assertThat(collected.get("deleted_bytes").asLong()).isEqualTo("never referenced".length());
        assertThat(http.get("/api/v1/artifacts/" + orphan, admin).statusCode()).isEqualTo(404);
        assertThat(http.get("/api/v1/datasets/kept/versions/1/download", admin).statusCode()).isEqualTo(200);
        JsonNode events = json(http.get("/api/v1/audit?action=artifacts.gc", admin)).get("events");
        assertThat(events).singleElement().satisfies(e -> assertThat(e.at("/details/deleted").asText()).isEqualTo("1"));
    }

    @Test
    void onlyAdminsCollectAndBadGracesAreRefused() {
        String editor = json(http.post("/api/v1/tokens", admin, "{\"name\": \"e\", \"role\": \"editor\"}")).get("secret").asText();
        assertThat(http.post("/api/v1/artifacts/gc", editor, "{}").statusCode()).isEqualTo(403);
        HttpResponse<String> negative = http.post("/api/v1/artifacts/gc", admin, "{\"older_than_seconds\": -1}");
        assertThat(negative.statusCode()).isEqualTo(400);
        assertThat(json(negative).get("field").asText()).isEqualTo("older_than_seconds");
        HttpResponse<String> wrongType = http.post("/api/v1/artifacts/gc", admin, "{\"dry_run\": \"yes\"}");
        assertThat(wrongType.statusCode()).isEqualTo(400);
    }
}
