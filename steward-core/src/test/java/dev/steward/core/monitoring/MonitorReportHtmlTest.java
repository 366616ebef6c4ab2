package dev.steward.core.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.steward.core.monitoring.WindowReport.FeatureDrift;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

class MonitorReportHtmlTest {
    @Test
    void writesAnExampleReportThatAReviewerCanOpen() throws IOException {
        List<WindowReport> series = SampleReports.series(60, 36, 4, 42);
        WindowReport now = series.get(series.size() - 1);

        String html = MonitorReportHtml.window("weather-api", now, series.subList(0, series.size() - 1));
        Path example = Path.of("target/monitor-report-example.html");
        Files.writeString(example, html);

        Document page = parse(html);
        assertThat(page.getElementsByTagName("svg").getLength()).as("charts drawn").isGreaterThanOrEqualTo(10);
        assertThat(html).contains("weather-api").contains("Window 59 of monitor").contains("seattle-weather@3")
                .contains("2024-06-01 04:55:00 – 05:00:00").contains("Drift over time").contains("Estimated and realised accuracy over time")
                .contains("Kolmogorov–Smirnov").contains("Not compared").contains("more than 1000 distinct values in the reference")
                .contains("Multivariate drift (MMD)").contains("Outlier rate over time").contains("weather-clf/5: 300");
        assertThat(html).as("the last windows have no labels yet").contains("No labels have arrived for this window yet");
        assertThat(html.indexOf("id=\"f0\"")).as("the drifted temp_max is drawn before the stable wind")
                .isLessThan(html.indexOf("id=\"f2\""));
    }

    @Test
    void everyUserStringIsEscaped() {
        String evil = "<script>alert('x')</script>";
        WindowReport base = SampleReports.window(5, 1, 0.8, false, new Random(11));
        List<FeatureDrift> features = new ArrayList<>(base.features());
        FeatureDrift f = features.get(4);
        features.set(4, new FeatureDrift(evil, f.kind(), f.method(), f.statistic(), f.pValue(), f.adjustedPValue(), f.drifted(), f.psi(),
                f.jensenShannon(), f.wasserstein(), f.referenceCount(), f.currentCount(), f.currentMissing(),
                List.of("\"><img src=x onerror=alert(1)>", "a & b", "tab\tand\u0001control", "\uD800 lone", "snow"), f.reference(), f.current(),
                f.skipped()));
        WindowReport report = new WindowReport("<b>monitor</b>", 1, 5, base.startMillis(), base.endMillis(), false, base.rows(), base.status(),
                "data</title><script>", 3, base.method(), features, base.comparedFeatures(), base.driftedFeatures(), base.mmd(), base.predictions(),
                base.labels(), base.outliers(), base.performance(), Map.of("<i>model</i>/1", base.rows()), base.source());

        String html = MonitorReportHtml.window("dep\"loyment<", report, List.of(base));

        assertThat(html).doesNotContain("<script").doesNotContain("<img").doesNotContain("<b>").doesNotContain("<i>");
        assertThat(html).contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;").contains("&quot;&gt;&lt;img src=x").contains("a &amp; b")
                .contains("dep&quot;loyment&lt;").contains("&lt;b&gt;monitor&lt;/b&gt;");
        assertThatCode(() -> parse(html)).as("control characters and lone surrogates are replaced").doesNotThrowAnyException();
    }

    @Test
    void thePageLoadsNothingFromAnywhere() {
        List<WindowReport> series = SampleReports.series(12, 6, 0, 3);

        String html = MonitorReportHtml.window("weather-api", series.get(11), series.subList(0, 11));

        assertThat(html).doesNotContain("http://").doesNotContain("https://").doesNotContain("src=").doesNotContain("href=")
                .doesNotContain("url(").doesNotContain("@import").doesNotContain("<script").doesNotContain("<link").doesNotContain("<img")
                .contains("default-src 'none'");
    }

    @Test
    void aWindowTooSmallToTestSaysSoInsteadOfDrawingEmptyCharts() {
        List<WindowReport> history = SampleReports.series(5, 10, 0, 8);
        WindowReport small = SampleReports.tooSmall(5);

        String html = MonitorReportHtml.window("weather-api", small, history);

        parse(html);
        assertThat(html).contains("This window has 17 rows, fewer than the monitor&#39;s minimum (window.min-rows): nothing was tested")
                .contains("too small to test").contains("MMD was not computed: the window is too small.")
                .contains("Outliers were not counted: the window is too small.").doesNotContain("class=\"chart bars\"");
    }

    @Test
    void aReportWithoutLabelsOrMmdOrOutliersSaysWhatIsMissing() {
        WindowReport base = SampleReports.window(0, 1, 0, true, new Random(4));
        WindowReport bare = new WindowReport(base.monitor(), base.monitorRevision(), base.window(), base.startMillis(), base.endMillis(), true,
                base.rows(), base.status(), base.referenceDataset(), base.referenceVersion(), "distance", base.features(), base.comparedFeatures(),
                base.driftedFeatures(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), base.performance(), Map.of(),
                WindowReport.REBUILT);

        String html = MonitorReportHtml.window("weather-api", bare, List.of());

        parse(html);
        assertThat(html).contains("No labels have arrived for this window yet").contains("Accuracy (estimated)")
                .contains("MMD was not computed for this window: multivariate drift is off for this monitor.")
                .contains("Outlier scoring is off for this monitor").contains("Prediction drift was not computed")
                .contains("This is the first window").contains("partial: window still open").contains("rebuilt from the log")
                .contains("distances (Wasserstein, Jensen–Shannon)");
    }

    @Test
    void binsThatDoNotMatchTheirFractionsGetASentence() {
        WindowReport base = SampleReports.window(1, 1, 0.2, false, new Random(6));
        List<FeatureDrift> features = new ArrayList<>(base.features());
        FeatureDrift f = features.get(0);
        features.set(0, new FeatureDrift(f.column(), f.kind(), f.method(), f.statistic(), f.pValue(), f.adjustedPValue(), f.drifted(), f.psi(),
                f.jensenShannon(), f.wasserstein(), f.referenceCount(), f.currentCount(), f.currentMissing(), f.bins().subList(0, 3), f.reference(),
                f.current(), f.skipped()));

        String html = MonitorReportHtml.window("weather-api", withFeatures(base, features), List.of());

        assertThat(html).contains("The distribution cannot be drawn: the report's bins and fractions differ in length.");
    }

    @Test
    void theMonitorsOwnThresholdsColourTheHeatmapAndTheDefaultsAreNamedAsSuch() {
        List<WindowReport> series = SampleReports.series(4, 0, 0, 9);
        // MonitorSpec first: initialising MonitorSpec.Drift before it fails (see MonitorReportHtml.window).
        assertThat(MonitorSpec.DEFAULTS.drift().alpha()).isEqualTo(0.05);
        MonitorSpec.Drift strict = new MonitorSpec.Drift(dev.steward.core.stats.MultipleTesting.BONFERRONI, 0.01, 10_000, 0.2, 0.3,
                Optional.empty(), 10);

        String own = MonitorReportHtml.window("weather-api", series.get(3), series.subList(0, 3), strict);
        String defaults = MonitorReportHtml.window("weather-api", series.get(3), series.subList(0, 3));

        assertThat(own).contains("with α = 0.01").contains("over 0.2 or the Jensen–Shannon distance over 0.3.").doesNotContain("the defaults");
        assertThat(defaults).contains("with α = 0.05").contains("(the defaults: this monitor's own thresholds may differ");
    }

    @Test
    void thePageStaysBoundedForAThousandFeaturesOfAThousandBinsOver250Windows() {
        Random random = new Random(99);
        List<String> bins = new ArrayList<>();
        double[] reference = new double[1000];
        double[] current = new double[1000];
        for (int i = 0; i < 1000; i++) {
            bins.add("category number " + i + " with a rather long name that goes on");
            reference[i] = 1 / 1000.0;
            current[i] = random.nextDouble() / 500;
        }
        List<FeatureDrift> features = new ArrayList<>();
        for (int c = 0; c < 1000; c++) {
            boolean drifted = c % 7 == 0;
            features.add(new FeatureDrift("column_" + c + "_" + "x".repeat(200), "categorical", "chi2", OptionalDouble.of(random.nextDouble() * 50),
                    OptionalDouble.of(drifted ? 1e-6 : 0.5), OptionalDouble.of(drifted ? 1e-4 : 0.9), drifted, OptionalDouble.of(0.01),
                    OptionalDouble.of(0.02), OptionalDouble.empty(), 100_000, 5_000, 0, bins, reference, current, Optional.empty()));
        }
        List<WindowReport> windows = new ArrayList<>();
        for (int w = 0; w < 251; w++) {
            windows.add(withWindow(withFeatures(SampleReports.window(w, 1 + w / 100, 0.3, false, new Random(w)), features), w));
        }

        long started = System.nanoTime();
        String html = MonitorReportHtml.window("wide-api", windows.get(250), windows.subList(0, 250));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        System.out.printf("a report of 1000 features x 1000 bins over 251 windows: %,d characters in %d ms%n", html.length(), took.toMillis());
        assertThat(html.length()).isLessThan(3_000_000);
        assertThat(html).contains("800 more compared features are not drawn here (none of them drifted)")
                .contains("The charts over time show the last 200 windows before this one; 50 earlier windows are left out.")
                .contains("Showing the 24 features with the most drift of 1,000.").contains("(986 other bins)").contains("revision 3");
        parse(html);
    }

    private static WindowReport withFeatures(WindowReport r, List<FeatureDrift> features) {
        int drifted = (int) features.stream().filter(FeatureDrift::drifted).count();
        return new WindowReport(r.monitor(), r.monitorRevision(), r.window(), r.startMillis(), r.endMillis(), r.partial(), r.rows(), r.status(),
                r.referenceDataset(), r.referenceVersion(), r.method(), features, features.size(), drifted, r.mmd(), r.predictions(), r.labels(),
                r.outliers(), r.performance(), r.versions(), r.source());
    }

    private static WindowReport withWindow(WindowReport r, long window) {
        return new WindowReport(r.monitor(), r.monitorRevision(), window, r.startMillis(), r.endMillis(), r.partial(), r.rows(), r.status(),
                r.referenceDataset(), r.referenceVersion(), r.method(), r.features(), r.comparedFeatures(), r.driftedFeatures(), r.mmd(),
                r.predictions(), r.labels(), r.outliers(), r.performance(), r.versions(), r.source());
    }

    /** The page parsed as XML: its markup is XHTML-compatible, so this proves every tag balanced and every attribute quoted. */
    private static Document parse(String html) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            factory.setExpandEntityReferences(false);
            return factory.newDocumentBuilder().parse(new InputSource(new StringReader(html)));
        } catch (Exception e) {
            throw new AssertionError("the page is not well-formed: " + e.getMessage(), e);
        }
    }
}
