package dev.steward.core.feasibility;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.core.data.DatasetService;
import dev.steward.core.tracking.TrackingLimits;
import dev.steward.core.tracking.TrackingService;
import dev.steward.spi.Caller;
import dev.steward.spi.StewardException;
import dev.steward.spi.data.ColumnSummary;
import dev.steward.spi.data.DatasetVersion;
import dev.steward.spi.tracking.DatasetInput;
import dev.steward.spi.tracking.KeyValue;
import dev.steward.spi.tracking.Metric;
import dev.steward.spi.tracking.Run;
import dev.steward.spi.tracking.RunStatus;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Feasibility studies of dataset versions: before anything is trained, how well can the features
 * of a version predict its target at all? Reads a sample of the version's rows (at most
 * {@code max_rows}, drawn with the seed), runs a {@link FeasibilityStudy} (Bayes error bounds from
 * 1-NN over candidate feature transformations chosen by successive halving, FeeBee's self-check,
 * a learning curve) and keeps the result as a tracking run in the experiment
 * {@code feasibility/<dataset>}: the study's settings as params, its estimates as metrics, the
 * version as input (context {@code feasibility}) and the report as {@code feasibility.json}.
 * A quarantined version needs an override reason (audited). Thread-safe.
 */
public final class FeasibilityService {
    public static final String DATASET_TAG = "steward.feasibility.dataset";
    public static final String DATASET_DIGEST_TAG = "steward.feasibility.dataset_sha256";
    public static final String TARGET_TAG = "steward.feasibility.target";
    /** {@code supported} or {@code above_ceiling} when the study was given a target accuracy. */
    public static final String VERDICT_TAG = "steward.feasibility.verdict";
    public static final String ARTIFACT = "feasibility.json";
    public static final int DEFAULT_MAX_ROWS = 20_000;
    public static final int MAX_ROWS = 200_000;
    /** Fewer labelled rows than this tell nothing about a Bayes error. */
    public static final int MIN_ROWS = 20;
    public static final int MAX_CLASSES = 1_000;
    /** A numeric target with more distinct values than this is a quantity, not a set of classes. */
    public static final int MAX_NUMERIC_CLASSES = ColumnSummary.MAX_DOMAIN;
    /** The widest encoding of the features (see {@link FeatureEncoding}) a study accepts: bounds the cost of a distance. */
    public static final int MAX_DIMENSIONS = 1_024;
    public static final long DEFAULT_SEED = 1;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_LISTED = 20;

    private final TrackingService tracking;
    private final DatasetService datasets;

    public FeasibilityService(TrackingService tracking, DatasetService datasets) {
        this.tracking = requireNonNull(tracking, "tracking is null");
        this.datasets = requireNonNull(datasets, "datasets is null");
    }

    /**
     * What to study.
     *
     * @param features the feature columns; empty for every column but the target (and the subject column)
     * @param targetAccuracy an accuracy the project promises, in (0, 1], to be checked against the data
     * @param maxRows how many rows (at most {@value #MAX_ROWS}) to sample from the version
     */
    public record Request(String dataset, int version, String target, List<String> features, OptionalDouble targetAccuracy, long seed,
            int maxRows, Optional<String> overrideReason) {
        public Request {
            requireNonNull(dataset, "dataset is null");
            requireNonNull(target, "target is null");
            features = List.copyOf(features);
            requireNonNull(targetAccuracy, "targetAccuracy is null");
            requireNonNull(overrideReason, "overrideReason is null");
        }
    }

    /** The study's report (as kept in {@value #ARTIFACT}) and the run that keeps it. */
    public record Result(String runId, ObjectNode report) {
    }

    public Result study(Caller caller, Request request) {
        requireNonNull(caller, "caller is null");
        requireNonNull(request, "request is null");
        long started = System.nanoTime();
        if (request.maxRows() < MIN_ROWS || request.maxRows() > MAX_ROWS) {
            throw StewardException.invalid("max_rows", "max_rows must be between " + MIN_ROWS + " and " + MAX_ROWS + ", got "
                    + request.maxRows());
        }
        OptionalDouble targetAccuracy = request.targetAccuracy();
        if (targetAccuracy.isPresent() && !(targetAccuracy.getAsDouble() > 0 && targetAccuracy.getAsDouble() <= 1)) {
            throw StewardException.invalid("target_accuracy", "target_accuracy is a fraction in (0, 1] (0.95 for 95%), got "
                    + targetAccuracy.getAsDouble());
        }
        if (request.dataset().isBlank()) {
            throw StewardException.invalid("dataset", "'dataset' is required: the name of the dataset to study");
        }
        if (request.version() < 1) {
            throw StewardException.invalid("version", "version must be a dataset version number (1 or more), got " + request.version());
        }
        DatasetVersion version = datasets.requireUsable(caller, datasets.version(request.dataset(), request.version()), "a feasibility study",
                request.overrideReason());
        String where = version.datasetName() + " version " + version.version();
        Map<String, ColumnSummary> columns = new LinkedHashMap<>();
        version.columns().forEach(c -> columns.put(c.name(), c));
        ColumnSummary target = target(columns, request.target(), where);
        List<ColumnSummary> features = features(columns, request.features(), target, version, where);

        Map<String, Boolean> asText = new HashMap<>();
        asText.put(target.name(), true);
        features.forEach(f -> asText.put(f.name(), !f.type().numeric()));
        SampledRows rows = SampledRows.of(asText, version.rowCount(), request.maxRows(), new Random(request.seed()));
        List<ColumnSummary> read = version.columns().stream().filter(c -> asText.containsKey(c.name())).toList();
        datasets.scan(version, read, rows);

        String[] labels = orEmpty(rows.strings(target.name()), rows.rows());
        List<Integer> labelled = new ArrayList<>();
        TreeSet<String> classNames = new TreeSet<>();
        for (int r = 0; r < labels.length; r++) {
            if (labels[r] != null) {
                labelled.add(r);
                classNames.add(labels[r]);
            }
        }
        if (labelled.size() < MIN_ROWS) {
            throw StewardException.invalid("target", where + " has " + labelled.size() + " rows with a value of '" + target.name() + "'"
                    + (rows.rows() < version.rowCount() ? " among the " + rows.rows() + " sampled" : "") + "; a feasibility study needs at"
                    + " least " + MIN_ROWS);
        }
        if (classNames.size() < 2) {
            throw StewardException.invalid("target", "'" + target.name() + "' holds one class only (" + classNames.first() + ") in the "
                    + labelled.size() + " labelled rows studied: there is nothing to predict");
        }
        List<String> classes = List.copyOf(classNames);
        Map<String, Integer> classIndex = new HashMap<>();
        classes.forEach(c -> classIndex.put(c, classIndex.size()));
        int[] y = labelled.stream().mapToInt(r -> classIndex.get(labels[r])).toArray();
        int[] counts = new int[classes.size()];
        for (int label : y) {
            counts[label]++;
        }
        if (Arrays.stream(counts).allMatch(count -> count < 2)) {
            throw StewardException.invalid("target", "every class of '" + target.name() + "' has a single row among the " + y.length
                    + " studied, so none can be held out to measure an error: is it an identifier rather than a class?");
        }
        List<FeatureColumn> featureColumns = new ArrayList<>();
        for (ColumnSummary feature : features) {
            featureColumns.add(feature.type().numeric()
                    ? new FeatureColumn.Numeric(feature.name(), pickNumbers(rows.numbers(feature.name()), labelled))
                    : new FeatureColumn.Categorical(feature.name(), pickStrings(rows.strings(feature.name()), labelled)));
        }

        FeasibilityReport report = FeasibilityStudy.run(featureColumns, y, classes.size(), request.seed());
        List<String> featureNames = features.stream().map(ColumnSummary::name).toList();
        ObjectNode json = ReportJson.of(report, new ReportJson.Context(version.datasetName(), version.version(), version.sha256(),
                target.name(), featureNames, classes, version.rowCount(), rows.rows(), labelled.size(), request.seed(), request.maxRows(),
                targetAccuracy));
        double seconds = (System.nanoTime() - started) / 1e9;
        String runId = keep(caller, version, request, report, featureNames, json, seconds);
        json.put("run_id", runId);
        return new Result(runId, json);
    }

    private static ColumnSummary target(Map<String, ColumnSummary> columns, String name, String where) {
        if (name.isBlank()) {
            throw StewardException.invalid("target", "'target' is required: the column of classes to predict");
        }
        ColumnSummary target = columns.get(name);
        if (target == null) {
            throw StewardException.invalid("target", where + " has no column '" + name + "'; its columns: " + listed(columns.keySet()));
        }
        if (target.type().numeric() && target.distinctCount() > MAX_NUMERIC_CLASSES) {
            throw StewardException.invalid("target", "'" + name + "' is numeric with " + target.distinctCount() + " distinct values: a"
                    + " feasibility study is for classification (it bounds the best accuracy any classifier can reach); choose a column"
                    + " of classes, or bin this one into at most " + MAX_NUMERIC_CLASSES + " classes first");
        }
        if (target.distinctCount() > MAX_CLASSES) {
            throw StewardException.invalid("target", "'" + name + "' has " + target.distinctCount() + " distinct values; a feasibility"
                    + " study takes at most " + MAX_CLASSES + " classes");
        }
        if (target.distinctCount() < 2) {
            throw StewardException.invalid("target", "'" + name + "' has " + target.distinctCount() + " distinct value(s) in " + where
                    + ": a classification needs at least two classes");
        }
        return target;
    }

    private static List<ColumnSummary> features(Map<String, ColumnSummary> columns, List<String> names, ColumnSummary target,
            DatasetVersion version, String where) {
        List<ColumnSummary> features = new ArrayList<>();
        if (names.isEmpty()) {
            columns.values().stream().filter(c -> !c.name().equals(target.name()) && !version.subjectColumn().equals(Optional.of(c.name())))
                    .forEach(features::add);
            if (features.isEmpty()) {
                throw StewardException.invalid("features", where + " has no column besides the target '" + target.name() + "' to predict it from");
            }
        } else {
            Set<String> seen = new HashSet<>();
            for (String name : names) {
                ColumnSummary column = columns.get(name);
                if (column == null) {
                    throw StewardException.invalid("features", where + " has no column '" + name + "'; its columns: " + listed(columns.keySet()));
                }
                if (name.equals(target.name())) {
                    throw StewardException.invalid("features", "'" + name + "' is the target; it cannot also be a feature");
                }
                if (!seen.add(name)) {
                    throw StewardException.invalid("features", "'" + name + "' is listed twice");
                }
                features.add(column);
            }
        }
        long width = features.stream().mapToLong(f -> FeatureEncoding.maxWidth(f.type().numeric(), f.distinctCount())).sum();
        if (width > MAX_DIMENSIONS) {
            throw StewardException.invalid("features", "the " + features.size() + " features may encode to " + width + " dimensions (up to"
                    + " 2 per numeric column, up to " + (FeatureEncoding.MAX_CATEGORIES + 2) + " per other column); a study takes at most "
                    + MAX_DIMENSIONS + ": choose fewer with 'features'");
        }
        return features;
    }

    /** Records the study as a finished run: params, metrics, tags, the version as input, the report as artifact. */
    private String keep(Caller caller, DatasetVersion version, Request request, FeasibilityReport report, List<String> features, ObjectNode json,
            double seconds) {
        String name = version.datasetName();
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(DATASET_TAG, name + "@" + version.version());
        tags.put(DATASET_DIGEST_TAG, version.sha256());
        tags.put(TARGET_TAG, request.target());
        request.targetAccuracy().ifPresent(t -> tags.put(VERDICT_TAG, report.supports(t) ? "supported" : "above_ceiling"));
        String runName = "feasibility-" + request.target() + "-on-" + name + "-v" + version.version();
        Run run = tracking.createRun(caller, tracking.experimentNamed(caller, "feasibility/" + name), Optional.empty(), Optional.empty(),
                tags.entrySet().stream().map(e -> new KeyValue(e.getKey(), shorten(e.getValue(), TrackingLimits.MAX_TAG_VAL_LENGTH))).toList(),
                Optional.of(shorten(runName, TrackingLimits.MAX_RUN_NAME_LENGTH)));
        String runId = run.info().runId();
        tracking.logInputs(caller, runId, List.of(new DatasetInput(name, version.sha256(), "steward", "steward:dataset/" + name + "/"
                + version.version(), Optional.empty(), Optional.empty(), List.of(new KeyValue("mlflow.data.context", "feasibility")),
                Optional.of(version.id()))));

        List<KeyValue> params = new ArrayList<>();
        params.add(new KeyValue("dataset", name + "@" + version.version()));
        params.add(new KeyValue("target", request.target()));
        params.add(new KeyValue("features", shorten(String.join(",", features), TrackingLimits.MAX_PARAM_VAL_LENGTH)));
        params.add(new KeyValue("transforms", report.candidates().stream().map(FeasibilityReport.Candidate::name).collect(Collectors.joining(","))));
        params.add(new KeyValue("selected_transform", report.estimate().transform()));
        params.add(new KeyValue("seed", Long.toString(request.seed())));
        params.add(new KeyValue("max_rows", Integer.toString(request.maxRows())));
        params.add(new KeyValue("test_share", Double.toString(FeasibilityStudy.TEST_SHARE)));
        request.targetAccuracy().ifPresent(t -> params.add(new KeyValue("target_accuracy", Double.toString(t))));

        long now = System.currentTimeMillis();
        List<Metric> metrics = new ArrayList<>();
        FeasibilityReport.Estimate estimate = report.estimate();
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("ber_lower", estimate.berLower());
        values.put("ber_upper", estimate.berUpper());
        values.put("knn_error", estimate.knnError());
        values.put("max_accuracy", estimate.maxAccuracy());
        values.put("feebee_behaves", report.noise().behaves() ? 1.0 : 0.0);
        values.put("knn_accuracy_at_2x", 1 - report.curve().knnErrorAt2x());
        values.put("knn_accuracy_at_10x", 1 - report.curve().knnErrorAt10x());
        values.put("max_accuracy_at_10x", 1 - report.curve().berLowerAt10x());
        values.put("classes", (double) report.classes());
        values.put("train_rows", (double) report.trainRows());
        values.put("test_rows", (double) report.testRows());
        values.put("study_seconds", seconds);
        request.targetAccuracy().ifPresent(t -> values.put("target_supported", report.supports(t) ? 1.0 : 0.0));
        values.forEach((k, v) -> metrics.add(new Metric(k, v, now, 0)));
        // Curves as metric histories, so that MLflow's UIs plot them: noise level in percent, training size.
        for (FeasibilityReport.NoiseLevel level : report.noise().levels()) {
            metrics.add(new Metric("feebee_ber_lower", level.berLower(), now, Math.round(100 * level.rho())));
            metrics.add(new Metric("feebee_knn_error", level.knnError(), now, Math.round(100 * level.rho())));
        }
        for (FeasibilityReport.Evaluation point : report.curve().points()) {
            metrics.add(new Metric("curve_knn_error", point.knnError(), now, point.trainRows()));
        }
        tracking.logBatch(caller, runId, metrics, params, List.of());
        try {
            tracking.putRunArtifact(caller, runId, ARTIFACT, new ByteArrayInputStream(JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(json)), Long.MAX_VALUE);
        } catch (JsonProcessingException e) {
            throw StewardException.internal("writing " + ARTIFACT, e);
        }
        tracking.updateRun(caller, runId, Optional.of(RunStatus.FINISHED), Optional.of(System.currentTimeMillis()), Optional.empty());
        return runId;
    }

    private static double[] pickNumbers(double[] values, List<Integer> rows) {
        double[] out = new double[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values == null ? Double.NaN : values[rows.get(i)];
        }
        return out;
    }

    private static String[] pickStrings(String[] values, List<Integer> rows) {
        String[] out = new String[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values == null ? null : values[rows.get(i)];
        }
        return out;
    }

    private static String[] orEmpty(String[] values, int rows) {
        return values == null ? new String[rows] : values;
    }

    private static String listed(Set<String> names) {
        return names.stream().limit(MAX_LISTED).collect(Collectors.joining(", ")) + (names.size() > MAX_LISTED ? ", ... (" + names.size()
                + " columns)" : "");
    }

    private static String shorten(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max - 3) + "...";
    }
}
