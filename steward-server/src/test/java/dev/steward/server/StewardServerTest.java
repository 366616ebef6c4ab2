package dev.steward.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.core.util.Digests;
import dev.steward.server.config.ConfigLoader;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server over HTTP on a random loopback port, with a real SQLite store and artifact folder. */
class StewardServerTest {
    static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    static Path home;

    static StewardServer server;
    static HttpTestClient http;
    static String admin;

    @BeforeAll
    static void start() {
        server = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of(
                "server.port", "0", "server.max-body-bytes", "65536", "server.max-json-depth", "8",
                "server.max-string-length", "1000", "server.max-artifact-bytes", "1000000"))));
        http = new HttpTestClient(server.uri());
        admin = server.createdAdminToken().orElseThrow();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    static String newToken(String role) {
        return json(http.post("/api/v1/tokens", admin, "{\"name\":\"t-" + role + "\",\"role\":\"" + role + "\"}")).get("secret").asText();
    }

    @Test
    void bindsLoopbackByDefaultAndAnswersHealthWithoutAToken() {
        assertThat(server.uri().getHost()).isEqualTo("127.0.0.1");
        HttpResponse<String> response = http.get("/health", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("status").asText()).isEqualTo("ok");
        assertThat(json(response).at("/store/status").asText()).isEqualTo("ok");
        assertThat(json(response).at("/store/dialect").asText()).isEqualTo("sqlite");
        assertThat(json(response).at("/artifacts/status").asText()).isEqualTo("ok");
    }

    @Test
    void theFirstStartWritesTheAdminTokenReadableOnlyByItsOwner() throws IOException {
        Path file = home.resolve("admin.token");

        assertThat(Files.readString(file).trim()).isEqualTo(admin);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void theApiRefusesRequestsWithoutAValidToken() {
        HttpResponse<String> missing = http.get("/api/v1/audit", null);
        HttpResponse<String> wrong = http.get("/api/v1/audit", "stw_not-a-real-token");
        HttpResponse<String> scheme = http.send(http.builder("/api/v1/audit", null).header("Authorization", "Digest abc").GET());

        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(json(missing).get("error_code").asText()).isEqualTo("UNAUTHENTICATED");
        assertThat(json(missing).get("message").asText()).contains("Bearer", "admin.token");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(scheme.statusCode()).isEqualTo(401);
        assertThat(http.get("/api/v1/audit", admin).statusCode()).isEqualTo(200);
    }

    @Test
    void aTokenWithoutTheRequiredRoleGetsForbidden() {
        String viewer = newToken("viewer");

        HttpResponse<String> response = http.get("/api/v1/audit", viewer);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(json(response).get("error_code").asText()).isEqualTo("PERMISSION_DENIED");
        assertThat(json(response).get("message").asText()).contains("admin", "viewer");
        assertThat(json(http.get("/api/v1/whoami", viewer)).get("role").asText()).isEqualTo("viewer");
    }

    @Test
    void basicCredentialsWhosePasswordIsATokenAreAccepted() {
        String basic = java.util.Base64.getEncoder().encodeToString(("mlflow:" + admin).getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> response = http.send(http.builder("/api/v1/whoami", null).header("Authorization", "Basic " + basic).GET());

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void aRevokedTokenStopsWorkingAtOnceAndTheRevocationIsAudited() {
        JsonNode created = json(http.post("/api/v1/tokens", admin, "{\"name\":\"ci job\",\"role\":\"editor\"}"));
        String id = created.at("/token/id").asText();
        String secret = created.get("secret").asText();
        assertThat(http.get("/api/v1/whoami", secret).statusCode()).isEqualTo(200);

        HttpResponse<String> revoked = http.delete("/api/v1/tokens/" + id, admin);

        assertThat(revoked.statusCode()).isEqualTo(200);
        assertThat(json(revoked).get("active").asBoolean()).isFalse();
        assertThat(http.get("/api/v1/whoami", secret).statusCode()).isEqualTo(401);
        JsonNode events = json(http.get("/api/v1/audit?object_id=" + id, admin)).get("events");
        assertThat(events).extracting(e -> e.get("action").asText()).containsExactly("token.create", "token.revoke");
        assertThat(events.get(1).get("actor_name").asText()).isEqualTo("admin");
        assertThat(http.delete("/api/v1/tokens/" + id, admin).statusCode()).isEqualTo(409);
        assertThat(json(http.delete("/api/v1/tokens/tok_nope", admin)).get("error_code").asText()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
    }

    @Test
    void tokenListingNeverShowsSecretsOrTheirHashes() {
        newToken("deployer");

        String body = http.get("/api/v1/tokens", admin).body();

        assertThat(body).contains("\"role\":\"deployer\"").doesNotContain("stw_").doesNotContain("secret");
    }

    @Test
    void tokensNameTheirCreatorAsTheAuditLogDoes() {
        JsonNode created = json(http.post("/api/v1/tokens", admin, "{\"name\":\"made by admin\",\"role\":\"viewer\"}"));
        assertThat(created.at("/token/created_by_name").asText()).isEqualTo("admin");

        JsonNode tokens = json(http.get("/api/v1/tokens", admin)).get("tokens");

        Map<String, String> creators = new HashMap<>();
        tokens.forEach(t -> creators.put(t.get("name").asText(), t.get("created_by_name").asText()));
        assertThat(creators).containsEntry("made by admin", "admin").containsEntry("admin", "system");
        JsonNode event = json(http.get("/api/v1/audit?action=token.create&object_id=" + created.at("/token/id").asText(), admin)).at("/events/0");
        assertThat(event.get("actor_name").asText()).isEqualTo(creators.get("made by admin"));
    }

    @Test
    void theAuditLogFiltersAndPages() {
        for (int i = 0; i < 5; i++) {
            newToken("viewer");
        }
        JsonNode first = json(http.get("/api/v1/audit?action=token.create&max_results=2", admin));
        String next = first.get("next_page_token").asText();
        JsonNode second = json(http.get("/api/v1/audit?action=token.create&max_results=2&page_token=" + next, admin));
        JsonNode newest = json(http.get("/api/v1/audit?max_results=1&order=newest", admin));

        assertThat(first.get("events")).hasSize(2);
        assertThat(second.get("events").get(0).get("seq").asLong()).isGreaterThan(first.get("events").get(1).get("seq").asLong());
        assertThat(newest.at("/events/0/seq").asLong()).isGreaterThanOrEqualTo(second.at("/events/1/seq").asLong());
        assertThat(first.at("/events/0/details/role").asText()).isNotEmpty();
        assertThat(json(http.get("/api/v1/audit?from=2000-01-01T00:00:00Z&to=2001-01-01T00:00:00Z", admin)).get("events")).isEmpty();
        assertThat(json(http.get("/api/v1/audit/verify", admin)).get("intact").asBoolean()).isTrue();
    }

    @Test
    void badQueryParametersNameTheParameter() {
        HttpResponse<String> response = http.get("/api/v1/audit?max_results=abc", admin);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("field").asText()).isEqualTo("max_results");
        assertThat(json(http.get("/api/v1/audit?from=yesterday", admin)).get("field").asText()).isEqualTo("from");
        assertThat(http.get("/api/v1/audit?max_results=100000", admin).statusCode()).isEqualTo(400);
    }

    @Test
    void malformedJsonGetsAClearErrorAndTheServerKeepsServing() {
        HttpResponse<String> response = http.post("/api/v1/tokens", admin, "{\"name\": \"x\",");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("error_code").asText()).isEqualTo("MALFORMED_REQUEST");
        assertThat(json(response).get("message").asText()).contains("line 1");
        assertThat(response.body()).doesNotContain("Exception", "at dev.");
        assertThat(http.get("/health", null).statusCode()).isEqualTo(200);
    }

    @Test
    void wrongTypesUnknownFieldsAndMissingFieldsNameTheField() {
        HttpResponse<String> wrongType = http.post("/api/v1/tokens", admin, "{\"name\": [1], \"role\": \"viewer\"}");
        HttpResponse<String> unknown = http.post("/api/v1/tokens", admin, "{\"name\": \"a\", \"role\": \"viewer\", \"admin\": true}");
        HttpResponse<String> missing = http.post("/api/v1/tokens", admin, "{\"name\": \"a\"}");
        HttpResponse<String> badRole = http.post("/api/v1/tokens", admin, "{\"name\": \"a\", \"role\": \"root\"}");
        HttpResponse<String> notObject = http.post("/api/v1/tokens", admin, "[1, 2]");
        HttpResponse<String> empty = http.post("/api/v1/tokens", admin, "");

        assertThat(wrongType.statusCode()).isEqualTo(400);
        assertThat(json(wrongType).get("field").asText()).isEqualTo("name");
        assertThat(json(unknown).get("field").asText()).isEqualTo("admin");
        assertThat(json(unknown).get("message").asText()).contains("unknown field", "role");
        assertThat(json(missing).get("field").asText()).isEqualTo("role");
        assertThat(json(badRole).get("message").asText()).contains("inference, viewer, editor, deployer, admin");
        assertThat(notObject.statusCode()).isEqualTo(400);
        assertThat(empty.statusCode()).isEqualTo(400);
    }

    @Test
    void requestsOverTheLimitsAreRejected() {
        HttpResponse<String> oversized = http.post("/api/v1/tokens", admin,
                "{\"name\": \"" + "a".repeat(70_000) + "\", \"role\": \"viewer\"}");
        HttpResponse<String> tooDeep = http.post("/api/v1/tokens", admin, "{\"name\": " + "[".repeat(20) + "]".repeat(20) + "}");
        HttpResponse<String> longString = http.post("/api/v1/tokens", admin, "{\"name\": \"" + "a".repeat(2000) + "\", \"role\": \"viewer\"}");

        assertThat(oversized.statusCode()).isEqualTo(413);
        assertThat(json(oversized).get("error_code").asText()).isEqualTo("REQUEST_TOO_LARGE");
        assertThat(json(oversized).get("message").asText()).contains("server.max-body-bytes");
        assertThat(tooDeep.statusCode()).isEqualTo(400);
        assertThat(json(tooDeep).get("message").asText()).containsIgnoringCase("depth");
        assertThat(longString.statusCode()).isEqualTo(400);
        assertThat(json(longString).get("message").asText()).containsIgnoringCase("length");
        assertThat(http.get("/health", null).statusCode()).isEqualTo(200);
    }

    @Test
    void theOpenApiDocumentIsServedAndListsEveryNativeRoute() {
        JsonNode doc = json(http.get("/api/v1/openapi.json", null));

        assertThat(doc.get("openapi").asText()).startsWith("3.");
        assertThat(doc.get("paths").fieldNames()).toIterable().contains("/health");
        java.util.List<String> undocumented = new java.util.ArrayList<>();
        for (dev.steward.server.http.Route route : server.routes()) {
            boolean documented = route.path().startsWith("/api/v1/") || route.path().startsWith("/v2") || route.path().startsWith("/deployments/");
            if (documented && doc.at("/paths/" + route.path().replace("~", "~0").replace("/", "~1") + "/"
                    + route.method().toLowerCase(java.util.Locale.ROOT)).isMissingNode()) {
                undocumented.add(route.method() + " " + route.path());
            }
        }
        assertThat(undocumented).as("native and prediction routes missing from openapi.json").isEmpty();
    }

    @Test
    void anInferenceTokenIsRefusedByEveryRouteButPredictionAndFeedback() {
        String inference = newToken("inference");
        java.util.List<String> admitted = new java.util.ArrayList<>();
        for (dev.steward.server.http.Route route : server.routes()) {
            if (route.access() == dev.steward.server.http.Access.PUBLIC || route.access() == dev.steward.server.http.Access.INFERENCE) {
                continue;
            }
            String path = route.path().replaceAll("\\{[^}]+}", "x").replaceAll("<[^>]+>", "x");
            HttpResponse<String> response = http.send(route.method(), path, inference, "{}");
            if (response.statusCode() != 403) {
                admitted.add(route.method() + " " + route.path() + " -> " + response.statusCode());
            }
        }
        assertThat(admitted).as("routes an inference token got past").isEmpty();
    }

    @Test
    void unknownEndpointsAndMethodsAnswerJson() {
        HttpResponse<String> response = http.get("/api/v1/nothing-here", admin);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response).get("error_code").asText()).isEqualTo("ENDPOINT_NOT_FOUND");
    }

    @Test
    void artifactsRoundTripByTheirDigest() {
        byte[] content = "weights and biases".getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> stored = http.put("/api/v1/artifacts", newToken("editor"), content);
        String digest = json(stored).get("sha256").asText();
        HttpResponse<String> read = http.get("/api/v1/artifacts/" + digest, newToken("viewer"));

        assertThat(stored.statusCode()).isEqualTo(201);
        assertThat(digest).isEqualTo(Digests.sha256Hex(content));
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).isEqualTo("weights and biases");
        assertThat(read.headers().firstValue("ETag")).contains("\"" + digest + "\"");
        assertThat(http.put("/api/v1/artifacts", newToken("viewer"), content).statusCode()).isEqualTo(403);
        assertThat(http.get("/api/v1/artifacts/" + "0".repeat(64), admin).statusCode()).isEqualTo(404);
        assertThat(json(http.get("/api/v1/artifacts/not-a-digest", admin)).get("field").asText()).isEqualTo("sha256");
    }

    @Test
    void anArtifactOverTheLimitIsRefusedAndNotStored() throws IOException {
        HttpResponse<String> response = http.put("/api/v1/artifacts", admin, new byte[1_000_001]);

        assertThat(response.statusCode()).isEqualTo(413);
        try (Stream<Path> blobs = Files.walk(home.resolve("artifacts"))) {
            assertThat(blobs.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                    .doesNotContain(Digests.sha256Hex(new byte[1_000_001]));
        }
    }

    @Test
    void aCorruptedArtifactIsReportedAndNotServed() throws IOException {
        byte[] content = "model bytes that will rot".getBytes(StandardCharsets.UTF_8);
        String digest = json(http.put("/api/v1/artifacts", admin, content)).get("sha256").asText();
        Path blob;
        try (Stream<Path> files = Files.walk(home.resolve("artifacts"))) {
            blob = files.filter(p -> p.getFileName().toString().equals(digest)).findFirst().orElseThrow();
        }
        blob.toFile().setWritable(true);
        Files.writeString(blob, "model bytes that did rot!");

        HttpResponse<String> response = http.get("/api/v1/artifacts/" + digest, admin);

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(json(response).get("error_code").asText()).isEqualTo("DATA_CORRUPTED");
        assertThat(response.body()).doesNotContain("did rot");
    }

    @Test
    void prometheusMetricsCountRequestsByRouteTemplateAndStatus() {
        http.get("/api/v1/tokens/whatever-id", admin);
        http.get("/health", null);

        HttpResponse<String> metrics = http.get("/metrics", null);

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(metrics.body())
                .contains("http_server_requests_seconds_bucket")
                .contains("route=\"/health\"")
                .contains("status=\"200\"")
                .contains("jvm_memory_used_bytes")
                .doesNotContain("whatever-id");
    }

    @Test
    void aStoppedServerRefusesNewRequestsWhileDraining() throws Exception {
        StewardServer other = StewardServer.start(Steward.open(ConfigLoader.load(home.resolve("other"), Map.of(),
                Map.of("server.port", "0"))));
        HttpTestClient client = new HttpTestClient(other.uri());
        assertThat(client.get("/health", null).statusCode()).isEqualTo(200);

        other.close();

        assertThat(Files.exists(home.resolve("other/steward.db"))).isTrue();
        try {
            client.send(client.builder("/health", null).timeout(java.time.Duration.ofSeconds(2)).method("GET", HttpRequest.BodyPublishers.noBody()));
            throw new AssertionError("a closed server still answered");
        } catch (IllegalStateException expected) {
            assertThat(expected).hasCauseInstanceOf(java.net.ConnectException.class);
        }
    }
}
