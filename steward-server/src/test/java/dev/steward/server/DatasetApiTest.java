package dev.steward.server;

import static dev.steward.server.StewardServerTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.core.util.Digests;
import dev.steward.server.config.ConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dataset versions over HTTP: import, dedup, schema, diff, download, quarantine, subjects. */
class DatasetApiTest {
    @TempDir
    static Path home;

    static StewardServer server;
    static HttpTestClient http;
    static String admin;
    static byte[] penguins;

    @BeforeAll
    static void start() throws IOException {
        server = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0"))));
        http = new HttpTestClient(server.uri());
        admin = server.createdAdminToken().orElseThrow();
        try (InputStream in = DatasetApiTest.class.getResourceAsStream("/data/penguins.csv")) {
            penguins = in.readAllBytes();
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void importsAVersionAndDeduplicatesIdenticalContent() {
        HttpResponse<String> first = upload("penguins", "penguins.csv", penguins, "");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        JsonNode version = json(first).get("version");
        assertThat(version.get("version").asInt()).isEqualTo(1);
        assertThat(version.get("row_count").asLong()).isEqualTo(344);
        assertThat(version.get("sha256").asText()).isEqualTo(Digests.sha256Hex(penguins));
        assertThat(version.get("columns")).extracting(c -> c.get("name").asText() + ":" + c.get("type").asText() + ":" + c.get("null_count").asLong())
                .containsExactly("species:string:0", "island:string:0", "beak_length_mm:float:2", "beak_depth_mm:float:2",
                        "flipper_length_mm:integer:2", "body_mass_g:integer:2", "sex:string:10");

        HttpResponse<String> again = upload("penguins", "penguins.csv", penguins, "");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again).get("created").asBoolean()).isFalse();
        assertThat(json(again).at("/version/id").asText()).isEqualTo(version.get("id").asText());

        HttpResponse<String> download = http.get("/api/v1/datasets/penguins/versions/1/download", admin);
        assertThat(download.body().getBytes(StandardCharsets.UTF_8)).isEqualTo(penguins);
        assertThat(json(http.get("/api/v1/dataset-versions/" + Digests.sha256Hex(penguins), admin)).get("versions")).hasSize(1);
        JsonNode audit = json(http.get("/api/v1/audit?action=dataset.version.create", admin)).get("events");
        assertThat(audit).anySatisfy(e -> assertThat(e.at("/details/sha256").asText()).isEqualTo(Digests.sha256Hex(penguins)));
    }

    @Test
    void profilesVersionsAndMergesTheProfilesOfSeveralVersions() {
        upload("parts", "a.csv", "x,c\n1,a\n2,b\n3,a\n".getBytes(StandardCharsets.UTF_8), "");
        upload("parts", "b.csv", "x,c\n10,b\n20,b\n".getBytes(StandardCharsets.UTF_8), "");

        JsonNode one = json(http.get("/api/v1/datasets/parts/versions/1/profile", admin));
        assertThat(one.get("rows").asLong()).isEqualTo(3);
        assertThat(one.at("/columns/0/mean").asDouble()).isEqualTo(2.0);
        JsonNode both = json(http.get("/api/v1/datasets/parts/profile?versions=1,2", admin));
        assertThat(both.get("rows").asLong()).isEqualTo(5);
        assertThat(both.at("/columns/0/mean").asDouble()).isEqualTo(7.2);
        assertThat(both.at("/columns/0/max").asDouble()).isEqualTo(20);
        assertThat(both.at("/columns/1/top_items/0/value").asText()).isEqualTo("b");
        assertThat(both.at("/columns/1/top_items/0/estimate").asLong()).isEqualTo(3);
        assertThat(http.get("/api/v1/datasets/parts/profile?versions=1,x", admin).statusCode()).isEqualTo(400);
    }

    @Test
    void diffsTheSchemasOfTwoVersions() {
        upload("shapes", "a.csv", "id,kind,size\n1,circle,2.5\n2,square,3\n".getBytes(StandardCharsets.UTF_8), "");
        upload("shapes", "b.csv", "id,kind,colour\n1,circle,red\n2,triangle,\n".getBytes(StandardCharsets.UTF_8), "");

        JsonNode diff = json(http.get("/api/v1/datasets/shapes/diff?from=1&to=2", admin));
        assertThat(diff.get("added")).extracting(JsonNode::asText).containsExactly("colour");
        assertThat(diff.get("removed")).extracting(JsonNode::asText).containsExactly("size");
        assertThat(diff.at("/domains/0/added_values/0").asText()).isEqualTo("triangle");
        assertThat(diff.at("/domains/0/removed_values/0").asText()).isEqualTo("square");
        assertThat(json(http.get("/api/v1/datasets/shapes", admin)).at("/dataset/latest_version").asInt()).isEqualTo(2);
    }

    @Test
    void quarantineAndReleaseNeedAReasonAndAreAudited() {
        upload("q", "q.csv", "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8), "");
        assertThat(http.post("/api/v1/datasets/q/versions/1/quarantine", admin, "{}").statusCode()).isEqualTo(400);
        HttpResponse<String> quarantined = http.post("/api/v1/datasets/q/versions/1/quarantine", admin, "{\"reason\": \"nulls in b\"}");
        assertThat(json(quarantined).get("status").asText()).isEqualTo("quarantined");
        assertThat(http.post("/api/v1/datasets/q/versions/latest/release", admin, "{\"reason\": \"fixed upstream\"}").statusCode()).isEqualTo(200);
        JsonNode events = json(http.get("/api/v1/audit?object_type=dataset_version", admin)).get("events");
        assertThat(events).extracting(e -> e.get("action").asText()).contains("dataset.version.quarantine", "dataset.version.release");
        assertThat(events).anySatisfy(e -> assertThat(e.at("/details/reason").asText()).isEqualTo("nulls in b"));
    }

    @Test
    void indexesDataSubjectsExactly() {
        upload("people", "p1.csv", "person,score\nann,1\nbob,2\n".getBytes(StandardCharsets.UTF_8), "&subject_column=person");
        upload("people", "p2.csv", "person,score\nbob,3\ncid,4\n".getBytes(StandardCharsets.UTF_8), "&subject_column=person");

        JsonNode bob = json(http.get("/api/v1/subjects/bob/dataset-versions", admin)).get("versions");
        assertThat(bob).extracting(v -> v.get("version").asInt()).containsExactlyInAnyOrder(1, 2);
        assertThat(json(http.get("/api/v1/subjects/ann/dataset-versions", admin)).get("versions")).hasSize(1);
        assertThat(json(http.get("/api/v1/subjects/zed/dataset-versions", admin)).get("versions")).isEmpty();
    }

    @Test
    void badFilesAreRejectedAndNothingIsImported() {
        assertRejected(upload("bad", "empty.csv", new byte[0], ""), "empty");
        assertRejected(upload("bad", "ragged.csv", "a,b\n1,2\n3,4,5\n".getBytes(StandardCharsets.UTF_8), ""), "line 3");
        assertRejected(upload("bad", "x.parquet", "not parquet".getBytes(StandardCharsets.UTF_8), ""), "parquet");
        assertRejected(upload("bad", "x.bin", "???".getBytes(StandardCharsets.UTF_8), ""), "format");
        assertRejected(upload("bad", "x.csv", "a\n1\n".getBytes(StandardCharsets.UTF_8), "&format=xml"), "unknown format");
        assertRejected(upload("bad name!", "x.csv", "a\n1\n".getBytes(StandardCharsets.UTF_8), ""), "invalid");
        assertThat(http.get("/api/v1/datasets/bad", admin).statusCode()).isEqualTo(404);
        assertThat(http.get("/health", null).statusCode()).isEqualTo(200);
    }

    private static void assertRejected(HttpResponse<String> response, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(json(response).get("message").asText()).containsIgnoringCase(message);
    }

    private static HttpResponse<String> upload(String dataset, String fileName, byte[] content, String extraQuery) {
        String path = "/api/v1/datasets/" + java.net.URLEncoder.encode(dataset, StandardCharsets.UTF_8).replace("+", "%20")
                + "/versions?file_name=" + fileName + extraQuery;
        return http.send(HttpRequest.newBuilder(server.uri().resolve(path))
                .header("Authorization", "Bearer " + admin)
                .POST(HttpRequest.BodyPublishers.ofByteArray(content)));
    }
}
