package dev.steward.core.monitoring;

import static dev.steward.core.monitoring.MonitorFixtures.DATASET;
import static dev.steward.core.monitoring.MonitorFixtures.DEPLOYMENT;
import static dev.steward.core.monitoring.MonitorFixtures.MODEL;
import static dev.steward.core.monitoring.MonitorFixtures.draw;
import static dev.steward.core.monitoring.MonitorFixtures.entry;
import static dev.steward.core.monitoring.MonitorFixtures.served;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.steward.core.monitoring.MonitorEngine.ActiveMonitor;
import dev.steward.core.monitoring.MonitorEngine.ClosedWindow;
import dev.steward.core.monitoring.MonitorEngine.PreparedReference;
import dev.steward.core.monitoring.MonitorFixtures.Row;
import dev.steward.core.serving.LoggedRequest;
import dev.steward.core.serving.log.RequestLogReader;
import dev.steward.core.stats.MultipleTesting;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import dev.steward.spi.data.ColumnType;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine on a synthetic world whose truth is known: references built from an in-memory
 * dataset version and scored through a hand-written classifier, windows fed through the tap as
 * the request log feeds them, and what the windows' reports say.
 */
class LiveMonitorEngineTest {
    static final long T0 = 1_800_000_000_000L;

    final MonitorFixtures.Models models = new MonitorFixtures.Models();
    final MonitorFixtures.Tables tables = new MonitorFixtures.Tables();
    final MonitorFixtures.Directory directory = new MonitorFixtures.Directory();
    final List<ClosedWindow> closed = new CopyOnWriteArrayList<>();
    @TempDir
    Path logDirectory;

    @BeforeEach
    void world() {
        tables.add(DATASET, 1, draw(new SplittableRandom(1), 20_000, 0, 0));
        directory.put(DEPLOYMENT, served(MODEL, 1, 1));
    }

    LiveMonitorEngine engine() {
        LiveMonitorEngine engine = new LiveMonitorEngine(tables, directory, models, models, new RequestLogReader(logDirectory),
                Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC));
        engine.onClose(closed::add);
        return engine;
    }

    static MonitorSpec spec(MonitorSpec.Window window, List<String> features, MonitorSpec.Drift drift, MonitorSpec.Multivariate multivariate) {
        return new MonitorSpec(Optional.empty(), window, features, drift, multivariate, MonitorSpec.Outliers.DEFAULTS, MonitorSpec.Performance.DEFAULTS,
                MonitorSpec.Schedule.DEFAULTS, List.of());
    }

    static MonitorSpec.Window requests(long rows) {
        return new MonitorSpec.Window(MonitorSpec.WindowKind.REQUESTS, rows, Duration.ZERO, 30);
    }

    static MonitorSpec.Multivariate mmd(boolean enabled) {
        return new MonitorSpec.Multivariate(enabled, 500, 200, 0.05, 1);
    }

    ActiveMonitor activate(LiveMonitorEngine engine, MonitorSpec spec) {
        PreparedReference reference = engine.prepare(DEPLOYMENT, spec);
        ActiveMonitor monitor = new ActiveMonitor(DEPLOYMENT, 1, spec, reference);
        engine.activate(monitor);
        return monitor;
    }

    /** Hands entries to the engine as the log's writer does: each annotated, then the batch as written. */
    static void log(LiveMonitorEngine engine, List<LoggedRequest> entries) {
        List<LoggedRequest> annotated = entries.stream().map(engine::annotate).toList();
        engine.written(annotated);
    }

    /** Entries of {@code perEntry} rows each drawn from the world, ids from {@code firstId}. */
    static List<LoggedRequest> traffic(SplittableRandom random, int entries, int perEntry, double shift, double rho, long firstId) {
        List<LoggedRequest> list = new ArrayList<>();
        for (int i = 0; i < entries; i++) {
            list.add(entry("req-" + (firstId + i), T0 + firstId + i, draw(random, perEntry, shift, rho)));
        }
        return list;
    }

    // ---- prepare -----------------------------------------------------------------------------

    @Test
    void theDefaultReferenceIsTheTrainingDataOfThePrimaryVersionAndTheFeaturesItsInputColumns() {
        LiveMonitorEngine engine = engine();
        PreparedReference prepared = engine.prepare(DEPLOYMENT, MonitorSpec.DEFAULTS);
        assertThat(prepared.dataset()).isEqualTo(DATASET);
        assertThat(prepared.version()).isEqualTo(1);
        assertThat(prepared.rows()).isEqualTo(20_000);
        assertThat(prepared.features()).containsExactly("x1", "x2", "colour");

        Reference reference = Reference.fromBytes(prepared.bytes());
        assertThat(reference.scoredBy).isEqualTo(MODEL + "/1");
        assertThat(reference.classes).containsExactly("no", "yes");
        assertThat(reference.truth.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(20_000);
        assertThat(reference.predictedLabels.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(20_000);
        assertThat(reference.calibration).isPresent();
        assertThat(reference.features.get(0).mean()).isCloseTo(0, within(0.05));
        assertThat(reference.features.get(1).std()).isCloseTo(2, within(0.05));
        assertThat(reference.features.get(2).categories()).containsOnlyKeys("red", "green", "blue");
        assertThat(reference.mmdSample).hasNumberOfRows(500);
        // One standardised column per number, one one-hot column per colour.
        assertThat(reference.encodedWidth()).isEqualTo(5);
        // The 0.999 quantile of a two-dimensional normal's Mahalanobis distance: sqrt(chi2(2).ppf(0.999)) = 3.717.
        assertThat(reference.outlierQuantile).isCloseTo(3.717, within(0.25));
        assertThat(Reference.fromBytes(reference.toBytes()).toBytes()).isEqualTo(reference.toBytes());
    }

    @Test
    void aLargeReferenceIsASeededUniformSampleOfItsRows() {
        tables.add(DATASET, 2, draw(new SplittableRandom(2), Reference.MAX_ROWS + 5_000, 0, 0));
        MonitorSpec spec = new MonitorSpec(Optional.of(new MonitorSpec.Reference(DATASET, 2)), requests(1000), List.of("x1"), MonitorSpec.Drift.DEFAULTS,
                mmd(false), MonitorSpec.Outliers.DEFAULTS, MonitorSpec.Performance.DEFAULTS, MonitorSpec.Schedule.DEFAULTS, List.of());
        PreparedReference first = engine().prepare(DEPLOYMENT, spec);
        PreparedReference second = engine().prepare(DEPLOYMENT, spec);
        Reference reference = Reference.fromBytes(first.bytes());
        assertThat(first.rows()).isEqualTo(Reference.MAX_ROWS + 5_000);
        assertThat(reference.sampleRows).isEqualTo(Reference.MAX_ROWS);
        assertThat(reference.features.get(0).sorted()).hasSize(Reference.MAX_ROWS);
        assertThat(second.bytes()).isEqualTo(first.bytes());
    }

    @Test
    void badInputOnPrepareIsRefusedNamingTheField() {
        LiveMonitorEngine engine = engine();
        assertRefused(() -> engine.prepare("no-such-api", MonitorSpec.DEFAULTS), "deployment", "no deployment named 'no-such-api'");
        assertRefused(() -> engine.prepare(DEPLOYMENT, withFeatures(List.of("x1", "income"))), "features", "'income' is not an input column of credit/1");
        assertRefused(() -> engine.prepare(DEPLOYMENT, withReference(new MonitorSpec.Reference("nothing", 1))), "reference.dataset",
                "no dataset named 'nothing'");
        assertRefused(() -> engine.prepare(DEPLOYMENT, withReference(new MonitorSpec.Reference(DATASET, 7))), "reference.version",
                "has no version 7");

        // A reference without one of the features, and one where a number is text.
        List<Row> rows = draw(new SplittableRandom(3), 100, 0, 0);
        Map<String, Object[]> noColour = new HashMap<>();
        noColour.put("x1", rows.stream().map(Row::x1).toArray());
        noColour.put("x2", rows.stream().map(Row::x2).toArray());
        tables.add("partial", 1, noColour, Map.of("x1", ColumnType.FLOAT, "x2", ColumnType.FLOAT));
        assertRefused(() -> engine.prepare(DEPLOYMENT, withReference(new MonitorSpec.Reference("partial", 1))), "features",
                "has no column 'colour'");
        Map<String, Object[]> textual = new HashMap<>(noColour);
        textual.put("x1", rows.stream().map(r -> Double.toString(r.x1())).toArray());
        textual.put("colour", rows.stream().map(Row::colour).toArray());
        tables.add("textual", 1, textual, Map.of("x1", ColumnType.STRING, "x2", ColumnType.FLOAT, "colour", ColumnType.STRING));
        assertRefused(() -> engine.prepare(DEPLOYMENT, withReference(new MonitorSpec.Reference("textual", 1))), "reference",
                "'x1' is string, which credit/1's input x1 (FP64) cannot take");

        // A second served version that does not read x1, and one without a package.
        models.register(MODEL, 2, MonitorFixtures.Models.manifest(DATASET, 1, "age"));
        directory.put(DEPLOYMENT, served(MODEL, 1, 90), served(MODEL, 2, 10));
        assertRefused(() -> engine.prepare(DEPLOYMENT, MonitorSpec.DEFAULTS), "features", "'x1' is not an input column of credit/2");
        models.unpackaged(MODEL, 3);
        directory.put(DEPLOYMENT, served(MODEL, 3, 1));
        assertRefused(() -> engine.prepare(DEPLOYMENT, MonitorSpec.DEFAULTS), "deployment", "serves credit/3, whose package cannot be used");
    }

    static MonitorSpec withFeatures(List<String> features) {
        return spec(requests(1000), features, MonitorSpec.Drift.DEFAULTS, mmd(true));
    }

    static MonitorSpec withReference(MonitorSpec.Reference reference) {
        return new MonitorSpec(Optional.of(reference), requests(1000), List.of(), MonitorSpec.Drift.DEFAULTS, mmd(true), MonitorSpec.Outliers.DEFAULTS,
                MonitorSpec.Performance.DEFAULTS, MonitorSpec.Schedule.DEFAULTS, List.of());
    }

    static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String field, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StewardException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
            assertThat(e.field()).contains(field);
            assertThat(e.getMessage()).contains(message);
        });
    }

    @Test
    void aDamagedReferenceOrProfileIsReportedAsCorrupted() {
        LiveMonitorEngine engine = engine();
        byte[] bytes = engine.prepare(DEPLOYMENT, MonitorSpec.DEFAULTS).bytes();
        assertThatThrownBy(() -> Reference.fromBytes(java.util.Arrays.copyOf(bytes, bytes.length / 2)))
                .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DATA_CORRUPTED))
                .hasMessageContaining("the monitor's reference cannot be read");
        byte[] other = bytes.clone();
        other[0] = 9;
        assertThatThrownBy(() -> Reference.fromBytes(other)).hasMessageContaining("is of format 9; this Steward reads format 1");
        assertThatThrownBy(() -> engine.merge(new byte[] {1, 0}, new byte[] {1, 0}))
                .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DATA_CORRUPTED))
                .hasMessageContaining("a window profile cannot be read");
    }

    // ---- outliers ----------------------------------------------------------------------------

    @Test
    void anInDistributionRowScoresBelowTheThresholdAFarRowAndAnUnseenCategoryAbove() {
        LiveMonitorEngine engine = engine();
        ActiveMonitor monitor = activate(engine, MonitorSpec.DEFAULTS);
        double threshold = Reference.fromBytes(monitor.reference().bytes()).outlierQuantile;

        double usual = score(engine, new Row(0.1, 5.2, "red", "yes"));
        double far = score(engine, new Row(6, 5, "green", "no"));
        // Just inside the threshold on the numbers; a colour the reference never had takes it over.
        Row edge = new Row(threshold - 0.5, 5, "blue", "no");
        double edgeScore = score(engine, edge);
        double unseen = score(engine, new Row(edge.x1(), edge.x2(), "purple", "no"));

        assertThat(usual).isLessThan(1).isLessThan(threshold);
        assertThat(far).isGreaterThan(threshold);
        assertThat(edgeScore).isLessThan(threshold);
        assertThat(unseen).isGreaterThan(threshold).isCloseTo(edgeScore + 1, within(1e-9));
        LoggedRequest scored = engine.annotate(entry("r", T0, List.of(edge, new Row(edge.x1(), edge.x2(), "purple", "no"))));
        assertThat(scored.scores()).containsEntry(WindowFolder.OUTLIER_ROWS, 1.0).containsEntry(WindowFolder.UNSEEN, 1.0);
        assertThat(scored.scores().get(WindowFolder.OUTLIER)).isCloseTo(unseen, within(1e-9));

        // Shadow copies, failed answers and deployments without a monitor are left as they are.
        LoggedRequest shadow = entry("s", MODEL, 1, "shadow", T0, List.of(edge));
        assertThat(engine.annotate(shadow)).isSameAs(shadow);
        engine.deactivate(DEPLOYMENT);
        LoggedRequest plain = entry("p", T0, List.of(edge));
        assertThat(engine.annotate(plain)).isSameAs(plain);
    }

    static double score(LiveMonitorEngine engine, Row row) {
        return engine.annotate(entry("one", T0, List.of(row))).scores().get(WindowFolder.OUTLIER);
    }

    // ---- windows -----------------------------------------------------------------------------

    @Test
    void aRequestWindowClosesWithTheRequestThatFillsItWithoutSplittingIt() {
        LiveMonitorEngine engine = engine();
        activate(engine, spec(requests(100), List.of(), MonitorSpec.Drift.DEFAULTS, mmd(false)));
        SplittableRandom random = new SplittableRandom(5);
        log(engine, traffic(random, 9, 10, 0, 0, 0));
        assertThat(closed).isEmpty();
        assertThat(engine.current(DEPLOYMENT).orElseThrow().rows()).isEqualTo(90);
        log(engine, List.of(entry("big", T0 + 50, draw(random, 25, 0, 0)), entry("after", T0 + 60, draw(random, 3, 0, 0))));
        assertThat(closed).singleElement().satisfies(w -> {
            assertThat(w.rows()).isEqualTo(115);
            assertThat(w.window()).isEqualTo(-1);
            assertThat(w.startMillis()).isEqualTo(T0);
            assertThat(w.endMillis()).isEqualTo(T0 + 51);
        });
        assertThat(engine.current(DEPLOYMENT).orElseThrow().rows()).isEqualTo(3);
        // Shadow copies and failures are not counted.
        log(engine, List.of(entry("copy", MODEL, 1, "shadow", T0 + 70, draw(random, 5, 0, 0))));
        assertThat(engine.current(DEPLOYMENT).orElseThrow().rows()).isEqualTo(3);
        assertThat(engine.figures(DEPLOYMENT).orElseThrow().entries()).isEqualTo(11);
    }

    @Test
    void timeWindowsCloseOnTickAfterTheirGraceAndLateEntriesAreCountedAndDropped() {
        LiveMonitorEngine engine = engine();
        MonitorSpec spec = new MonitorSpec(Optional.empty(), new MonitorSpec.Window(MonitorSpec.WindowKind.TIME, 0, Duration.ofSeconds(10), 30),
                List.of(), MonitorSpec.Drift.DEFAULTS, mmd(false), MonitorSpec.Outliers.DEFAULTS, MonitorSpec.Performance.DEFAULTS,
                new MonitorSpec.Schedule(true, Duration.ofSeconds(2)), List.of());
        activate(engine, spec);
        SplittableRandom random = new SplittableRandom(6);
        long n0 = T0 / 10_000;
        log(engine, List.of(entry("a", T0 + 1_000, draw(random, 4, 0, 0)), entry("b", T0 + 12_000, draw(random, 6, 0, 0))));
        engine.tick(T0 + 11_999);
        assertThat(closed).isEmpty();
        engine.tick(T0 + 12_001);
        assertThat(closed).singleElement().satisfies(w -> {
            assertThat(w.window()).isEqualTo(n0);
            assertThat(w.rows()).isEqualTo(4);
            assertThat(w.startMillis()).isEqualTo(T0);
            assertThat(w.endMillis()).isEqualTo(T0 + 10_000);
        });
        log(engine, List.of(entry("late", T0 + 9_000, draw(random, 2, 0, 0))));
        assertThat(engine.figures(DEPLOYMENT).orElseThrow().late()).isEqualTo(1);
        // An empty window is still reported, so that an alert on rows sees traffic stop.
        engine.tick(T0 + 32_001);
        assertThat(closed).extracting(ClosedWindow::window).containsExactly(n0, n0 + 1, n0 + 2);
        assertThat(closed).extracting(ClosedWindow::rows).containsExactly(4L, 6L, 0L);
        WindowReport empty = engine.evaluate(new ActiveMonitor(DEPLOYMENT, 1, spec, engine.prepare(DEPLOYMENT, spec)), closed.get(2), LabelCounts.NONE,
                false, WindowReport.LIVE);
        assertThat(empty.status()).isEqualTo(WindowReport.TOO_SMALL);
    }

    // ---- drift -------------------------------------------------------------------------------

    @Test
    void aMeanShiftIsDetectedInASmallWindowByTestsAndInALargeOneByDistances() {
        LiveMonitorEngine engine = engine();
        ActiveMonitor small = activate(engine, spec(requests(500), List.of(), MonitorSpec.Drift.DEFAULTS, mmd(true)));
        log(engine, traffic(new SplittableRandom(7), 50, 10, 0.4, 0, 0));
        WindowReport shifted = engine.evaluate(small, closed.get(0), LabelCounts.NONE, false, WindowReport.LIVE);
        assertThat(shifted.method()).isEqualTo("test");
        assertThat(shifted.features()).filteredOn(WindowReport.FeatureDrift::drifted).extracting(WindowReport.FeatureDrift::column).containsExactly("x1");
        assertThat(shifted.features().get(0).method()).isEqualTo("ks");
        assertThat(shifted.features().get(2).method()).isEqualTo("chi2");
        assertThat(shifted.mmd().orElseThrow().drifted()).isTrue();
        assertThat(shifted.predictions().orElseThrow().drifted()).isTrue();

        closed.clear();
        ActiveMonitor large = activate(engine, spec(requests(20_000), List.of(), MonitorSpec.Drift.DEFAULTS, mmd(false)));
        log(engine, traffic(new SplittableRandom(8), 1000, 20, 0.4, 0, 0));
        log(engine, traffic(new SplittableRandom(9), 1000, 20, 0, 0, 1000));
        WindowReport big = engine.evaluate(large, closed.get(0), LabelCounts.NONE, false, WindowReport.LIVE);
        WindowReport steady = engine.evaluate(large, closed.get(1), LabelCounts.NONE, false, WindowReport.LIVE);
        assertThat(big.method()).isEqualTo("distance");
        assertThat(big.features().get(0).method()).isEqualTo("wasserstein");
        assertThat(big.features().get(0).wasserstein().getAsDouble()).isCloseTo(0.4, within(0.05));
        assertThat(big.features()).filteredOn(WindowReport.FeatureDrift::drifted).extracting(WindowReport.FeatureDrift::column).containsExactly("x1");
        assertThat(steady.driftedFeatures()).isZero();
        assertThat(steady.features().get(0).wasserstein().getAsDouble()).isLessThan(0.05);
        assertThat(steady.features().get(2).method()).isEqualTo("jensen-shannon");
        assertThat(steady.features().get(0).bins()).hasSize(10);
        assertThat(java.util.Arrays.stream(steady.features().get(0).current()).sum()).isCloseTo(1, within(1e-9));
    }

    @Test
    void mmdCatchesAChangeOfCorrelationThatNoFeatureShows() {
        tables.add("correlated", 1, draw(new SplittableRandom(10), 20_000, 0, 0.9));
        MonitorSpec spec = new MonitorSpec(Optional.of(new MonitorSpec.Reference("correlated", 1)), requests(1000), List.of("x1", "x2"),
                MonitorSpec.Drift.DEFAULTS, mmd(true), MonitorSpec.Outliers.DEFAULTS, MonitorSpec.Performance.DEFAULTS, MonitorSpec.Schedule.DEFAULTS,
                List.of());
        LiveMonitorEngine engine = engine();
        ActiveMonitor monitor = activate(engine, spec);
        log(engine, traffic(new SplittableRandom(11), 100, 10, 0, -0.9, 0));
        log(engine, traffic(new SplittableRandom(12), 100, 10, 0, 0.9, 100));
        WindowReport turned = engine.evaluate(monitor, closed.get(0), LabelCounts.NONE, false, WindowReport.LIVE);
        WindowReport same = engine.evaluate(monitor, closed.get(1), LabelCounts.NONE, false, WindowReport.LIVE);
        System.out.printf("MMD on a correlation turned from 0.9 to -0.9: statistic %.4f, p %.4f; unchanged: statistic %.4f, p %.4f; KS p-values %s%n",
                turned.mmd().orElseThrow().statistic(), turned.mmd().orElseThrow().pValue(), same.mmd().orElseThrow().statistic(),
                same.mmd().orElseThrow().pValue(), turned.features().stream().map(f -> f.pValue().getAsDouble()).toList());
        assertThat(turned.driftedFeatures()).isZero();
        assertThat(turned.mmd().orElseThrow().drifted()).isTrue();
        assertThat(turned.mmd().orElseThrow().referenceSample()).isEqualTo(500);
        assertThat(turned.mmd().orElseThrow().currentSample()).isEqualTo(500);
        assertThat(same.mmd().orElseThrow().drifted()).isFalse();
    }

    @Test
    void windowsDrawnFromTheReferenceDistributionRaiseFalseAlarmsAtMostAtTheDeclaredSignificance() {
        LiveMonitorEngine engine = engine();
        MonitorSpec spec = spec(MonitorSpec.Window.DEFAULTS, List.of(), MonitorSpec.Drift.DEFAULTS, mmd(false));
        ActiveMonitor monitor = activate(engine, spec);
        int windows = 300;
        SplittableRandom random = new SplittableRandom(13);
        for (int w = 0; w < windows; w++) {
            log(engine, traffic(random, 100, 10, 0, 0, w * 100L));
        }
        assertThat(closed).hasSize(windows);
        int flagged = 0;
        int predictionsFlagged = 0;
        for (ClosedWindow window : closed) {
            WindowReport report = engine.evaluate(monitor, window, LabelCounts.NONE, false, WindowReport.LIVE);
            assertThat(report.method()).isEqualTo("test");
            assertThat(report.comparedFeatures()).isEqualTo(3);
            flagged += report.driftedFeatures() > 0 ? 1 : 0;
            predictionsFlagged += report.predictions().orElseThrow().drifted() ? 1 : 0;
        }
        double alpha = MonitorSpec.Drift.DEFAULTS.alpha();
        double[] interval = wilson(flagged, windows);
        System.out.printf("false alarms on %d windows of 1,000 rows from the reference distribution (KS/chi2, %s, alpha %.2f): %d = %.3f,"
                + " 95%% Wilson interval [%.3f, %.3f]; prediction drift %d%n", windows, MultipleTesting.BENJAMINI_HOCHBERG.wireName(), alpha, flagged,
                (double) flagged / windows, interval[0], interval[1], predictionsFlagged);
        assertThat(interval[0]).isLessThanOrEqualTo(alpha);
        assertThat(wilson(predictionsFlagged, windows)[0]).isLessThanOrEqualTo(alpha);
    }

    /** The 95% Wilson score interval of a proportion. */
    static double[] wilson(int successes, int trials) {
        double z = 1.959964;
        double p = (double) successes / trials;
        double denominator = 1 + z * z / trials;
        double centre = (p + z * z / (2.0 * trials)) / denominator;
        double half = z * Math.sqrt(p * (1 - p) / trials + z * z / (4.0 * trials * trials)) / denominator;
        return new double[] {centre - half, centre + half};
    }

    // ---- performance -------------------------------------------------------------------------

    @Test
    void estimatedAccuracyWithoutLabelsTracksTheRealisedOneUnderCovariateShift() {
        LiveMonitorEngine engine = engine();
        ActiveMonitor monitor = activate(engine, spec(requests(2000), List.of(), MonitorSpec.Drift.DEFAULTS, mmd(false)));
        double totalError = 0;
        double[] shifts = {0, 0.5, 1.0, 1.5};
        for (int s = 0; s < shifts.length; s++) {
            closed.clear();
            List<Row> rows = draw(new SplittableRandom(20 + s), 2000, shifts[s], 0);
            List<LoggedRequest> entries = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                entries.add(entry("cov-" + s + "-" + i, T0 + i, rows.subList(i * 10, i * 10 + 10)));
            }
            log(engine, entries);
            long correct = 0;
            Map<String, Long> classes = new HashMap<>();
            for (Row row : rows) {
                boolean yes = MonitorFixtures.probabilityOfYes(row.x1(), row.x2(), row.colour()) > 0.5;
                correct += (yes ? "yes" : "no").equals(row.truth()) ? 1 : 0;
                classes.merge(row.truth(), 1L, Long::sum);
            }
            LabelCounts labels = new LabelCounts(rows.size(), correct, 0, classes);
            WindowReport report = engine.evaluate(monitor, closed.get(0), labels, false, WindowReport.LIVE);
            WindowReport.PerformanceSummary performance = report.performance().orElseThrow();
            assertThat(performance.accuracy().getAsDouble()).isCloseTo((double) correct / rows.size(), within(1e-12));
            double error = performance.estimationError().getAsDouble();
            System.out.printf("shift %.1f: accuracy %.4f, estimated %.4f, error %.4f%n", shifts[s], performance.accuracy().getAsDouble(),
                    performance.estimatedAccuracy().getAsDouble(), error);
            assertThat(error).isLessThan(0.04);
            assertThat(report.labels()).isPresent();
            totalError += error;
        }
        System.out.printf("estimated vs realised accuracy: mean absolute error %.4f over %d windows%n", totalError / shifts.length, shifts.length);
    }
}
