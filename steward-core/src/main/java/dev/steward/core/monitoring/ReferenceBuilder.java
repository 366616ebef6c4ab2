package dev.steward.core.monitoring;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.core.eval.ProbabilityCalibration;
import dev.steward.core.serving.DeploymentDirectory;
import dev.steward.core.serving.DeploymentSpec;
import dev.steward.core.serving.DeploymentState;
import dev.steward.core.serving.ModelSource;
import dev.steward.core.stats.Mahalanobis;
import dev.steward.core.stats.Moments;
import dev.steward.core.stats.QuantileBins;
import dev.steward.core.training.ModelSignature;
import dev.steward.core.training.PackageScorer;
import dev.steward.core.training.TensorFeed;
import dev.steward.spi.ErrorCategory;
import dev.steward.spi.StewardException;
import dev.steward.spi.data.ColumnSummary;
import dev.steward.spi.data.ColumnType;
import dev.steward.spi.data.DatasetVersion;
import dev.steward.spi.serving.ModelRuntime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * Checks a monitor against its deployment and reference and builds the {@link Reference}: the
 * {@code prepare} step of {@link LiveMonitorEngine}. Every refusal is a 4xx naming the field of the
 * monitor to change. Thread-safe.
 */
final class ReferenceBuilder {
    private final ReferenceTables tables;
    private final DeploymentDirectory deployments;
    private final ServedVersions served;
    private final ModelRuntime runtime;

    ReferenceBuilder(ReferenceTables tables, DeploymentDirectory deployments, ServedVersions served, ModelRuntime runtime) {
        this.tables = requireNonNull(tables, "tables is null");
        this.deployments = requireNonNull(deployments, "deployments is null");
        this.served = requireNonNull(served, "served is null");
        this.runtime = requireNonNull(runtime, "runtime is null");
    }

    Reference build(String deployment, MonitorSpec spec) {
        requireNonNull(deployment, "deployment is null");
        requireNonNull(spec, "spec is null");
        DeploymentState state = deployments.current().get(deployment);
        if (state == null) {
            throw StewardException.invalid("deployment", "no deployment named '" + deployment + "'; a monitor watches an existing deployment");
        }
        DeploymentSpec.ServedVersion primary = ServedVersions.primary(state.spec());
        ModelSource.ServablePackage fetched = null;
        Map<String, ModelSignature> signatures = new LinkedHashMap<>();
        for (DeploymentSpec.ServedVersion v : state.spec().versions()) {
            String key = ServedVersions.key(v.model(), v.version());
            try {
                if (v == primary) {
                    fetched = served.fetch(v.model(), v.version());
                    signatures.put(key, ModelSignature.of(fetched.pkg().manifest()));
                } else {
                    signatures.put(key, served.signature(v.model(), v.version()));
                }
            } catch (StewardException e) {
                throw StewardException.invalid("deployment", "deployment '" + deployment + "' serves " + key + ", whose package cannot be used: "
                        + e.getMessage());
            }
        }
        ModelSource.ServablePackage primaryPackage = fetched;
        String primaryKey = ServedVersions.key(primary.model(), primary.version());
        ModelSignature signature = signatures.get(primaryKey);

        List<String> features = spec.features().isEmpty() ? inputColumns(signature) : spec.features();
        Map<String, Boolean> featureNumeric = new LinkedHashMap<>();
        for (String feature : features) {
            for (Map.Entry<String, ModelSignature> version : signatures.entrySet()) {
                Optional<ModelSignature.Input> input = inputOf(version.getValue(), feature);
                if (input.isEmpty()) {
                    throw StewardException.invalid("features", "'" + feature + "' is not an input column of " + version.getKey() + ", which deployment '"
                            + deployment + "' serves; its input columns are " + inputColumns(version.getValue()));
                }
                boolean numeric = !TensorFeed.readsText(input.get().datatype());
                Boolean before = featureNumeric.put(feature, numeric);
                if (before != null && before != numeric) {
                    throw StewardException.invalid("features", "the served versions read '" + feature + "' differently (as numbers and as text),"
                            + " so one monitor cannot compare it; leave it out of features");
                }
            }
        }

        MonitorSpec.Reference ref = spec.reference().orElseGet(() -> trainingData(primaryPackage.pkg().manifest(), primaryKey));
        if (!tables.exists(ref.dataset())) {
            throw StewardException.invalid("reference.dataset", "no dataset named '" + ref.dataset() + "' to be the monitor's reference"
                    + (spec.reference().isEmpty() ? " (the training data " + primaryKey + " records)" : ""));
        }
        DatasetVersion version = tables.version(ref.dataset(), ref.version()).orElseThrow(() -> StewardException.invalid("reference.version",
                "dataset '" + ref.dataset() + "' has no version " + ref.version() + " to be the monitor's reference"));
        String where = ref.dataset() + " version " + ref.version();
        if (!version.status().equals(DatasetVersion.ACTIVE)) {
            throw StewardException.invalid("reference.version", where + " is " + version.status() + "; release it, or choose another reference");
        }
        Map<String, ColumnType> schema = new LinkedHashMap<>();
        version.columns().forEach(c -> schema.put(c.name(), c.type()));
        for (String feature : features) {
            ColumnType type = schema.get(feature);
            if (type == null) {
                throw StewardException.invalid("features", "the reference " + where + " has no column '" + feature + "'; its columns are "
                        + schema.keySet());
            }
            for (Map.Entry<String, ModelSignature> v : signatures.entrySet()) {
                ModelSignature.Input input = inputOf(v.getValue(), feature).orElseThrow();
                if (!ModelSignature.takes(input.datatype(), type)) {
                    throw StewardException.invalid("reference", "in the reference " + where + " '" + feature + "' is "
                            + type.name().toLowerCase(Locale.ROOT) + ", which " + v.getKey() + "'s input " + input.name() + " (" + input.datatype()
                            + ") cannot take");
                }
            }
        }
        Map<String, Boolean> read;
        try {
            read = new LinkedHashMap<>(signature.columnsToRead(schema, "the reference " + where));
        } catch (StewardException e) {
            throw StewardException.invalid("reference", e.getMessage() + ", so the monitor cannot score it through " + primaryKey);
        }
        Optional<String> target = signature.target().filter(schema::containsKey);
        if (target.isPresent() && read.containsKey(target.get())) {
            target = Optional.empty(); // a target that is also an input cannot be the truth
        }
        target.ifPresent(t -> read.put(t, signature.classification()));
        if (version.rowCount() < 2) {
            throw StewardException.invalid("reference", "the reference " + where + " has " + version.rowCount() + " rows; a reference needs at least 2");
        }
        long seed = spec.multivariate().seed();
        SampledTable table = new SampledTable(read, version.rowCount(), Reference.MAX_ROWS, seed);
        List<ColumnSummary> columns = version.columns().stream().filter(c -> read.containsKey(c.name())).toList();
        tables.scan(version, columns, table);
        table.checkComplete("the reference " + where);
        int n = table.rows();

        List<Reference.Feature> built = new ArrayList<>();
        for (String feature : features) {
            built.add(feature(feature, featureNumeric.get(feature), schema.get(feature), table, where));
        }

        // The reference through the primary version.
        double[] scores = score(signature, primaryPackage.graph(), table, primaryKey);
        List<String> classes = signature.classification() ? signature.classes() : List.of();
        Map<String, Long> predicted = new TreeMap<>();
        double[] values = new double[0];
        Map<String, Long> truth = new TreeMap<>();
        Optional<ProbabilityCalibration> calibration = Optional.empty();
        if (signature.classification()) {
            int c = classes.size();
            for (int r = 0; r < n; r++) {
                int best = 0;
                for (int k = 1; k < c; k++) {
                    if (scores[r * c + k] > scores[r * c + best]) {
                        best = k;
                    }
                }
                predicted.merge(classes.get(best), 1L, Long::sum);
            }
            if (target.isPresent()) {
                String[] labels = table.strings(target.get());
                List<Integer> labelled = new ArrayList<>();
                for (int r = 0; r < n; r++) {
                    if (classes.contains(labels[r])) {
                        truth.merge(labels[r], 1L, Long::sum);
                        labelled.add(r);
                    }
                }
                calibration = calibration(classes, scores, labels, labelled, c);
            }
        } else {
            values = Arrays.stream(scores).filter(Double::isFinite).sorted().toArray();
        }

        // Outliers: Mahalanobis on the numeric features; the default threshold from the reference's own scores.
        int[] numeric = IntStream.range(0, built.size()).filter(f -> built.get(f).numeric()).toArray();
        Optional<Mahalanobis> mahalanobis = Optional.empty();
        double quantile = 0;
        if (numeric.length > 0) {
            double[][] rows = new double[n][numeric.length];
            for (int i = 0; i < numeric.length; i++) {
                double[] column = table.numbers(features.get(numeric[i]));
                for (int r = 0; r < n; r++) {
                    rows[r][i] = Double.isFinite(column[r]) ? column[r] : Double.NaN;
                }
            }
            try {
                mahalanobis = Optional.of(Mahalanobis.fit(rows));
            } catch (IllegalArgumentException e) {
                throw StewardException.invalid("reference", "the reference " + where + " gives no outlier model of its numeric features: " + e.getMessage()
                        + "; turn outliers off or choose another reference");
            }
            double[] own = new double[n];
            for (int r = 0; r < n; r++) {
                own[r] = mahalanobis.get().distance(rows[r]);
            }
            Arrays.sort(own);
            quantile = QuantileBins.quantile(own, Reference.OUTLIER_QUANTILE);
        }

        Reference draft = new Reference(ref.dataset(), ref.version(), version.rowCount(), n, primaryKey, signature.classification(), classes, built,
                mahalanobis, quantile, new double[0][0], predicted, values, truth, calibration);
        double[][] mmd = new double[0][0];
        if (spec.multivariate().enabled()) {
            mmd = mmdSample(draft, table, features, Math.min(n, spec.multivariate().sample()), seed);
        }
        return new Reference(ref.dataset(), ref.version(), version.rowCount(), n, primaryKey, signature.classification(), classes, built,
                mahalanobis, quantile, mmd, predicted, values, truth, calibration);
    }

    /** Every column the signature's inputs read, in input order, each once. */
    private static List<String> inputColumns(ModelSignature signature) {
        LinkedHashSet<String> columns = new LinkedHashSet<>();
        signature.inputs().forEach(i -> columns.addAll(i.columns()));
        return List.copyOf(columns);
    }

    private static Optional<ModelSignature.Input> inputOf(ModelSignature signature, String column) {
        return signature.inputs().stream().filter(i -> i.columns().contains(column)).findFirst();
    }

    /** The training data the package of the primary version records: the default reference. */
    private static MonitorSpec.Reference trainingData(JsonNode manifest, String version) {
        JsonNode data = manifest.path("training_data").path(0);
        if (!data.path("dataset").isTextual() || !data.path("version").canConvertToInt() || data.path("version").asInt() < 1) {
            throw StewardException.invalid("reference", "the package of " + version + " records no training dataset version; name the reference"
                    + " (reference.dataset and reference.version)");
        }
        return new MonitorSpec.Reference(data.get("dataset").asText(), data.get("version").asInt());
    }

    private static Reference.Feature feature(String name, boolean numeric, ColumnType type, SampledTable table, String where) {
        int n = table.rows();
        if (numeric) {
            double[] column = table.numbers(name);
            double[] finite = Arrays.stream(column).filter(Double::isFinite).sorted().toArray();
            if (finite.length == 0) {
                throw StewardException.invalid("reference", "'" + name + "' has no values in the reference " + where + ", so nothing to compare with;"
                        + " leave it out of features or choose another reference");
            }
            double mean = Arrays.stream(finite).sum() / finite.length;
            return new Reference.Feature(name, true, type, finite, mean, Moments.populationStd(finite), Map.of(), n - finite.length);
        }
        String[] column = table.strings(name);
        Map<String, Long> counts = new HashMap<>();
        long missing = 0;
        for (String v : column) {
            if (v.isEmpty()) {
                missing++;
            } else {
                counts.merge(v, 1L, Long::sum);
            }
        }
        if (counts.isEmpty()) {
            throw StewardException.invalid("reference", "'" + name + "' has no values in the reference " + where + ", so nothing to compare with;"
                    + " leave it out of features or choose another reference");
        }
        return new Reference.Feature(name, false, type, new double[0], 0, 0, counts, missing);
    }

    private double[] score(ModelSignature signature, byte[] graph, SampledTable table, String version) {
        int[] all = IntStream.range(0, table.rows()).toArray();
        try (ModelRuntime.LoadedModel loaded = runtime.load(graph)) {
            return new PackageScorer(signature, loaded).score(table, all, all.length);
        } catch (StewardException e) {
            if (e.code().category() == ErrorCategory.USER) {
                throw StewardException.invalid("reference", "the reference cannot be scored through " + version + ": " + e.getMessage());
            }
            throw e;
        }
    }

    private static Optional<ProbabilityCalibration> calibration(List<String> classes, double[] scores, String[] labels, List<Integer> labelled,
            int c) {
        if (labelled.isEmpty()) {
            return Optional.empty();
        }
        double[][] probabilities = new double[labelled.size()][];
        String[] truth = new String[labelled.size()];
        for (int i = 0; i < labelled.size(); i++) {
            int r = labelled.get(i);
            probabilities[i] = Arrays.copyOfRange(scores, r * c, (r + 1) * c);
            truth[i] = labels[r];
        }
        return Optional.of(ProbabilityCalibration.fit(classes, probabilities, truth));
    }

    /** {@code size} rows of the reference drawn without replacement (seeded), encoded for MMD. */
    private static double[][] mmdSample(Reference reference, SampledTable table, List<String> features, int size, long seed) {
        int n = table.rows();
        int[] order = IntStream.range(0, n).toArray();
        SplittableRandom random = new SplittableRandom(seed ^ 0x6d6d64L);
        for (int i = 0; i < size; i++) {
            int j = i + random.nextInt(n - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int f = features.size();
        double[][] sample = new double[size][];
        double[] numbers = new double[f];
        String[] texts = new String[f];
        for (int i = 0; i < size; i++) {
            int r = order[i];
            for (int k = 0; k < f; k++) {
                Reference.Feature feature = reference.features.get(k);
                numbers[k] = feature.numeric() ? table.numbers(feature.name())[r] : Double.NaN;
                texts[k] = feature.numeric() ? "" : table.strings(feature.name())[r];
            }
            sample[i] = reference.encode(numbers, texts);
        }
        return sample;
    }
}
