package dev.steward.core.monitoring;

import static dev.steward.core.monitoring.MonitorFixtures.DATASET;
import static dev.steward.core.monitoring.MonitorFixtures.DEPLOYMENT;
import static dev.steward.core.monitoring.MonitorFixtures.MODEL;
import static dev.steward.core.monitoring.MonitorFixtures.draw;
import static dev.steward.core.monitoring.MonitorFixtures.entry;
import static dev.steward.core.monitoring.MonitorFixtures.served;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.steward.core.monitoring.MonitorEngine.ActiveMonitor;
import dev.steward.core.monitoring.MonitorEngine.ClosedWindow;
import dev.steward.core.serving.LoggedRequest;
import dev.steward.core.serving.log.RequestLogReader;
import dev.steward.core.serving.log.SegmentRequestLog;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Windows built live from the request log's tap against the same windows recomputed from the
 * log's segments, and window parts of two replicas merged against one window over the union.
 */
class WindowRebuildTest {
    static final long T0 = 1_800_000_000_000L;
    static final Duration TEN_SECONDS = Duration.ofSeconds(10);

    final MonitorFixtures.Models models = new MonitorFixtures.Models();
    final MonitorFixtures.Tables tables = new MonitorFixtures.Tables();
    final MonitorFixtures.Directory directory = new MonitorFixtures.Directory();
    final List<ClosedWindow> closed = new CopyOnWriteArrayList<>();
    @TempDir
    Path logDirectory;

    @BeforeEach
    void world() {
        tables.add(DATASET, 1, draw(new SplittableRandom(1), 20_000, 0, 0));
        directory.put(DEPLOYMENT, served(MODEL, 1, 80), served(MODEL, 2, 20));
        models.register(MODEL, 2, MonitorFixtures.Models.manifest(DATASET, 1, "x1"));
    }

    LiveMonitorEngine engine() {
        LiveMonitorEngine engine = new LiveMonitorEngine(tables, directory, models, models, new RequestLogReader(logDirectory),
                Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC));
        engine.onClose(closed::add);
        return engine;
    }

    /** Time windows of 10 s; exact values below 1,000 rows, so that one window below is tested and one is judged on its sketches. */
    static MonitorSpec timeWindows() {
        return new MonitorSpec(Optional.empty(), new MonitorSpec.Window(MonitorSpec.WindowKind.TIME, 0, TEN_SECONDS, 30), List.of(),
                new MonitorSpec.Drift(dev.steward.core.stats.MultipleTesting.BENJAMINI_HOCHBERG, 0.05, 1_000, 0.1, 0.1, Optional.of(0.2), 10),
                new MonitorSpec.Multivariate(true, 200, 100, 0.05, 1), MonitorSpec.Outliers.DEFAULTS, MonitorSpec.Performance.DEFAULTS,
                new MonitorSpec.Schedule(true, Duration.ZERO), List.of());
    }

    /** Entries in a time window {@code offset} windows after T0's: {@code entries} requests of 1 to 9 rows, some by version 2, some shadow copies or failures. */
    static List<LoggedRequest> windowTraffic(SplittableRandom random, int offset, int entries, double shift) {
        List<LoggedRequest> list = new ArrayList<>();
        for (int i = 0; i < entries; i++) {
            long at = T0 + offset * TEN_SECONDS.toMillis() + (long) (random.nextDouble() * TEN_SECONDS.toMillis());
            String id = "w" + offset + "-" + i;
            List<MonitorFixtures.Row> rows = draw(random, 1 + random.nextInt(9), shift, 0);
            if (i % 17 == 0) {
                rows.set(0, new MonitorFixtures.Row(rows.get(0).x1(), rows.get(0).x2(), "purple", "no"));
            }
            LoggedRequest entry = entry(id, MODEL, i % 5 == 0 ? 2 : 1, "weighted", at, rows);
            if (i % 23 == 0) {
                entry = entry(id, MODEL, 2, "shadow", at, rows);
            } else if (i % 29 == 0) {
                entry = new LoggedRequest(id, DEPLOYMENT, 1, MODEL, 1, "weighted", "tok_1", "native", at, 1000, 0, List.of(), java.util.Map.of(),
                        Optional.of("invalid: bad input"));
            }
            list.add(entry);
        }
        return list;
    }

    @Test
    void windowsBuiltLiveFromTheLogsTapEqualTheWindowsRebuiltFromItsSegments() throws Exception {
        LiveMonitorEngine engine = engine();
        MonitorSpec spec = timeWindows();
        ActiveMonitor monitor = new ActiveMonitor(DEPLOYMENT, 1, spec, engine.prepare(DEPLOYMENT, spec));
        engine.activate(monitor);
        SplittableRandom random = new SplittableRandom(40);
        List<LoggedRequest> traffic = new ArrayList<>();
        traffic.addAll(windowTraffic(random, 0, 600, 0));
        traffic.addAll(windowTraffic(random, 1, 120, 0.3));
        traffic.addAll(windowTraffic(random, 2, 40, 0));
        try (SegmentRequestLog log = SegmentRequestLog.open(new SegmentRequestLog.Settings(logDirectory, 64 * 1024, Duration.ofHours(1), Duration.ZERO,
                100_000), Clock.systemUTC())) {
            assertThat(log.tap(engine)).isTrue();
            for (LoggedRequest entry : traffic) {
                assertThat(log.offer(entry)).isTrue();
            }
            await(() -> log.written() == traffic.size(), "every entry is written");
            await(() -> engine.figures(DEPLOYMENT).orElseThrow().entries() == traffic.stream().filter(WindowFolder::counts).count(),
                    "every counted entry is folded");
        }
        engine.tick(T0 + 3 * TEN_SECONDS.toMillis() + 1);
        assertThat(closed).hasSize(3);
        assertThat(engine.figures(DEPLOYMENT).orElseThrow().late()).isZero();
        assertThat(new RequestLogReader(logDirectory).segments(DEPLOYMENT)).hasSizeGreaterThan(3);

        for (ClosedWindow live : closed) {
            ClosedWindow rebuilt = engine.rebuild(monitor, live.window(), live.startMillis(), live.endMillis());
            assertThat(rebuilt.rows()).isEqualTo(live.rows());
            WindowProfile a = WindowProfile.fromBytes(live.profile());
            WindowProfile b = WindowProfile.fromBytes(rebuilt.profile());
            assertSameCounts(a, b);
            WindowReport liveReport = engine.evaluate(monitor, live, LabelCounts.NONE, false, WindowReport.LIVE);
            WindowReport rebuiltReport = engine.evaluate(monitor, rebuilt, LabelCounts.NONE, false, WindowReport.REBUILT);
            assertThat(rebuiltReport.source()).isEqualTo(WindowReport.REBUILT);
            assertThat(rebuiltReport.versions()).isEqualTo(liveReport.versions()).containsKeys(MODEL + "/1", MODEL + "/2");
            assertThat(rebuiltReport.outliers()).isEqualTo(liveReport.outliers());
            assertThat(rebuiltReport.outliers().orElseThrow().unseenCategories()).isPositive();
            assertThat(rebuiltReport.mmd()).isEqualTo(liveReport.mmd());
            assertThat(rebuiltReport.performance().orElseThrow().estimatedAccuracy().getAsDouble())
                    .isCloseTo(liveReport.performance().orElseThrow().estimatedAccuracy().getAsDouble(), within(1e-12));
            if (liveReport.method().equals("test")) {
                // Exact values: the same statistics, to the last bit.
                assertThat(rebuiltReport.features()).usingRecursiveComparison().isEqualTo(liveReport.features());
                assertThat(rebuiltReport.predictions()).usingRecursiveComparison().isEqualTo(liveReport.predictions());
            } else {
                assertWithinSketchBounds(a, b, liveReport, rebuiltReport);
            }
        }
        assertThat(closed).extracting(w -> engine.evaluate(monitor, w, LabelCounts.NONE, false, WindowReport.LIVE).method())
                .containsExactly("distance", "test", "test");
    }

    /** Counts, categories, the MMD sample and the estimate's sums are exact in both. */
    static void assertSameCounts(WindowProfile a, WindowProfile b) {
        assertThat(b.rows()).isEqualTo(a.rows());
        assertThat(b.entries()).isEqualTo(a.entries());
        assertThat(b.versions()).isEqualTo(a.versions());
        assertThat(b.hasExactValues()).isEqualTo(a.hasExactValues());
        for (int f = 0; f < a.names().size(); f++) {
            assertThat(b.missing(f)).isEqualTo(a.missing(f));
            assertThat(b.profile(f).count()).isEqualTo(a.profile(f).count());
            assertThat(b.profile(f).mean()).isCloseTo(a.profile(f).mean(), within(1e-9));
            if (a.numeric(f)) {
                assertThat(b.profile(f).min()).isEqualTo(a.profile(f).min());
                assertThat(b.profile(f).max()).isEqualTo(a.profile(f).max());
            } else {
                assertThat(b.categories(f)).isEqualTo(a.categories(f));
            }
            if (a.hasExactValues()) {
                assertThat(b.exactSample(f).sortedNumbers()).isEqualTo(a.exactSample(f).sortedNumbers());
            }
        }
        assertThat(b.sampleRows()).extracting(WindowProfile.SampledRow::key).isEqualTo(a.sampleRows().stream().map(WindowProfile.SampledRow::key)
                .toList());
        assertThat(b.predictedLabels()).isEqualTo(a.predictedLabels());
        assertThat(b.estimatedRows()).isEqualTo(a.estimatedRows());
        double[][] ea = a.expectedConfusion();
        double[][] eb = b.expectedConfusion();
        for (int p = 0; p < ea.length; p++) {
            for (int t = 0; t < ea.length; t++) {
                assertThat(eb[p][t]).isCloseTo(ea[p][t], within(1e-9 * Math.max(1, ea[p][t])));
            }
        }
        assertThat(b.scoredRows()).isEqualTo(a.scoredRows());
        assertThat(b.outliers()).isEqualTo(a.outliers());
        assertThat(b.unseen()).isEqualTo(a.unseen());
        assertThat(b.scoreSum()).isCloseTo(a.scoreSum(), within(1e-9 * Math.max(1, a.scoreSum())));
    }

    /**
     * Sketched windows: each KLL sketch answers a rank within its two-sided normalised rank error
     * ε (1.65% at k = 200, with 99% confidence), so two sketches of the same values give bin
     * fractions within 2ε of each other, and their Wasserstein distances to the reference differ
     * by at most the distance between them, itself at most the spread their quantiles may take at
     * ranks ε apart.
     */
    static void assertWithinSketchBounds(WindowProfile a, WindowProfile b, WindowReport live, WindowReport rebuilt) {
        for (int f = 0; f < a.names().size(); f++) {
            WindowReport.FeatureDrift x = live.features().get(f);
            WindowReport.FeatureDrift y = rebuilt.features().get(f);
            assertThat(y.currentCount()).isEqualTo(x.currentCount());
            if (!a.numeric(f)) {
                // Categories are counted exactly at any size.
                assertThat(y).usingRecursiveComparison().isEqualTo(x);
                continue;
            }
            KllDoublesSketch sa = a.profile(f).quantileSketch();
            KllDoublesSketch sb = b.profile(f).quantileSketch();
            double epsilon = sa.getNormalizedRankError(true);
            for (int i = 0; i < x.current().length; i++) {
                assertThat(y.current()[i]).isCloseTo(x.current()[i], within(2 * epsilon));
            }
            double std = a.profile(f).stddev();
            double spread = 0;
            for (int i = 0; i < 100; i++) {
                double u = (i + 0.5) / 100;
                spread += sa.getQuantile(Math.min(1, u + 2 * epsilon)) - sa.getQuantile(Math.max(0, u - 2 * epsilon));
            }
            double bound = (spread / 100 + (a.profile(f).max() - a.profile(f).min()) / WindowEvaluator.WASSERSTEIN_POINTS) / std;
            assertThat(y.wasserstein().getAsDouble()).isCloseTo(x.wasserstein().getAsDouble(), within(bound));
            System.out.printf("%s: sketched normalised Wasserstein live %.5f, rebuilt %.5f (bound %.5f); largest bin difference %.5f (bound %.5f)%n",
                    x.column(), x.wasserstein().getAsDouble(), y.wasserstein().getAsDouble(), bound, maxDifference(x.current(), y.current()),
                    2 * epsilon);
        }
    }

    static double maxDifference(double[] x, double[] y) {
        double max = 0;
        for (int i = 0; i < x.length; i++) {
            max = Math.max(max, Math.abs(x[i] - y[i]));
        }
        return max;
    }

    @Test
    void twoReplicasPartsMergedEqualOneWindowOverTheUnion() {
        MonitorSpec spec = timeWindows();
        LiveMonitorEngine whole = engine();
        ActiveMonitor monitor = new ActiveMonitor(DEPLOYMENT, 1, spec, whole.prepare(DEPLOYMENT, spec));
        LiveMonitorEngine first = engine();
        LiveMonitorEngine second = engine();
        for (LiveMonitorEngine engine : List.of(whole, first, second)) {
            engine.activate(monitor);
        }
        SplittableRandom random = new SplittableRandom(41);
        // A small window (exact values) and a large one (sketches).
        for (int offset : new int[] {0, 1}) {
            List<LoggedRequest> traffic = windowTraffic(random, offset, offset == 0 ? 120 : 600, 0.2);
            List<LoggedRequest> even = new ArrayList<>();
            List<LoggedRequest> odd = new ArrayList<>();
            for (int i = 0; i < traffic.size(); i++) {
                (i % 2 == 0 ? even : odd).add(traffic.get(i));
            }
            LiveMonitorEngineTest.log(whole, traffic);
            LiveMonitorEngineTest.log(first, even);
            LiveMonitorEngineTest.log(second, odd);
        }
        closed.clear();
        long end = T0 + 2 * TEN_SECONDS.toMillis() + 1;
        whole.tick(end);
        List<ClosedWindow> wholeWindows = List.copyOf(closed);
        closed.clear();
        first.tick(end);
        List<ClosedWindow> firstWindows = List.copyOf(closed);
        closed.clear();
        second.tick(end);
        List<ClosedWindow> secondWindows = List.copyOf(closed);
        assertThat(wholeWindows).hasSize(2);
        for (int w = 0; w < 2; w++) {
            byte[] merged = whole.merge(firstWindows.get(w).profile(), secondWindows.get(w).profile());
            WindowProfile union = WindowProfile.fromBytes(wholeWindows.get(w).profile());
            WindowProfile parts = WindowProfile.fromBytes(merged);
            assertSameCounts(union, parts);
            ClosedWindow original = wholeWindows.get(w);
            ClosedWindow mergedWindow = new ClosedWindow(DEPLOYMENT, 1, original.window(), original.startMillis(), original.endMillis(), parts.rows(),
                    merged);
            WindowReport a = whole.evaluate(monitor, original, LabelCounts.NONE, false, WindowReport.LIVE);
            WindowReport b = whole.evaluate(monitor, mergedWindow, LabelCounts.NONE, false, WindowReport.LIVE);
            assertThat(b.mmd()).isEqualTo(a.mmd());
            // The parts' score sums are added in another order: equal to rounding.
            assertThat(b.outliers()).usingRecursiveComparison().withComparatorForType((x, y) -> Math.abs(x - y) <= 1e-12 * Math.max(1, Math.abs(x)) ? 0
                    : Double.compare(x, y), Double.class).isEqualTo(a.outliers());
            if (a.method().equals("test")) {
                assertThat(b.features()).usingRecursiveComparison().isEqualTo(a.features());
            } else {
                assertWithinSketchBounds(union, parts, a, b);
            }
        }
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(5);
        }
    }
}
