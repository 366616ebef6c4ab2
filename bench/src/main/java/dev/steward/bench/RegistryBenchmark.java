package dev.steward.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.core.training.ModelPackage;
import dev.steward.server.Steward;
import dev.steward.server.StewardServer;
import dev.steward.server.config.ConfigLoader;
import dev.steward.spi.artifact.ArtifactRef;
import dev.steward.spi.data.DataFormat;
import dev.steward.spi.data.DatasetRepository;
import dev.steward.spi.data.DatasetVersion;
import dev.steward.spi.data.ReadOptions;
import dev.steward.spi.registry.AliasRecord;
import dev.steward.spi.registry.ModelVersionRecord;
import dev.steward.spi.registry.RegisteredModelRecord;
import dev.steward.spi.registry.RegistryRepository;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Registry queries at scale: 10,000 registered models × 10 versions (100,000 versions, each
 * trained on one of 1,000 dataset versions, every model with an alias) in the embedded SQLite
 * store of a real server, queried over HTTP by one client: a LIKE search of registered models
 * (native and MLflow routes), a version search by run id, and lineage both ways. The fixture is
 * written straight through the store's repository (no audit events: setting up is not measured).
 */
public final class RegistryBenchmark {
    private static final int MODELS = 10_000;
    private static final int VERSIONS = 10;
    private static final int DATASETS = 1_000;
    private static final int REPEATS = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI base;
    private final String token;

    private RegistryBenchmark(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    public static void main(String[] args) throws Exception {
        Path home = Files.createTempDirectory("steward-bench-");
        try (StewardServer server = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0"))))) {
            System.out.printf("Steward registry benchmark, %d cores, java %s, store %s%n", Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"), server.steward().store().dialect());
            long start = System.nanoTime();
            populate(server.steward());
            System.out.printf("created %d models x %d versions on %d dataset versions in %.1f s%n", MODELS, VERSIONS, DATASETS,
                    (System.nanoTime() - start) / 1e9);
            RegistryBenchmark bench = new RegistryBenchmark(server.uri(), server.createdAdminToken().orElseThrow());
            Random random = new Random(7);
            bench.measure("native search name LIKE '%model-12%' (max 100)", () -> "/api/v1/models?max_results=100&filter="
                    + encode("name LIKE '%model-" + (10 + random.nextInt(90)) + "%'"));
            bench.measure("MLflow registered-models/search name LIKE '%model-12%' (max 100)", () -> "/api/2.0/mlflow/registered-models/search"
                    + "?max_results=100&filter=" + encode("name LIKE '%model-" + (10 + random.nextInt(90)) + "%'"));
            bench.measure("MLflow model-versions/search run_id = '...'", () -> "/api/2.0/mlflow/model-versions/search?filter="
                    + encode("run_id = '" + runId(random.nextInt(MODELS), random.nextInt(VERSIONS)) + "'"));
            bench.measure("lineage of a model version", () -> "/api/v1/lineage/models/model-" + random.nextInt(MODELS) + "/"
                    + (1 + random.nextInt(VERSIONS)));
            bench.measure("lineage of a dataset version (100 model versions depend on it)", () -> "/api/v1/lineage/datasets/data-"
                    + random.nextInt(DATASETS) + "/1");
        }
    }

    /** Writes the fixture in large transactions straight through the repositories. */
    private static void populate(Steward steward) throws Exception {
        byte[] onnx = "not read by these queries".getBytes(StandardCharsets.UTF_8);
        ArtifactRef graph = steward.artifacts().put(new ByteArrayInputStream(onnx), onnx.length);
        ObjectNode manifest = JSON.createObjectNode().put("format", "steward-model").put("format_version", 1).put("model_digest", graph.sha256())
                .put("task", "binary_classification");
        manifest.putArray("inputs").addObject().put("name", "x").put("datatype", "FP64").putArray("shape").add(-1).add(1);
        manifest.putArray("outputs").addObject().put("name", "label").put("datatype", "BYTES").putArray("shape").add(-1);
        manifest.putArray("classes").add("no").add("yes");
        manifest.putArray("training_data");
        byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
        ModelPackage.readManifest(manifestBytes);
        ArtifactRef manifestRef = steward.artifacts().put(new ByteArrayInputStream(manifestBytes), manifestBytes.length);
        List<String> datasets = new ArrayList<>();
        steward.store().write(tx -> {
            DatasetRepository repository = tx.repository(DatasetRepository.class);
            for (int d = 0; d < DATASETS; d++) {
                String name = "data-" + d;
                repository.insertDataset(name, 1, "bench");
                String id = String.format("dsv_%016x", d);
                repository.insertVersion(new DatasetVersion(id, name, 1, String.format("%064x", d), 100, DataFormat.CSV, name + ".csv", 10,
                        List.of(), Optional.empty(), Optional.empty(), Map.of(), Optional.empty(), ReadOptions.detect(), DatasetVersion.ACTIVE, 1,
                        "bench"));
                datasets.add(id);
            }
            return null;
        });
        for (int from = 0; from < MODELS; from += 1000) {
            int first = from;
            steward.store().write(tx -> {
                RegistryRepository repository = tx.repository(RegistryRepository.class);
                for (int m = first; m < first + 1000; m++) {
                    String id = String.format("rm_%016x", m);
                    long time = 1_700_000_000_000L + m;
                    repository.insertModel(new RegisteredModelRecord(id, "model-" + m, Optional.of("benchmark model " + m), Map.of("team",
                            "team-" + (m % 50)), time, "bench", time));
                    for (int v = 1; v <= VERSIONS; v++) {
                        repository.insertVersion(new ModelVersionRecord(id, "model-" + m, v, ModelVersionRecord.READY, Optional.empty(),
                                "runs:/" + runId(m, v - 1) + "/model", "run", Optional.of(runId(m, v - 1)), Optional.of(new ModelVersionRecord
                                .PackageInfo(manifestRef.sha256(), graph.sha256(), graph.size())), Optional.of("binary_classification"),
                                "{\"inputs\":[],\"outputs\":[]}", "[\"no\",\"yes\"]", "{\"f1\":0.9}", ModelVersionRecord.Notes.NONE, false, time,
                                "bench", "bench", time, Optional.empty(), Map.of()), List.of(datasets.get((m * VERSIONS + v) % DATASETS)));
                    }
                    repository.setAlias(new AliasRecord(id, "champion", VERSIONS, time, "bench"));
                }
                return null;
            });
        }
    }

    private static String runId(int model, int version) {
        return String.format("%016x%016x", model, version);
    }

    interface PathSource {
        String next();
    }

    private void measure(String what, PathSource path) throws Exception {
        for (int i = 0; i < 50; i++) {
            get(path.next());
        }
        List<Double> latencies = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < REPEATS; i++) {
            String next = path.next();
            long t0 = System.nanoTime();
            bytes += get(next).length();
            latencies.add((System.nanoTime() - t0) / 1e6);
        }
        Collections.sort(latencies);
        System.out.printf("%s: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms (%d requests, %.1f KB per answer)%n", what, latencies.get(REPEATS / 2),
                latencies.get(REPEATS * 9 / 10), latencies.get(REPEATS * 99 / 100), REPEATS, bytes / 1024.0 / REPEATS);
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
