package dev.steward.core.monitoring;

import static java.util.Objects.requireNonNull;

import dev.steward.core.stats.MultipleTesting;
import dev.steward.spi.StewardException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A monitor of one deployment, as declared in YAML or JSON (see {@code docs/monitoring.md}; parsed
 * by {@code MonitorSpecs}): what to compare the live traffic with, over which windows, with which
 * tests and thresholds, and what to do when an alert fires. Every field has a default, so
 * {@code {}} is a valid monitor. Values are checked here; errors name the field.
 *
 * @param reference the dataset version live traffic is compared with; empty: the training data
 *     version recorded in the package of the deployment's primary version
 * @param features the input columns to watch; empty: every input column of the model
 */
public record MonitorSpec(Optional<Reference> reference, Window window, List<String> features, Drift drift, Multivariate multivariate,
        Outliers outliers, Performance performance, Schedule schedule, List<AlertRule> alerts) {
    public static final MonitorSpec DEFAULTS = new MonitorSpec(Optional.empty(), Window.DEFAULTS, List.of(), Drift.DEFAULTS,
            Multivariate.DEFAULTS, Outliers.DEFAULTS, Performance.DEFAULTS, Schedule.DEFAULTS, List.of());
    public static final int MAX_FEATURES = 1_000;
    public static final int MAX_ALERTS = 100;

    public MonitorSpec {
        requireNonNull(reference, "reference is null");
        requireNonNull(window, "window is null");
        features = List.copyOf(features);
        requireNonNull(drift, "drift is null");
        requireNonNull(multivariate, "multivariate is null");
        requireNonNull(outliers, "outliers is null");
        requireNonNull(performance, "performance is null");
        requireNonNull(schedule, "schedule is null");
        alerts = List.copyOf(alerts);
        if (features.size() > MAX_FEATURES) {
            throw StewardException.invalid("features", "a monitor watches at most " + MAX_FEATURES + " features, not " + features.size());
        }
        if (features.stream().distinct().count() != features.size()) {
            throw StewardException.invalid("features", "features lists a column twice");
        }
        if (alerts.size() > MAX_ALERTS) {
            throw StewardException.invalid("alerts", "a monitor has at most " + MAX_ALERTS + " alert rules, not " + alerts.size());
        }
        if (alerts.stream().map(AlertRule::name).distinct().count() != alerts.size()) {
            throw StewardException.invalid("alerts", "two alert rules have the same name");
        }
    }

    /** A dataset version by name and number. */
    public record Reference(String dataset, int version) {
        public Reference {
            requireNonNull(dataset, "dataset is null");
            if (dataset.isBlank()) {
                throw StewardException.invalid("reference.dataset", "reference.dataset is empty: name a dataset");
            }
            if (version < 1) {
                throw StewardException.invalid("reference.version", "reference.version must be 1 or more, not " + version);
            }
        }
    }

    /**
     * Tumbling windows over the request log: of {@code requests} rows (a request of several rows
     * counts each), or of {@code duration} by the time requests were received.
     *
     * @param minRows a closed window with fewer rows is reported as too small and tests nothing
     */
    public record Window(WindowKind kind, long requests, Duration duration, long minRows) {
        public static final long MAX_REQUESTS = 100_000_000;
        public static final Window DEFAULTS = new Window(WindowKind.REQUESTS, 1_000, Duration.ZERO, 30);

        public Window {
            requireNonNull(kind, "kind is null");
            requireNonNull(duration, "duration is null");
            if (kind == WindowKind.REQUESTS && (requests < 10 || requests > MAX_REQUESTS)) {
                throw StewardException.invalid("window.requests", "window.requests must be between 10 and " + MAX_REQUESTS + ", not " + requests);
            }
            if (kind == WindowKind.TIME && (duration.compareTo(Duration.ofSeconds(1)) < 0 || duration.compareTo(Duration.ofDays(31)) > 0)) {
                throw StewardException.invalid("window.duration", "window.duration must be between 1s and 31d, not " + duration);
            }
            if (minRows < 1) {
                throw StewardException.invalid("window.min-rows", "window.min-rows must be 1 or more, not " + minRows);
            }
        }
    }

    public enum WindowKind { REQUESTS, TIME }

    /**
     * Per-feature drift. Windows of fewer than {@code largeWindow} rows are tested (KS for numbers,
     * chi-squared for categories; p-values corrected across the features; a feature drifted when
     * its corrected p-value is below {@code alpha}); larger ones, where any test rejects on a
     * negligible change, are judged on distances: the normalised Wasserstein distance for numbers
     * and the Jensen–Shannon distance for categories against their thresholds. PSI is reported for
     * both, and alarms only when {@code psi} is set.
     *
     * @param bins quantile bins of the reference for PSI and Jensen–Shannon on numbers
     */
    public record Drift(MultipleTesting correction, double alpha, long largeWindow, double wasserstein, double jensenShannon,
            Optional<Double> psi, int bins) {
        public static final Drift DEFAULTS = new Drift(MultipleTesting.BENJAMINI_HOCHBERG, 0.05, 10_000, 0.1, 0.1, Optional.empty(), 10);

        public Drift {
            requireNonNull(correction, "correction is null");
            requireNonNull(psi, "psi is null");
            Checks.probability("drift.alpha", alpha);
            if (largeWindow < 100) {
                throw StewardException.invalid("drift.large-window", "drift.large-window must be 100 or more, not " + largeWindow);
            }
            Checks.positive("drift.wasserstein", wasserstein);
            if (!(jensenShannon > 0 && jensenShannon <= 1)) {
                throw StewardException.invalid("drift.jensen-shannon", "drift.jensen-shannon must lie in (0, 1], not " + jensenShannon);
            }
            psi.ifPresent(p -> Checks.positive("drift.psi", p));
            if (bins < 2 || bins > 1000) {
                throw StewardException.invalid("drift.bins", "drift.bins must be between 2 and 1000, not " + bins);
            }
        }
    }

    /**
     * Maximum mean discrepancy between the reference and the window (RBF kernel, median-heuristic
     * bandwidth, permutation test) on at most {@code sample} rows of each, standardised by the
     * reference; categories one-hot. Its cost grows as {@code permutations × (2·sample)²}.
     */
    public record Multivariate(boolean enabled, int sample, int permutations, double alpha, long seed) {
        public static final Multivariate DEFAULTS = new Multivariate(true, 500, 200, 0.05, 1);

        public Multivariate {
            if (sample < 10 || sample > 5_000) {
                throw StewardException.invalid("multivariate.sample", "multivariate.sample must be between 10 and 5000, not " + sample);
            }
            if (permutations < 20 || permutations > 10_000) {
                throw StewardException.invalid("multivariate.permutations", "multivariate.permutations must be between 20 and 10000, not " + permutations);
            }
            Checks.probability("multivariate.alpha", alpha);
        }
    }

    /**
     * A per-request outlier score, computed as the entry is logged and kept in the request log:
     * the Mahalanobis distance of the row's numbers from the reference's mean under its covariance
     * (standardised), and 1 more per category the reference never had. A row scoring above
     * {@code threshold} is an outlier; empty: the 0.999 quantile of the distance on the reference.
     */
    public record Outliers(boolean enabled, Optional<Double> threshold) {
        public static final Outliers DEFAULTS = new Outliers(true, Optional.empty());

        public Outliers {
            requireNonNull(threshold, "threshold is null");
            threshold.ifPresent(t -> Checks.positive("outliers.threshold", t));
        }
    }

    /**
     * Performance per window: realised from feedback as labels arrive, and for classifiers
     * estimated without labels (confidence-based performance estimation, probabilities
     * calibrated on the reference) when {@code estimate}.
     */
    public record Performance(boolean estimate) {
        public static final Performance DEFAULTS = new Performance(true);
    }

    /**
     * When windows are evaluated: as they close ({@code onClose}), and always on demand. A time
     * window is closed {@code grace} after its end, so that entries still in the log's queue are in.
     */
    public record Schedule(boolean onClose, Duration grace) {
        public static final Schedule DEFAULTS = new Schedule(true, Duration.ofSeconds(2));

        public Schedule {
            requireNonNull(grace, "grace is null");
            if (grace.isNegative() || grace.compareTo(Duration.ofHours(1)) > 0) {
                throw StewardException.invalid("schedule.grace", "schedule.grace must be between 0s and 1h, not " + grace);
            }
        }
    }

    /**
     * An alert: fires when {@code when} holds on {@code forWindows} evaluated windows in a row,
     * resolves on the first window where it does not hold. On firing it takes its actions.
     *
     * @param retrainPriority the priority of the retraining job an action {@code retrain} enqueues
     */
    public record AlertRule(String name, AlertCondition when, int forWindows, List<AlertAction> actions, int retrainPriority) {
        public AlertRule {
            requireNonNull(name, "name is null");
            requireNonNull(when, "when is null");
            actions = List.copyOf(actions);
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")) {
                throw StewardException.invalid("alerts.name", "an alert's name is 1 to 100 letters, digits, '_', '.' or '-', starting with a letter or digit: "
                        + name);
            }
            if (forWindows < 1 || forWindows > 1000) {
                throw StewardException.invalid("alerts.for", "alerts.for must be between 1 and 1000 windows, not " + forWindows);
            }
            if (actions.stream().distinct().count() != actions.size()) {
                throw StewardException.invalid("alerts.actions", "alert " + name + " lists an action twice");
            }
            if (retrainPriority < 0 || retrainPriority > 100) {
                throw StewardException.invalid("alerts.priority", "alerts.priority must be between 0 and 100, not " + retrainPriority);
            }
        }
    }

    /** What a firing alert does, each audited. */
    public enum AlertAction {
        /** Enqueue a training job from the served version's training spec on the newest version of its dataset. */
        RETRAIN,
        /** Roll the deployment's canary back (nothing when it has none in progress). */
        ROLLBACK_CANARY,
        /** Trip the deployment's emergency cut-out: it stops answering until resumed. */
        CUT_OUT;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * The checks the nested records run, in a class of their own: a record that called a static
     * method of {@code MonitorSpec} would initialise it (and its {@code DEFAULTS}, built from the
     * records' own defaults) while the record's class is still being initialised.
     */
    private static final class Checks {
        private Checks() {
        }

        private static void probability(String field, double value) {
            if (!(value > 0 && value < 1)) {
                throw StewardException.invalid(field, field + " must lie strictly between 0 and 1, not " + value);
            }
        }

        private static void positive(String field, double value) {
            if (!(value > 0) || !Double.isFinite(value)) {
                throw StewardException.invalid(field, field + " must be a positive number, not " + value);
            }
        }
    }
}
