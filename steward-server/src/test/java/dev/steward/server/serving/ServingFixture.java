package dev.steward.server.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.core.registry.RegistryService;
import dev.steward.core.training.ModelPackage;
import dev.steward.core.training.StoredPackage;
import dev.steward.core.util.Digests;
import dev.steward.server.HttpTestClient;
import dev.steward.server.Steward;
import dev.steward.server.StewardServer;
import dev.steward.server.config.ConfigLoader;
import dev.steward.spi.Actor;
import dev.steward.spi.Caller;
import dev.steward.spi.artifact.ArtifactRef;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.nio.file.Files;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real server for the serving tests, with the committed golden packages registered and promoted
 * to production: {@code penguins-rf} versions 1 and 2 (the 5-tree random forest Steward trained,
 * {@code model/golden-v1}: six column inputs) and {@code penguins-linear} version 1 (a graph
 * Steward did not train, {@code model/golden-v1-imported}: one FP32 [N,4] input fed from four
 * columns). Tokens: admin, a deployer and an inference token.
 *
 * <p>The serving test classes share one server (each class on deployments of its own): starting
 * a server, registering and warming the models for each class would cost more than the tests.
 */
final class ServingFixture {
    private static ServingFixture shared;

    static final ObjectMapper JSON = new ObjectMapper();
    /** The first penguin of the golden package's expected.json, as one record. */
    static final String PENGUIN = "{\"island\": \"Torgersen\", \"beak_length_mm\": 39.1, \"beak_depth_mm\": 18.7, \"flipper_length_mm\": 181,"
            + " \"body_mass_g\": 3750, \"sex\": \"MALE\"}";

    final StewardServer server;
    final HttpTestClient http;
    final String admin;
    final String deployer;
    final String inference;

    private ServingFixture(StewardServer server) {
        this.server = server;
        this.http = new HttpTestClient(server.uri());
        this.admin = server.createdAdminToken().orElseThrow();
        this.deployer = token("deployer", "deployer");
        this.inference = token("app", "inference");
    }

    /** The server of this test JVM, started on first use in a temporary home; stopped and removed when the JVM exits. */
    static synchronized ServingFixture shared() {
        if (shared == null) {
            Path home;
            try {
                home = Files.createTempDirectory("steward-serving-test");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ServingFixture fixture = new ServingFixture(StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0",
                    "serving.poll-ms", "50")))));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                fixture.server.close();
                delete(home);
            }));
            fixture.register("penguins-rf", "/model/golden-v1/");
            fixture.register("penguins-rf", "/model/golden-v1/");
            fixture.register("penguins-linear", "/model/golden-v1-imported/");
            shared = fixture;
        }
        return shared;
    }

    private static void delete(Path home) {
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String token(String name, String role) {
        return json(ok(http.post("/api/v1/tokens", admin, "{\"name\": \"" + name + "\", \"role\": \"" + role + "\"}"), 201)).get("secret").asText();
    }

    /** Registers a committed package as the next version of {@code model} and promotes it to production. */
    private void register(String model, String directory) {
        Steward steward = server.steward();
        byte[] manifest = resource(directory + ModelPackage.MANIFEST);
        byte[] onnx = resource(directory + ModelPackage.ONNX);
        ArtifactRef manifestBlob = steward.artifacts().put(new ByteArrayInputStream(manifest), manifest.length);
        ArtifactRef onnxBlob = steward.artifacts().put(new ByteArrayInputStream(onnx), onnx.length);
        Caller caller = new Caller(Actor.SYSTEM, Digests.sha256Hex("serving test fixture"));
        int version = steward.registry().registerPackage(caller, model, new StoredPackage(manifestBlob, onnxBlob, ModelPackage.readManifest(manifest)),
                new RegistryService.Source("onnx", "test:" + directory, Optional.empty()), Map.of(), Optional.empty(), true).version().version();
        ok(http.post("/api/v1/models/" + model + "/versions/" + version + "/promote", deployer, "{\"environment\": \"production\"}"), 200);
    }

    /** Creates a deployment from a spec (JSON) and waits until its versions are loaded and warm. */
    JsonNode deploy(String name, String spec) {
        JsonNode created = json(ok(http.post("/api/v1/deployments", deployer, "{\"name\": \"" + name + "\", \"spec\": " + spec + "}"), 201));
        awaitReady(name, created.get("revision").asInt());
        return created;
    }

    /** A new revision of a deployment; waits until it serves it. */
    JsonNode update(String name, String spec) {
        JsonNode updated = json(ok(http.send("PUT", "/api/v1/deployments/" + name, deployer, "{\"spec\": " + spec + "}"), 200));
        awaitReady(name, updated.get("revision").asInt());
        return updated;
    }

    /** Waits until the engine serves revision {@code revision} of a deployment with every version warm. */
    void awaitReady(String name, int revision) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            var state = server.steward().deployments().current().get(name);
            if (state != null && state.revision() >= revision && server.serving().notReady(name, Optional.empty()).isEmpty()) {
                return;
            }
            assertThat(System.nanoTime()).as("deployment " + name + " ready").isLessThan(deadline);
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** A spec of the given versions of penguins-rf ({@code [version, weight]} pairs) with extra top-level fields. */
    static String rf(String extra, int... versionsAndWeights) {
        StringBuilder versions = new StringBuilder();
        for (int i = 0; i < versionsAndWeights.length; i += 2) {
            versions.append(i == 0 ? "" : ", ").append("{\"model\": \"penguins-rf\", \"version\": ").append(versionsAndWeights[i])
                    .append(", \"weight\": ").append(versionsAndWeights[i + 1]).append("}");
        }
        return "{\"versions\": [" + versions + "]" + (extra.isEmpty() ? "" : ", " + extra) + "}";
    }

    static HttpResponse<String> ok(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return response;
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    static byte[] resource(String path) {
        try (InputStream in = ServingFixture.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
