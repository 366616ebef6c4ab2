package dev.steward.core.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.core.serving.DeploymentDirectory;
import dev.steward.core.serving.DeploymentSpec;
import dev.steward.core.serving.DeploymentState;
import dev.steward.core.serving.LoggedRequest;
import dev.steward.core.serving.ModelSource;
import dev.steward.core.training.StoredPackage;
import dev.steward.spi.StewardException;
import dev.steward.spi.artifact.ArtifactRef;
import dev.steward.spi.data.ColumnSummary;
import dev.steward.spi.data.ColumnType;
import dev.steward.spi.data.DataFormat;
import dev.steward.spi.data.DatasetVersion;
import dev.steward.spi.data.ReadOptions;
import dev.steward.spi.data.TableReader;
import dev.steward.spi.serving.ModelRuntime;
import dev.steward.spi.serving.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * What the engine's tests run on, written by hand: a synthetic world (two numbers and a colour,
 * and a yes/no truth drawn from a known logistic model), a classifier that is that logistic model
 * (so its probabilities are calibrated), its package and runtime, dataset versions held in memory,
 * a deployment directory, and entries as the serving engine logs them.
 */
final class MonitorFixtures {
    static final String DEPLOYMENT = "credit-api";
    static final String MODEL = "credit";
    static final String DATASET = "credit-train";
    static final List<String> COLOURS = List.of("red", "green", "blue");
    private static final double[] COLOUR_SHARES = {0.5, 0.3, 0.2};
    private static final ObjectMapper JSON = new ObjectMapper();

    private MonitorFixtures() {
    }

    /** One row of the world. */
    record Row(double x1, double x2, String colour, String truth) {
    }

    /**
     * A row: x1 ~ N(shift, 1), x2 ~ N(5, 2²) with correlation {@code rho} to x1, a colour by fixed
     * shares (red 0.5, green 0.3, blue 0.2), and the truth drawn from {@link #probabilityOfYes}.
     */
    static Row draw(SplittableRandom random, double shift, double rho) {
        double z1 = gaussian(random);
        double z2 = rho * z1 + Math.sqrt(1 - rho * rho) * gaussian(random);
        double x1 = shift + z1;
        double x2 = 5 + 2 * z2;
        double u = random.nextDouble();
        String colour = u < COLOUR_SHARES[0] ? "red" : u < COLOUR_SHARES[0] + COLOUR_SHARES[1] ? "green" : "blue";
        String truth = random.nextDouble() < probabilityOfYes(x1, x2, colour) ? "yes" : "no";
        return new Row(x1, x2, colour, truth);
    }

    static List<Row> draw(SplittableRandom random, int n, double shift, double rho) {
        List<Row> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rows.add(draw(random, shift, rho));
        }
        return rows;
    }

    static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /** The world's (and the model's) probability of "yes". */
    static double probabilityOfYes(double x1, double x2, String colour) {
        double z = 1.2 * x1 - 0.5 * (x2 - 5) + ("red".equals(colour) ? 0.8 : -0.4);
        return 1 / (1 + Math.exp(-z));
    }

    // ---- the model ---------------------------------------------------------------------------

    /** The classifier's package and runtime: every version is the same logistic model. */
    static final class Models implements ModelSource, ModelRuntime {
        private final Map<String, JsonNode> manifests = new ConcurrentHashMap<>();
        private final Set<String> unpackaged = ConcurrentHashMap.newKeySet();

        Models() {
            register(MODEL, 1, manifest(DATASET, 1, "x1"));
        }

        void register(String model, int version, JsonNode manifest) {
            manifests.put(model + "/" + version, manifest);
        }

        /** A version registered without a servable package. */
        void unpackaged(String model, int version) {
            unpackaged.add(model + "/" + version);
        }

        static JsonNode manifest(String dataset, int version, String firstColumn) {
            try {
                return JSON.readTree("""
                        {"format": "steward-model", "format_version": 1, "model_digest": "x", "task": "binary_classification",
                         "training_data": [{"dataset": "%s", "version": %d, "target": "y"}],
                         "inputs": [{"name": "%s", "datatype": "FP64", "shape": [-1, 1]},
                                    {"name": "x2", "datatype": "FP64", "shape": [-1, 1]},
                                    {"name": "colour", "datatype": "BYTES", "shape": [-1, 1], "categories": ["red", "green", "blue"]}],
                         "outputs": [{"name": "label", "datatype": "BYTES", "shape": [-1]}, {"name": "probabilities", "datatype": "FP64", "shape": [-1, 2]}],
                         "classes": ["no", "yes"], "target": "y"}
                        """.formatted(dataset, version, firstColumn));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public ServablePackage fetch(String model, int version) {
            String id = model + "/" + version;
            if (unpackaged.contains(id)) {
                throw StewardException.invalidState("Model Version (name=" + model + ", version=" + version + ") has no servable package: failed");
            }
            JsonNode manifest = manifests.get(id);
            if (manifest == null) {
                throw StewardException.notFound("no version " + version + " of model '" + model + "'");
            }
            return new ServablePackage(new StoredPackage(new ArtifactRef("0".repeat(64), 1), new ArtifactRef("1".repeat(64), 1), manifest),
                    id.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public LoadedModel load(byte[] model) {
            return new LoadedModel() {
                @Override
                public List<TensorInfo> inputs() {
                    return List.of(new TensorInfo("x1", "tensor(double)", new long[] {-1, 1}), new TensorInfo("x2", "tensor(double)", new long[] {-1, 1}),
                            new TensorInfo("colour", "tensor(string)", new long[] {-1, 1}));
                }

                @Override
                public List<TensorInfo> outputs() {
                    return List.of(new TensorInfo("label", "tensor(string)", new long[] {-1}),
                            new TensorInfo("probabilities", "tensor(double)", new long[] {-1, 2}));
                }

                @Override
                public GraphMetadata metadata() {
                    return new GraphMetadata("hand-written", new String(model, StandardCharsets.UTF_8), "", "", 1, Map.of());
                }

                @Override
                public Map<String, Tensor> run(List<Tensor> inputs, Set<String> outputs) {
                    return answer(inputs.get(0).doubles(), inputs.get(1).doubles(), inputs.get(2).strings());
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public String version() {
            return "hand-written 1";
        }
    }

    /** The model's outputs for rows of x1, x2 and colour. */
    static Map<String, Tensor> answer(double[] x1, double[] x2, String[] colour) {
        int n = x1.length;
        double[] probabilities = new double[2 * n];
        String[] labels = new String[n];
        for (int i = 0; i < n; i++) {
            double p = probabilityOfYes(Double.isNaN(x1[i]) ? 0 : x1[i], Double.isNaN(x2[i]) ? 5 : x2[i], colour[i]);
            probabilities[2 * i] = 1 - p;
            probabilities[2 * i + 1] = p;
            labels[i] = p > 1 - p ? "yes" : "no";
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("label", Tensor.of("label", new long[] {n}, labels));
        out.put("probabilities", Tensor.of("probabilities", new long[] {n, 2}, probabilities));
        return out;
    }

    // ---- datasets ----------------------------------------------------------------------------

    /** Dataset versions held in memory, column by column. */
    static final class Tables implements ReferenceTables {
        private final Map<String, Map<Integer, DatasetVersion>> versions = new HashMap<>();
        private final Map<String, Map<String, Object[]>> columns = new HashMap<>();

        /** Adds a version of rows of the world (x1, x2, colour, y). */
        DatasetVersion add(String dataset, int number, List<Row> rows) {
            Map<String, Object[]> data = new LinkedHashMap<>();
            data.put("x1", rows.stream().map(Row::x1).toArray());
            data.put("x2", rows.stream().map(Row::x2).toArray());
            data.put("colour", rows.stream().map(Row::colour).toArray());
            data.put("y", rows.stream().map(Row::truth).toArray());
            return add(dataset, number, data, Map.of("x1", ColumnType.FLOAT, "x2", ColumnType.FLOAT, "colour", ColumnType.STRING, "y",
                    ColumnType.STRING));
        }

        DatasetVersion add(String dataset, int number, Map<String, Object[]> data, Map<String, ColumnType> types) {
            List<ColumnSummary> summaries = new ArrayList<>();
            int position = 0;
            long rows = 0;
            for (Map.Entry<String, Object[]> column : data.entrySet()) {
                rows = column.getValue().length;
                summaries.add(new ColumnSummary(position++, column.getKey(), types.get(column.getKey()), true, 0, 0, Optional.empty(), Optional.empty(),
                        OptionalDouble.empty(), OptionalDouble.empty(), Optional.empty()));
            }
            DatasetVersion version = new DatasetVersion("dsv_%016x".formatted(Math.abs((dataset + number).hashCode())), dataset, number, "a".repeat(64),
                    1, DataFormat.CSV, dataset + ".csv", rows, summaries, Optional.empty(), Optional.empty(), Map.of(), Optional.empty(),
                    ReadOptions.detect(), DatasetVersion.ACTIVE, 0, "test");
            versions.computeIfAbsent(dataset, d -> new HashMap<>()).put(number, version);
            columns.put(dataset + "@" + number, data);
            return version;
        }

        @Override
        public boolean exists(String dataset) {
            return versions.containsKey(dataset);
        }

        @Override
        public Optional<DatasetVersion> version(String dataset, int number) {
            return Optional.ofNullable(versions.getOrDefault(dataset, Map.of()).get(number));
        }

        @Override
        public void scan(DatasetVersion version, List<ColumnSummary> wanted, TableReader.RowSink sink) {
            Map<String, Object[]> data = columns.get(version.datasetName() + "@" + version.version());
            for (ColumnSummary column : wanted) {
                Consumer<Object> values = sink.column(column);
                for (Object value : data.get(column.name())) {
                    values.accept(value);
                }
            }
        }
    }

    // ---- deployments -------------------------------------------------------------------------

    /** Deployments published by hand. */
    static final class Directory implements DeploymentDirectory {
        private volatile Map<String, DeploymentState> current = Map.of();

        void put(String name, DeploymentSpec.ServedVersion... versions) {
            Map<String, DeploymentState> next = new HashMap<>(current);
            DeploymentSpec spec = new DeploymentSpec("production", List.of(versions), Optional.empty(), DeploymentSpec.Batching.DEFAULT,
                    DeploymentSpec.Limits.DEFAULT, Optional.empty());
            next.put(name, new DeploymentState(name, 1, spec, false, Optional.empty(), 0));
            current = Map.copyOf(next);
        }

        @Override
        public Map<String, DeploymentState> current() {
            return current;
        }

        @Override
        public void onChange(Consumer<Map<String, DeploymentState>> listener) {
        }
    }

    static DeploymentSpec.ServedVersion served(String model, int version, double weight) {
        return new DeploymentSpec.ServedVersion(model, version, weight, Optional.empty());
    }

    // ---- entries -----------------------------------------------------------------------------

    /** A request of these rows as the serving engine logs it: the three input columns in, the label and probabilities out. */
    static LoggedRequest entry(String id, long receivedAt, List<Row> rows) {
        return entry(id, MODEL, 1, "weighted", receivedAt, rows);
    }

    static LoggedRequest entry(String id, String model, int version, String arm, long receivedAt, List<Row> rows) {
        int n = rows.size();
        double[] x1 = new double[n];
        double[] x2 = new double[n];
        String[] colour = new String[n];
        for (int i = 0; i < n; i++) {
            x1[i] = rows.get(i).x1();
            x2[i] = rows.get(i).x2();
            colour[i] = rows.get(i).colour();
        }
        List<Tensor> inputs = List.of(Tensor.column("x1", x1), Tensor.column("x2", x2), Tensor.column("colour", colour));
        return new LoggedRequest(id, DEPLOYMENT, 1, model, version, arm, "tok_1", "native", receivedAt, 100_000, n, inputs, answer(x1, x2, colour),
                Optional.empty());
    }
}
