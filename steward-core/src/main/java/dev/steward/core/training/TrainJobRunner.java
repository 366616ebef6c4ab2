package dev.steward.core.training;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.core.data.DatasetService;
import dev.steward.core.eval.CrossValidationScore;
import dev.steward.core.eval.Evaluation;
import dev.steward.core.eval.Folds;
import dev.steward.core.jobs.JobContext;
import dev.steward.core.jobs.JobFailure;
import dev.steward.core.jobs.JobRunner;
import dev.steward.spi.StewardException;
import dev.steward.spi.data.ColumnSummary;
import dev.steward.spi.data.DatasetVersion;
import dev.steward.spi.tracking.DatasetInput;
import dev.steward.spi.tracking.KeyValue;
import dev.steward.spi.tracking.Metric;
import dev.steward.spi.training.FittedColumn;
import dev.steward.spi.training.Trainer;
import dev.steward.spi.training.TrainedModel;
import dev.steward.spi.training.TrainingRequest;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Trains a model from a declarative spec ({@code kind: train}, see {@code docs/training.md}):
 * checks the spec against the dataset version's schema before anything is queued, reads the
 * columns, splits (holdout or k-fold, stratified, seeded), fits the preprocessing on the training
 * rows only, trains through the {@link Trainer} port, scores the validation rows, and keeps the
 * model package (manifest, ONNX with the preprocessing inside, native model) as artifacts of the
 * job's run, with the dataset version as the run's input. Guardrails: wall time, a memory
 * estimate checked before reading, and divergence (a NaN or infinite validation loss, or one worse
 * than the baseline's after N iterations). Stateless and thread-safe.
 */
public final class TrainJobRunner implements JobRunner {
    public static final String KIND = "train";
    /** Bytes per row and feature while training: our matrix, the trainer's copy, its working structures. */
    private static final long BYTES_PER_CELL = 64;

    private final DatasetService datasets;
    private final Trainer trainer;
    private final TrainingSpecParser parser;
    private final ExecutorService training = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "steward-training");
        t.setDaemon(true);
        return t;
    });

    public TrainJobRunner(DatasetService datasets, Trainer trainer) {
        this.datasets = requireNonNull(datasets, "datasets is null");
        this.trainer = requireNonNull(trainer, "trainer is null");
        this.parser = new TrainingSpecParser(trainer.algorithms());
    }

    @Override
    public String kind() {
        return KIND;
    }

    public TrainingSpecParser parser() {
        return parser;
    }

    @Override
    public ObjectNode validate(ObjectNode spec) {
        TrainingSpec parsed = parser.parse(spec);
        DatasetVersion version = version(parsed);
        if (!version.status().equals(DatasetVersion.ACTIVE) && parsed.overrideReason().isEmpty()) {
            throw StewardException.invalid("override_reason", "override_reason: version " + version.version() + " of '" + version.datasetName()
                    + "' is " + version.status() + " (see its validation reports); release it, or give override_reason to train on it anyway");
        }
        TrainingPlan.resolve(parsed, version);
        ObjectNode filled = spec.deepCopy();
        ObjectNode dataset = filled.withObject("/dataset");
        dataset.remove("digest");
        dataset.put("version", version.version());
        filled.putObject("metric").put("name", parsed.metric().name()).put("goal", parsed.metric().maximize() ? "maximize" : "minimize");
        ObjectNode hyper = filled.withObject("/algorithm").putObject("hyperparameters");
        new TreeMap<>(parsed.hyperparameters()).forEach((k, v) -> hyper.set(k, ModelPackage.JSON.valueToTree(v)));
        return filled;
    }

    private DatasetVersion version(TrainingSpec spec) {
        try {
            if (spec.digest().isPresent()) {
                return datasets.versionsByDigest(spec.digest().get()).stream().filter(v -> v.datasetName().equals(spec.dataset())).findFirst()
                        .orElseThrow(() -> StewardException.invalid("dataset.digest", "dataset.digest: no version of '" + spec.dataset()
                                + "' has the digest " + spec.digest().get()));
            }
            if (spec.version().isPresent()) {
                return datasets.version(spec.dataset(), spec.version().getAsInt());
            }
            List<DatasetVersion> versions = datasets.versions(spec.dataset());
            return versions.stream().max(java.util.Comparator.comparingInt(DatasetVersion::version))
                    .orElseThrow(() -> StewardException.invalid("dataset.name", "dataset.name: '" + spec.dataset() + "' has no versions"));
        } catch (StewardException e) {
            if (e.code() == dev.steward.spi.ErrorCode.RESOURCE_DOES_NOT_EXIST) {
                throw StewardException.invalid("dataset", "dataset: " + e.getMessage());
            }
            throw e;
        }
    }

    @Override
    public Outcome run(JobContext context) throws Exception {
        TrainingSpec spec = parser.parse(context.spec());
        DatasetVersion version = datasets.requireUsable(context.caller(), version(spec), "training", spec.overrideReason());
        TrainingPlan plan = TrainingPlan.resolve(spec, version);
        checkMemory(context, plan);
        String runId = context.run().info().runId();
        context.tracking().logInputs(context.caller(), runId, List.of(new DatasetInput(version.datasetName(), version.sha256(), "steward",
                "steward:dataset/" + version.datasetName() + "/" + version.version(), Optional.empty(), Optional.empty(),
                List.of(new KeyValue("mlflow.data.context", "training")), Optional.of(version.id()))));
        context.tracking().logBatch(context.caller(), runId, List.of(), params(spec, version), List.of(new KeyValue("steward.model.algorithm",
                spec.algorithm()), new KeyValue("steward.model.task", spec.task().wireName())));

        Map<String, Boolean> columns = new LinkedHashMap<>();
        plan.features().forEach(f -> columns.put(f.name(), f.categorical()));
        columns.put(plan.target().name(), spec.task().classification());
        TrainingTable table = new TrainingTable(columns, version.rowCount());
        List<ColumnSummary> read = version.columns().stream().filter(c -> columns.containsKey(c.name())).toList();
        context.log("reading " + read.size() + " columns of " + version.rowCount() + " rows from " + version.datasetName() + " version " + version.version());
        long started = System.nanoTime();
        datasets.scan(version, read, table);
        context.log(String.format("read in %.2f s", (System.nanoTime() - started) / 1e9));

        Target target = target(spec, table, plan.target().name());
        if (target.rows().length < 2) {
            throw new JobFailure("the target '" + plan.target().name() + "' has fewer than 2 rows with a value");
        }
        if (target.dropped() > 0) {
            context.log("left out " + target.dropped() + " rows whose target is missing");
        }
        Map<String, Double> metrics;
        int[] finalRows;
        int[] validationRows;
        if (spec.split().crossValidation()) {
            metrics = crossValidate(context, plan, table, target);
            finalRows = target.rows();
            validationRows = target.rows();
        } else {
            int[][] parts = holdout(spec, target);
            finalRows = parts[0];
            validationRows = parts[1];
            metrics = null;
        }
        context.log("training " + spec.algorithm() + " on " + finalRows.length + " rows, validating on " + validationRows.length);
        started = System.nanoTime();
        Fit fit = fit(context, plan, table, target, finalRows, validationRows, true);
        context.log(String.format("preprocessed, trained and scored in %.2f s (training itself: %.2f s)",
                (System.nanoTime() - started) / 1e9, fit.trainingSeconds()));
        started = System.nanoTime();
        if (metrics == null) {
            metrics = fit.metrics();
        }
        List<Metric> logged = new ArrayList<>();
        long now = System.currentTimeMillis();
        metrics.forEach((k, v) -> logged.add(new Metric(k, v, now, 0)));
        context.tracking().logBatch(context.caller(), runId, logged, List.of(), List.of());

        ObjectNode manifest = ModelPackage.manifest(plan, fit.columns(), target.classes(), fit.model(), metrics, finalRows.length, context.spec());
        String dir = ModelPackage.DIRECTORY + "/";
        context.tracking().putRunArtifact(context.caller(), runId, dir + ModelPackage.ONNX, new ByteArrayInputStream(fit.model().onnx()), Long.MAX_VALUE);
        context.tracking().putRunArtifact(context.caller(), runId, dir + ModelPackage.NATIVE, new ByteArrayInputStream(fit.model().nativeModel()),
                Long.MAX_VALUE);
        context.tracking().putRunArtifact(context.caller(), runId, dir + ModelPackage.MANIFEST,
                new ByteArrayInputStream(ModelPackage.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest)), Long.MAX_VALUE);
        context.tracking().putRunArtifact(context.caller(), runId, "evaluation/validation_predictions.csv",
                new ByteArrayInputStream(predictionsCsv(validationRows, target.classes(), fit.model().validationScores())), Long.MAX_VALUE);
        String digest = manifest.get("model_digest").asText();
        context.tracking().logBatch(context.caller(), runId, List.of(), List.of(), List.of(new KeyValue("steward.model.digest", digest),
                new KeyValue("steward.model.format_version", Integer.toString(ModelPackage.FORMAT_VERSION)),
                new KeyValue("steward.model.package", ModelPackage.DIRECTORY)));
        context.log(String.format("model %s packaged in %s in %.2f s; %s = %s", digest, dir, (System.nanoTime() - started) / 1e9,
                spec.metric().name(), metrics.get(spec.metric().name())));
        return Outcome.DONE;
    }

    /**
     * The trainer's own predictions on the validation rows, by row number in the dataset version
     * (from 0): the evidence behind the logged metrics, and what the ONNX graph must reproduce.
     */
    private static byte[] predictionsCsv(int[] rows, List<String> classes, double[][] scores) {
        StringBuilder csv = new StringBuilder("row");
        if (classes.isEmpty()) {
            csv.append(",prediction");
        } else {
            csv.append(",label");
            classes.forEach(c -> csv.append(",").append(quote("p(" + c + ")")));
        }
        csv.append('\n');
        for (int i = 0; i < rows.length; i++) {
            csv.append(rows[i]);
            if (classes.isEmpty()) {
                csv.append(',').append(scores[i][0]);
            } else {
                csv.append(',').append(quote(classes.get(Evaluation.argmax(new double[][] {scores[i]})[0])));
                for (double p : scores[i]) {
                    csv.append(',').append(p);
                }
            }
            csv.append('\n');
        }
        return csv.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String quote(String text) {
        return text.matches("[^,\"\r\n]*") ? text : "\"" + text.replace("\"", "\"\"") + "\"";
    }

    private static List<KeyValue> params(TrainingSpec spec, DatasetVersion version) {
        List<KeyValue> params = new ArrayList<>();
        params.add(new KeyValue("algorithm", spec.algorithm()));
        params.add(new KeyValue("task", spec.task().wireName()));
        params.add(new KeyValue("target", spec.target()));
        params.add(new KeyValue("dataset", version.datasetName() + "@" + version.version()));
        params.add(new KeyValue("seed", Long.toString(spec.seed())));
        params.add(new KeyValue("split", spec.split().crossValidation() ? spec.split().folds() + "-fold" : "holdout " + spec.split().holdout()));
        new TreeMap<>(spec.hyperparameters()).forEach((k, v) -> params.add(new KeyValue(k, v.toString())));
        return params;
    }

    private void checkMemory(JobContext context, TrainingPlan plan) throws JobFailure {
        long cells = plan.version().rowCount() * (plan.estimatedFeatureCount() + 1);
        long estimate = cells * BYTES_PER_CELL + (64L << 20);
        long estimateMb = estimate >> 20;
        long limitMb = plan.spec().guardrails().maxMemoryMb();
        context.log("memory estimate: " + estimateMb + " MB (" + plan.version().rowCount() + " rows x " + plan.estimatedFeatureCount()
                + " features)" + (limitMb > 0 ? "; limit " + limitMb + " MB" : ""));
        if (limitMb > 0 && estimateMb > limitMb) {
            throw new JobFailure("the memory estimate of " + estimateMb + " MB exceeds guardrails.max_memory_mb = " + limitMb
                    + "; train on fewer rows or features, or raise the limit", Optional.of("max_memory_mb"));
        }
    }

    /** Rows with a target, and the target as class index or value. */
    private record Target(int[] rows, double[] values, List<String> classes, int dropped) {
    }

    private static Target target(TrainingSpec spec, TrainingTable table, String column) {
        int n = table.rows();
        double[] values = new double[n];
        List<Integer> kept = new ArrayList<>();
        List<String> classes = List.of();
        if (spec.task().classification()) {
            String[] labels = table.strings(column);
            TreeSet<String> distinct = new TreeSet<>();
            for (String label : labels) {
                if (!label.isEmpty()) {
                    distinct.add(label);
                }
            }
            classes = List.copyOf(distinct);
            Map<String, Integer> index = new java.util.HashMap<>();
            for (int i = 0; i < classes.size(); i++) {
                index.put(classes.get(i), i);
            }
            for (int i = 0; i < n; i++) {
                if (!labels[i].isEmpty()) {
                    values[i] = index.get(labels[i]);
                    kept.add(i);
                }
            }
        } else {
            double[] raw = table.numbers(column);
            for (int i = 0; i < n; i++) {
                if (!Double.isNaN(raw[i])) {
                    values[i] = raw[i];
                    kept.add(i);
                }
            }
        }
        return new Target(kept.stream().mapToInt(Integer::intValue).toArray(), values, classes, n - kept.size());
    }

    /** A seeded split: {training rows, validation rows}, keeping each class's share when stratified. */
    private static int[][] holdout(TrainingSpec spec, Target target) {
        SplittableRandom random = new SplittableRandom(spec.seed());
        List<List<Integer>> groups = new ArrayList<>();
        if (spec.task().classification() && spec.split().stratify()) {
            for (int k = 0; k < target.classes().size(); k++) {
                groups.add(new ArrayList<>());
            }
            for (int row : target.rows()) {
                groups.get((int) target.values()[row]).add(row);
            }
        } else {
            groups.add(Arrays.stream(target.rows()).boxed().toList());
        }
        List<Integer> train = new ArrayList<>();
        List<Integer> validation = new ArrayList<>();
        for (List<Integer> group : groups) {
            int[] rows = shuffled(group, random);
            int take = (int) Math.round(rows.length * spec.split().holdout());
            if (rows.length >= 2) {
                take = Math.max(1, Math.min(rows.length - 1, take));
            }
            for (int i = 0; i < rows.length; i++) {
                (i < take ? validation : train).add(rows[i]);
            }
        }
        return new int[][] {train.stream().mapToInt(Integer::intValue).sorted().toArray(), validation.stream().mapToInt(Integer::intValue).sorted().toArray()};
    }

    private static int[] shuffled(List<Integer> rows, SplittableRandom random) {
        int[] a = rows.stream().mapToInt(Integer::intValue).toArray();
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    private Map<String, Double> crossValidate(JobContext context, TrainingPlan plan, TrainingTable table, Target target) throws Exception {
        TrainingSpec spec = plan.spec();
        int[] order = shuffled(Arrays.stream(target.rows()).boxed().toList(), new SplittableRandom(spec.seed()));
        int k = spec.split().folds();
        if (order.length < k) {
            throw new JobFailure(k + "-fold cross-validation needs at least " + k + " rows with a target; there are " + order.length);
        }
        int[] assignment;
        if (spec.task().classification() && spec.split().stratify()) {
            int[] labels = Arrays.stream(order).map(r -> (int) target.values()[r]).toArray();
            assignment = Folds.stratified(labels, k);
        } else {
            assignment = Folds.kFold(order.length, k);
        }
        Map<String, double[]> perFold = new LinkedHashMap<>();
        for (int fold = 0; fold < k; fold++) {
            final int f = fold;
            int[] train = java.util.stream.IntStream.range(0, order.length).filter(i -> assignment[i] != f).map(i -> order[i]).sorted().toArray();
            int[] test = java.util.stream.IntStream.range(0, order.length).filter(i -> assignment[i] == f).map(i -> order[i]).sorted().toArray();
            context.log("fold " + (fold + 1) + "/" + k + ": training on " + train.length + " rows, scoring " + test.length);
            Map<String, Double> metrics = fit(context, plan, table, target, train, test, false).metrics();
            for (Map.Entry<String, Double> e : metrics.entrySet()) {
                perFold.computeIfAbsent(e.getKey(), x -> new double[k])[fold] = e.getValue();
            }
        }
        Map<String, Double> summary = new LinkedHashMap<>();
        perFold.forEach((name, values) -> {
            CrossValidationScore score = CrossValidationScore.of(values);
            summary.put(name, score.mean());
            summary.put(name + "_std", score.std());
        });
        return summary;
    }

    private record Fit(List<FittedColumn> columns, TrainedModel model, Map<String, Double> metrics, double trainingSeconds) {
    }

    private Fit fit(JobContext context, TrainingPlan plan, TrainingTable table, Target target, int[] trainRows, int[] validationRows, boolean logIterations)
            throws Exception {
        TrainingSpec spec = plan.spec();
        List<FittedColumn> fitted = Preprocessor.fit(plan.features(), table, trainRows);
        double[][] x = Preprocessor.transform(fitted, table, trainRows);
        double[][] xv = Preprocessor.transform(fitted, table, validationRows);
        double[] y = Arrays.stream(trainRows).mapToDouble(r -> target.values()[r]).toArray();
        double[] yv = Arrays.stream(validationRows).mapToDouble(r -> target.values()[r]).toArray();
        int classes = target.classes().size();
        double baseline = baselineLoss(spec.task().classification(), y, yv, classes);
        AtomicReference<String> diverged = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        String runId = context.run().info().runId();
        int after = spec.guardrails().divergenceAfter();
        TrainingRequest.IterationListener listener = (step, metrics) -> {
            if (logIterations) {
                long now = System.currentTimeMillis();
                List<Metric> logged = new ArrayList<>();
                metrics.forEach((k, v) -> logged.add(new Metric(k, v, now, step)));
                context.tracking().logBatch(context.caller(), runId, logged, List.of(), List.of());
            }
            for (Map.Entry<String, Double> m : metrics.entrySet()) {
                if (!Double.isFinite(m.getValue())) {
                    diverged.compareAndSet(null, "the " + m.getKey().replace('_', ' ') + " is " + m.getValue() + " at iteration " + step);
                    stop.set(true);
                    return false;
                }
            }
            Double loss = metrics.get("validation_loss");
            if (loss != null && after > 0 && step >= after && loss > baseline) {
                diverged.compareAndSet(null, "the validation loss is " + loss + " at iteration " + step + ", worse than the baseline's " + baseline);
                stop.set(true);
                return false;
            }
            return !context.cancelled();
        };
        TrainingRequest request = new TrainingRequest(spec.task(), spec.algorithm(), spec.hyperparameters(), spec.seed(), fitted, target.classes(),
                Preprocessor.featureNames(fitted), x, y, xv, yv, spec.guardrails().maxMemoryMb(), listener, () -> stop.get() || context.cancelled());
        TrainedModel model;
        long trainingStarted = System.nanoTime();
        try {
            model = trainWithin(context, spec, request, stop);
        } catch (StewardException | JobFailure e) {
            if (diverged.get() == null) {
                throw e;
            }
            model = null;
        }
        if (diverged.get() != null) {
            throw new JobFailure("stopped: " + diverged.get() + " (the divergence guardrail)", Optional.of("divergence"));
        }
        double[][] scores = model.validationScores();
        double loss = Evaluation.loss(spec.task().classification(), yv, scores, classes);
        if (!Double.isFinite(loss) || (after > 0 && loss > baseline)) {
            throw new JobFailure("stopped: the validation loss is " + loss + (Double.isFinite(loss) ? ", worse than the baseline's " + baseline : "")
                    + " (the divergence guardrail)", Optional.of("divergence"));
        }
        Map<String, Double> metrics;
        if (spec.task().classification()) {
            int[] labels = Arrays.stream(yv).mapToInt(v -> (int) v).toArray();
            metrics = Evaluation.classification(labels, scores, classes);
        } else {
            metrics = Evaluation.regression(yv, Arrays.stream(scores).mapToDouble(s -> s[0]).toArray());
        }
        metrics.put("baseline_loss", baseline);
        return new Fit(fitted, model, metrics, (System.nanoTime() - trainingStarted) / 1e9);
    }

    /** The loss of always predicting the training rows' class shares (log loss) or mean (squared error). */
    private static double baselineLoss(boolean classification, double[] y, double[] yv, int classes) {
        double[][] scores = new double[yv.length][];
        double[] prior = new double[classification ? classes : 1];
        for (double v : y) {
            if (classification) {
                prior[(int) v] += 1.0 / y.length;
            } else {
                prior[0] += v / y.length;
            }
        }
        Arrays.fill(scores, prior);
        return Evaluation.loss(classification, yv, scores, classes);
    }

    private TrainedModel trainWithin(JobContext context, TrainingSpec spec, TrainingRequest request, AtomicBoolean stop) throws Exception {
        long limit = spec.guardrails().maxWallTimeSeconds();
        long deadline = limit > 0 ? System.nanoTime() + TimeUnit.SECONDS.toNanos(limit) : Long.MAX_VALUE;
        String guardrail = "max_wall_time_seconds";
        long notAfter = spec.guardrails().notAfter();
        if (notAfter > 0) {
            long left = notAfter - System.currentTimeMillis();
            if (left <= 0) {
                throw new JobFailure("the sweep's max_wall_time_seconds passed before this trial could start", Optional.of("sweep max_wall_time_seconds"));
            }
            long sweepDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(left);
            if (sweepDeadline < deadline) {
                deadline = sweepDeadline;
                guardrail = "sweep max_wall_time_seconds";
            }
        }
        long started = System.nanoTime();
        Future<TrainedModel> future = training.submit(() -> trainer.train(request));
        while (true) {
            try {
                return future.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (context.cancelled()) {
                    stop.set(true);
                    future.cancel(true);
                    throw new JobFailure("cancelled while training");
                }
                if (System.nanoTime() > deadline) {
                    stop.set(true);
                    future.cancel(true);
                    throw new JobFailure("stopped after " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + " s: the " + guardrail
                            + " guardrail", Optional.of(guardrail));
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof StewardException s) {
                    throw s;
                }
                throw new JobFailure("training failed: " + e.getCause());
            }
        }
    }
}
