package dev.steward.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.core.monitoring.LabelCounts;
import dev.steward.core.monitoring.LiveMonitorEngine;
import dev.steward.core.monitoring.MonitorEngine;
import dev.steward.core.monitoring.MonitorSpec;
import dev.steward.core.monitoring.ReferenceTables;
import dev.steward.core.monitoring.WindowReport;
import dev.steward.core.serving.DeploymentDirectory;
import dev.steward.core.serving.DeploymentSpec;
import dev.steward.core.serving.DeploymentState;
import dev.steward.core.serving.LoggedRequest;
import dev.steward.core.serving.ModelSource;
import dev.steward.core.serving.log.RequestLogReader;
import dev.steward.core.serving.log.SegmentRequestLog;
import dev.steward.core.training.StoredPackage;
import dev.steward.spi.artifact.ArtifactRef;
import dev.steward.spi.data.ColumnSummary;
import dev.steward.spi.data.ColumnType;
import dev.steward.spi.data.DataFormat;
import dev.steward.spi.data.DatasetVersion;
import dev.steward.spi.data.ReadOptions;
import dev.steward.spi.data.TableReader;
import dev.steward.spi.serving.ModelRuntime;
import dev.steward.spi.serving.Tensor;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The monitoring engine's data path, in process: a window of 1,000,000 logged rows of five
 * features (four numbers, one category of five values) from a binary classifier, (1) folded into
 * the window as the request log's writer does (each entry annotated with its outlier score, then
 * handed over in batches of 1,024 entries), in entries of 10 rows and of 1 row; (2) closed (the
 * profile serialised) and evaluated (distances on sketches, MMD on 500 + 500 rows with 200
 * permutations, prediction drift, the estimate); (3) rebuilt from the request log's segments. The
 * reference is 100,000 rows, built once ({@code prepare}, timed too). The classifier is a logistic
 * model written by hand: only {@code prepare} runs it; windows read its logged outputs.
 */
public final class MonitoringBenchmark {
    private static final String DEPLOYMENT = "bench-api";
    private static final int ROWS = 1_000_000;
    private static final int REFERENCE_ROWS = 100_000;
    private static final int BATCH = 1024;
    private static final long T0 = 1_800_000_000_000L;
    private static final List<String> COLOURS = List.of("red", "green", "blue", "amber", "violet");
    private static final ObjectMapper JSON = new ObjectMapper();

    private MonitoringBenchmark() {}

    public static void main(String[] args) throws Exception {
        System.out.printf("Steward monitoring benchmark, %d cores, java %s, load average %.1f%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        Path work = Files.createTempDirectory(Path.of(System.getProperty("bench.dir", "target")).toAbsolutePath(), "monitoring-bench-");
        try {
            Path logDir = work.resolve("log");
            LiveMonitorEngine engine = new LiveMonitorEngine(new Tables(), new Directory(), new Models(), new Models(), new RequestLogReader(logDir),
                    Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC));
            AtomicReference<MonitorEngine.ClosedWindow> closed = new AtomicReference<>();
            engine.onClose(closed::set);
            MonitorSpec spec = new MonitorSpec(Optional.empty(), new MonitorSpec.Window(MonitorSpec.WindowKind.REQUESTS, ROWS, Duration.ZERO, 30),
                    List.of(), MonitorSpec.Drift.DEFAULTS, MonitorSpec.Multivariate.DEFAULTS, MonitorSpec.Outliers.DEFAULTS,
                    MonitorSpec.Performance.DEFAULTS, MonitorSpec.Schedule.DEFAULTS, List.of());
            long start = System.nanoTime();
            MonitorEngine.PreparedReference reference = engine.prepare(DEPLOYMENT, spec);
            System.out.printf("prepare: reference of %,d rows, features %s, %,d bytes: %.0f ms%n", reference.rows(), reference.features(),
                    reference.bytes().length, millis(start));
            MonitorEngine.ActiveMonitor monitor = new MonitorEngine.ActiveMonitor(DEPLOYMENT, 1, spec, reference);

            for (int rowsPerEntry : new int[] {10, 1}) {
                for (int run = 0; run < 2; run++) {
                    engine.activate(monitor);
                    closed.set(null);
                    SplittableRandom random = new SplittableRandom(7 + run);
                    long folding = 0;
                    long annotating = 0;
                    long lastBatch = 0;
                    int entries = ROWS / rowsPerEntry;
                    for (int done = 0; done < entries; done += BATCH) {
                        List<LoggedRequest> batch = batch(random, done, Math.min(BATCH, entries - done), rowsPerEntry);
                        long t = System.nanoTime();
                        List<LoggedRequest> annotated = new ArrayList<>(batch.size());
                        for (LoggedRequest entry : batch) {
                            annotated.add(engine.annotate(entry));
                        }
                        annotating += System.nanoTime() - t;
                        engine.written(annotated);
                        lastBatch = System.nanoTime() - t;
                        folding += lastBatch;
                    }
                    MonitorEngine.ClosedWindow window = closed.get();
                    long t = System.nanoTime();
                    WindowReport report = engine.evaluate(monitor, window, LabelCounts.NONE, false, WindowReport.LIVE);
                    double evaluate = millis(t);
                    System.out.printf("run %d, %d-row entries: fold %,d rows %.0f ms (%.0f ns a row, of which annotate, the outlier score on the"
                            + " writer thread, %.0f ns an entry); the last batch, which closes the window (profile %,d bytes): %.1f ms; evaluate"
                            + " %.0f ms (method %s, %d drifted, MMD p %.3f, estimated accuracy %.3f)%n", run + 1, rowsPerEntry, window.rows(),
                            folding / 1e6, (double) folding / window.rows(), (double) annotating / entries, window.profile().length, lastBatch / 1e6, evaluate, report.method(), report.driftedFeatures(),
                            report.mmd().orElseThrow().pValue(), report.performance().orElseThrow().estimatedAccuracy().getAsDouble());
                }
            }

            // The same window from the request log's segments.
            engine.activate(monitor);
            SplittableRandom random = new SplittableRandom(7);
            try (SegmentRequestLog log = SegmentRequestLog.open(new SegmentRequestLog.Settings(logDir, 64L << 20, Duration.ofHours(1), Duration.ZERO,
                    100_000), Clock.systemUTC())) {
                int entries = ROWS / 10;
                for (int done = 0; done < entries; done += BATCH) {
                    for (LoggedRequest entry : batch(random, done, Math.min(BATCH, entries - done), 10)) {
                        while (!log.offer(engine.annotate(entry))) {
                            Thread.onSpinWait();
                        }
                    }
                }
                while (log.written() < entries) {
                    Thread.sleep(10);
                }
            }
            long bytes;
            try (var files = Files.walk(logDir)) {
                bytes = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
            }
            for (int run = 0; run < 2; run++) {
                long t = System.nanoTime();
                MonitorEngine.ClosedWindow rebuilt = engine.rebuild(monitor, 0, T0, T0 + ROWS);
                System.out.printf("rebuild run %d: %,d rows from %,d MB of segments: %.0f ms%n", run + 1, rebuilt.rows(), bytes >> 20, millis(t));
            }
        } finally {
            RequestLogBenchmark.delete(work);
        }
    }

    private static double millis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    /** {@code count} entries from entry number {@code first}, received one millisecond apart. */
    private static List<LoggedRequest> batch(SplittableRandom random, int first, int count, int rows) {
        List<LoggedRequest> batch = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            double[][] x = new double[4][rows];
            String[] colour = new String[rows];
            for (int r = 0; r < rows; r++) {
                double[] row = row(random);
                for (int k = 0; k < 4; k++) {
                    x[k][r] = row[k];
                }
                colour[r] = COLOURS.get((int) row[4]);
            }
            List<Tensor> inputs = List.of(Tensor.column("x1", x[0]), Tensor.column("x2", x[1]), Tensor.column("x3", x[2]), Tensor.column("x4", x[3]),
                    Tensor.column("colour", colour));
            long id = first + i;
            batch.add(new LoggedRequest("req-" + id, DEPLOYMENT, 1, "bench", 1, "weighted", "tok_1", "native", T0 + id, 100_000, rows, inputs,
                    answer(x, colour), Optional.empty()));
        }
        return batch;
    }

    /** Four numbers (x2 correlated with x1) and a colour's index. */
    private static double[] row(SplittableRandom random) {
        double z1 = gaussian(random);
        double z2 = 0.6 * z1 + 0.8 * gaussian(random);
        return new double[] {z1, 10 + 3 * z2, gaussian(random), Math.exp(gaussian(random) / 2), Math.min(4, (int) (-Math.log(1 - random.nextDouble()) * 1.5))};
    }

    private static double gaussian(SplittableRandom random) {
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    private static Map<String, Tensor> answer(double[][] x, String[] colour) {
        int n = colour.length;
        double[] probabilities = new double[2 * n];
        String[] labels = new String[n];
        for (int i = 0; i < n; i++) {
            double z = 1.1 * x[0][i] - 0.2 * (x[1][i] - 10) + 0.5 * x[2][i] - 0.3 * x[3][i] + ("red".equals(colour[i]) ? 0.4 : -0.2);
            double p = 1 / (1 + Math.exp(-z));
            probabilities[2 * i] = 1 - p;
            probabilities[2 * i + 1] = p;
            labels[i] = p > 0.5 ? "yes" : "no";
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("label", Tensor.of("label", new long[] {n}, labels));
        out.put("probabilities", Tensor.of("probabilities", new long[] {n, 2}, probabilities));
        return out;
    }

    /** The reference: 100,000 rows of the same world, with their truth drawn from the model's probabilities. */
    private static final class Tables implements ReferenceTables {
        private final Map<String, Object[]> columns = new LinkedHashMap<>();
        private final DatasetVersion version;

        Tables() {
            SplittableRandom random = new SplittableRandom(1);
            for (String name : List.of("x1", "x2", "x3", "x4", "colour", "y")) {
                columns.put(name, new Object[REFERENCE_ROWS]);
            }
            for (int r = 0; r < REFERENCE_ROWS; r++) {
                double[] row = row(random);
                double[][] x = {{row[0]}, {row[1]}, {row[2]}, {row[3]}};
                String colour = COLOURS.get((int) row[4]);
                double p = answer(x, new String[] {colour}).get("probabilities").doubles()[1];
                for (int k = 0; k < 4; k++) {
                    columns.get("x" + (k + 1))[r] = row[k];
                }
                columns.get("colour")[r] = colour;
                columns.get("y")[r] = random.nextDouble() < p ? "yes" : "no";
            }
            List<ColumnSummary> summaries = new ArrayList<>();
            int position = 0;
            for (String name : columns.keySet()) {
                ColumnType type = name.startsWith("x") ? ColumnType.FLOAT : ColumnType.STRING;
                summaries.add(new ColumnSummary(position++, name, type, true, 0, 0, Optional.empty(), Optional.empty(), OptionalDouble.empty(),
                        OptionalDouble.empty(), Optional.empty()));
            }
            version = new DatasetVersion("dsv_0000000000000001", "bench-train", 1, "a".repeat(64), 1, DataFormat.CSV, "bench-train.csv",
                    REFERENCE_ROWS, summaries, Optional.empty(), Optional.empty(), Map.of(), Optional.empty(), ReadOptions.detect(),
                    DatasetVersion.ACTIVE, 0, "bench");
        }

        @Override
        public boolean exists(String dataset) {
            return dataset.equals("bench-train");
        }

        @Override
        public Optional<DatasetVersion> version(String dataset, int number) {
            return exists(dataset) && number == 1 ? Optional.of(version) : Optional.empty();
        }

        @Override
        public void scan(DatasetVersion v, List<ColumnSummary> wanted, TableReader.RowSink sink) {
            for (ColumnSummary column : wanted) {
                Consumer<Object> values = sink.column(column);
                for (Object value : columns.get(column.name())) {
                    values.accept(value);
                }
            }
        }
    }

    private static final class Directory implements DeploymentDirectory {
        private final Map<String, DeploymentState> current = Map.of(DEPLOYMENT, new DeploymentState(DEPLOYMENT, 1, new DeploymentSpec("production",
                List.of(new DeploymentSpec.ServedVersion("bench", 1, 1, Optional.empty())), Optional.empty(), DeploymentSpec.Batching.DEFAULT,
                DeploymentSpec.Limits.DEFAULT, Optional.empty()), false, Optional.empty(), 0));

        @Override
        public Map<String, DeploymentState> current() {
            return current;
        }

        @Override
        public void onChange(Consumer<Map<String, DeploymentState>> listener) {
        }
    }

    /** The classifier's package and a runtime that runs {@link #answer}. */
    private static final class Models implements ModelSource, ModelRuntime {
        @Override
        public ServablePackage fetch(String model, int version) {
            JsonNode manifest;
            try {
                manifest = JSON.readTree("""
                        {"format": "steward-model", "format_version": 1, "model_digest": "x", "task": "binary_classification",
                         "training_data": [{"dataset": "bench-train", "version": 1, "target": "y"}],
                         "inputs": [{"name": "x1", "datatype": "FP64", "shape": [-1, 1]}, {"name": "x2", "datatype": "FP64", "shape": [-1, 1]},
                                    {"name": "x3", "datatype": "FP64", "shape": [-1, 1]}, {"name": "x4", "datatype": "FP64", "shape": [-1, 1]},
                                    {"name": "colour", "datatype": "BYTES", "shape": [-1, 1]}],
                         "outputs": [{"name": "label", "datatype": "BYTES", "shape": [-1]}, {"name": "probabilities", "datatype": "FP64", "shape": [-1, 2]}],
                         "classes": ["no", "yes"], "target": "y"}
                        """);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return new ServablePackage(new StoredPackage(new ArtifactRef("0".repeat(64), 1), new ArtifactRef("1".repeat(64), 1), manifest),
                    "bench".getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public LoadedModel load(byte[] model) {
            return new LoadedModel() {
                @Override
                public List<TensorInfo> inputs() {
                    List<TensorInfo> inputs = new ArrayList<>();
                    for (String name : List.of("x1", "x2", "x3", "x4")) {
                        inputs.add(new TensorInfo(name, "tensor(double)", new long[] {-1, 1}));
                    }
                    inputs.add(new TensorInfo("colour", "tensor(string)", new long[] {-1, 1}));
                    return inputs;
                }

                @Override
                public List<TensorInfo> outputs() {
                    return List.of(new TensorInfo("label", "tensor(string)", new long[] {-1}),
                            new TensorInfo("probabilities", "tensor(double)", new long[] {-1, 2}));
                }

                @Override
                public GraphMetadata metadata() {
                    return new GraphMetadata("hand-written", "bench", "", "", 1, Map.of());
                }

                @Override
                public Map<String, Tensor> run(List<Tensor> inputs, Set<String> outputs) {
                    double[][] x = new double[4][];
                    for (int k = 0; k < 4; k++) {
                        x[k] = inputs.get(k).doubles();
                    }
                    return answer(x, inputs.get(4).strings());
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
}
