package dev.steward.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.server.Steward;
import dev.steward.server.StewardServer;
import dev.steward.server.config.ConfigLoader;
import dev.steward.spi.Actor;
import dev.steward.spi.Caller;
import dev.steward.spi.Role;
import dev.steward.spi.data.ReadOptions;
import dev.steward.spi.jobs.JobRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Training through the real job queue: a random forest on penguins, XGBoost on 1 M rows of
 * flights-3m (late = delay over 15 minutes, from distance, hour, weekday and month), and a sweep's
 * throughput in trials per minute. Times are from submit to success, so they include the
 * training JVM's start, reading the dataset version, preprocessing, validation metrics and the
 * model package. Writes the CSV files scikit-learn reads in the comparison (bench/training.sh).
 * Arguments: the shared data directory.
 */
public final class TrainingBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Caller CALLER = new Caller(new Actor("bench", "bench", Role.ADMIN), "0".repeat(64));
    private static final String FOREST = """
            {"dataset": {"name": "penguins", "version": 1}, "target": "species", "task": "multiclass_classification",
             "features": ["beak_length_mm", "beak_depth_mm", "flipper_length_mm", "body_mass_g", "island", "sex"],
             "preprocessing": [{"step": "impute", "columns": ["sex"], "strategy": "most_frequent"}], "split": {"holdout": 0.2},
             "algorithm": {"name": "random_forest", "hyperparameters": {"n_trees": 100, "max_depth": 1000, "min_child_weight": 1,
             "fraction_features": 0.5}}}
            """;

    private TrainingBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args.length > 0 ? args[0] : "../shared/data").toAbsolutePath();
        Path work = Files.createTempDirectory("steward-training-bench-");
        Path flights = work.resolve("flights-1m.csv");
        try (Connection duck = new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new java.util.Properties());
                Statement statement = duck.createStatement()) {
            statement.execute("COPY (SELECT distance, hour(date) AS hour, dayofweek(date) AS weekday, month(date) AS month,"
                    + " CASE WHEN delay > 15 THEN 'late' ELSE 'on_time' END AS status FROM read_parquet('" + data.resolve("flights-3m.parquet")
                    + "') ORDER BY date, distance, delay LIMIT 1000000) TO '" + flights + "' (HEADER, DELIMITER ',')");
        }
        Path penguins = work.resolve("penguins.csv");
        Files.copy(data.resolve("penguins.csv"), penguins);
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("machine: %d cores, java %s; jobs.concurrency %d%n", cores, System.getProperty("java.version"), cores);
        try (StewardServer server = StewardServer.start(Steward.open(ConfigLoader.load(work.resolve("home"), Map.of(),
                Map.of("server.port", "0"))))) {
            Steward steward = server.steward();
            long start = System.nanoTime();
            steward.datasets().importFile(CALLER, "penguins", penguins, "penguins.csv", ReadOptions.detect(), Optional.empty(), Map.of());
            steward.datasets().importFile(CALLER, "flights", flights, "flights-1m.csv", ReadOptions.detect(), Optional.empty(), Map.of());
            System.out.printf("imported penguins and flights-1m in %.1f s (not part of the training figures)%n", (System.nanoTime() - start) / 1e9);

            String forest = FOREST;
            time(steward, "random forest, 100 trees, penguins (275 training rows)", forest, 5);

            String boosted = """
                    {"dataset": {"name": "flights", "version": 1}, "target": "status", "task": "binary_classification",
                     "features": ["distance", "hour", "weekday", "month"], "split": {"holdout": 0.2, "stratify": false},
                     "algorithm": {"name": "xgboost", "hyperparameters": {"n_trees": 100, "max_depth": 6, "learning_rate": 0.3}},
                     "guardrails": {"max_memory_mb": 8000}}
                    """;
            time(steward, "XGBoost, 100 trees of depth 6, flights 1M rows (800k training rows)", boosted, 3);

            ObjectNode sweep = JSON.createObjectNode();
            sweep.set("train", JSON.readTree(forest));
            sweep.set("grid", JSON.readTree("{\"n_trees\": [10, 30, 100], \"max_depth\": [3, 6, 9, 1000]}"));
            start = System.nanoTime();
            JobRecord job = steward.jobs().submit(CALLER, "sweep", sweep, 0);
            JobRecord done = await(steward, job.id());
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("sweep of 12 random-forest trials on penguins (%d at a time): %.1f s = %.1f trials/min (%s)%n", cores, seconds,
                    12 / seconds * 60, done.status());
        }
        try (StewardServer server = StewardServer.start(Steward.open(ConfigLoader.load(work.resolve("home"), Map.of(),
                Map.of("server.port", "0", "jobs.training-isolation", "none"))))) {
            ObjectNode sweep = JSON.createObjectNode();
            sweep.set("train", JSON.readTree(FOREST));
            sweep.set("grid", JSON.readTree("{\"n_trees\": [10, 30, 100], \"max_depth\": [3, 6, 9, 1000]}"));
            for (String round : new String[] {"warm-up", "measured"}) {
                long start = System.nanoTime();
                JobRecord done = await(server.steward(), server.steward().jobs().submit(CALLER, "sweep", sweep, 0).id());
                double seconds = (System.nanoTime() - start) / 1e9;
                if (round.equals("measured")) {
                    System.out.printf("the same sweep with jobs.training-isolation = none (training in the server's JVM): %.1f s = %.1f trials/min (%s)%n",
                            seconds, 12 / seconds * 60, done.status());
                }
            }
        }
        System.out.println("csv for the scikit-learn comparison: " + flights);
        System.out.println("penguins for the scikit-learn comparison: " + penguins);
    }

    private static void time(Steward steward, String what, String spec, int repeats) throws Exception {
        double[] seconds = new double[repeats];
        JsonNode metrics = null;
        String last = null;
        for (int i = 0; i < repeats; i++) {
            long start = System.nanoTime();
            JobRecord done = await(steward, steward.jobs().submit(CALLER, "train", JSON.readTree(spec), 0).id());
            seconds[i] = (System.nanoTime() - start) / 1e9;
            last = done.id();
            if (!done.status().equals(JobRecord.SUCCEEDED)) {
                throw new IllegalStateException(what + ": " + done.status() + " " + done.message().orElse(""));
            }
            metrics = JSON.valueToTree(steward.tracking().getRun(done.runId().orElseThrow()).metrics().stream()
                    .filter(m -> List.of("accuracy", "roc_auc", "log_loss", "f1_macro").contains(m.key()))
                    .collect(java.util.stream.Collectors.toMap(m -> m.key(), m -> m.value())));
        }
        System.out.println("  log of the last run:");
        dev.steward.core.jobs.JobService.LogChunk log = steward.jobs().log(last, 0, 1 << 20);
        log.text().lines().filter(l -> l.contains(" s") || l.startsWith("training")).forEach(l -> System.out.println("    " + l));
        double[] sorted = seconds.clone();
        Arrays.sort(sorted);
        System.out.printf("%s: submit to packaged model, median of %d: %.2f s (all: %s); validation %s%n", what, repeats, sorted[repeats / 2],
                format(seconds), metrics);
    }

    private static String format(double[] values) {
        List<String> parts = new ArrayList<>();
        for (double v : values) {
            parts.add(String.format("%.2f", v));
        }
        return String.join(", ", parts);
    }

    private static JobRecord await(Steward steward, String id) throws InterruptedException {
        while (true) {
            JobRecord job = steward.jobs().get(id);
            if (!job.status().equals(JobRecord.QUEUED) && !job.status().equals(JobRecord.RUNNING)) {
                return job;
            }
            Thread.sleep(20);
        }
    }
}
