package dev.steward.core.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.core.monitoring.WindowReport.FeatureDrift;
import dev.steward.core.monitoring.WindowReport.MmdResult;
import dev.steward.core.monitoring.WindowReport.OutlierSummary;
import dev.steward.core.monitoring.WindowReport.PerformanceSummary;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WindowReportsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aFullyPopulatedReportReadsBackEqualFieldByField() {
        WindowReport report = awkward(SampleReports.window(41, 2, 0.9, false, new Random(7)));

        WindowReport back = WindowReports.fromJson(WindowReports.toJson(report));

        assertSameReport(back, report);
        assertThat(back.mmd()).isPresent();
        assertThat(back.labels()).isPresent();
        assertThat(back.performance().get().metrics()).containsOnlyKeys("macro_f1", "log_loss");
        assertThat(back.features().get(5).skipped()).contains("more than 1000 distinct values in the reference");
    }

    @Test
    void aMinimalReportReadsBackEqualFieldByField() {
        WindowReport report = SampleReports.tooSmall(3);
        WindowReport empty = new WindowReport("m", 0, 0, 0, 0, true, 0, WindowReport.EVALUATED, "d", 1, "distance", List.of(), 0, 0,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Map.of(), WindowReport.REBUILT);

        assertSameReport(WindowReports.fromJson(WindowReports.toJson(report)), report);
        assertSameReport(WindowReports.fromJson(WindowReports.toJson(empty)), empty);
    }

    @Test
    void keysAreSnakeCaseInTheRecordsOrderAndAbsentValuesAreNull() {
        WindowReport report = SampleReports.window(0, 1, 0, true, new Random(1));

        ObjectNode json = WindowReports.toNode(report);

        assertThat(names(json)).containsExactly("monitor", "monitor_revision", "window", "start_ms", "end_ms", "partial", "rows", "status",
                "reference_dataset", "reference_version", "method", "features", "compared_features", "drifted_features", "mmd", "predictions",
                "labels", "outliers", "performance", "versions", "source");
        assertThat(names(json.get("features").get(0))).containsExactly("column", "kind", "method", "statistic", "p_value", "adjusted_p_value",
                "drifted", "psi", "jensen_shannon", "wasserstein", "reference_count", "current_count", "current_missing", "bins", "reference",
                "current", "skipped");
        assertThat(names(json.get("mmd"))).containsExactly("statistic", "p_value", "bandwidth", "reference_sample", "current_sample",
                "permutations", "drifted");
        assertThat(names(json.get("outliers"))).containsExactly("outliers", "rate", "threshold", "mean_score", "unseen_categories");
        assertThat(names(json.get("performance"))).containsExactly("task", "labelled", "accuracy", "mae", "estimated_accuracy",
                "estimation_error", "metrics");
        assertThat(json.get("labels").isNull()).isTrue();
        assertThat(json.get("performance").get("accuracy").isNull()).isTrue();
        assertThat(json.get("features").get(5).get("statistic").isNull()).isTrue();
        assertThat(json.get("features").get(0).get("skipped").isNull()).isTrue();
        assertThat(json.get("features").get(0).get("reference").isArray()).isTrue();
        assertThat(names(json.get("versions"))).containsExactly("weather-clf/4", "weather-clf/5");
    }

    @Test
    void theSameReportAlwaysGivesTheSameText() {
        WindowReport report = SampleReports.window(9, 1, 0.4, false, new Random(3));
        WindowReport copy = WindowReports.fromJson(WindowReports.toJson(report));

        assertThat(WindowReports.toJson(copy)).isEqualTo(WindowReports.toJson(report));
    }

    @Test
    void anOptionalStatisticThatIsNotFiniteIsWrittenAsNull() {
        WindowReport report = withFirstFeature(SampleReports.window(1, 1, 0, false, new Random(2)), f -> new FeatureDrift(f.column(), f.kind(),
                f.method(), f.statistic(), f.pValue(), f.adjustedPValue(), f.drifted(), OptionalDouble.of(Double.NaN), f.jensenShannon(),
                OptionalDouble.of(Double.POSITIVE_INFINITY), f.referenceCount(), f.currentCount(), f.currentMissing(), f.bins(), f.reference(),
                f.current(), f.skipped()));

        String text = WindowReports.toJson(report);

        assertThat(text).doesNotContain("NaN").doesNotContain("Infinity");
        FeatureDrift back = WindowReports.fromJson(text).features().get(0);
        assertThat(back.psi()).isEmpty();
        assertThat(back.wasserstein()).isEmpty();
    }

    @Test
    void aRequiredNumberThatIsNotFiniteIsRefusedNamingItsPath() {
        WindowReport good = SampleReports.window(1, 1, 0, false, new Random(2));
        WindowReport badMmd = new WindowReport(good.monitor(), good.monitorRevision(), good.window(), good.startMillis(), good.endMillis(),
                good.partial(), good.rows(), good.status(), good.referenceDataset(), good.referenceVersion(), good.method(), good.features(),
                good.comparedFeatures(), good.driftedFeatures(), Optional.of(new MmdResult(0.1, Double.NaN, 1, 10, 10, 20, false)),
                good.predictions(), good.labels(), good.outliers(), good.performance(), good.versions(), good.source());
        double[] fractions = good.features().get(0).current().clone();
        fractions[3] = Double.NEGATIVE_INFINITY;
        WindowReport badFraction = withFirstFeature(good, f -> new FeatureDrift(f.column(), f.kind(), f.method(), f.statistic(), f.pValue(),
                f.adjustedPValue(), f.drifted(), f.psi(), f.jensenShannon(), f.wasserstein(), f.referenceCount(), f.currentCount(),
                f.currentMissing(), f.bins(), f.reference(), fractions, f.skipped()));

        assertThatThrownBy(() -> WindowReports.toJson(badMmd)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mmd.p_value");
        assertThatThrownBy(() -> WindowReports.toJson(badFraction)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("features[0].current[3]");
    }

    @Test
    void keysItDoesNotKnowAreIgnored() {
        ObjectNode json = WindowReports.toNode(SampleReports.window(2, 1, 0.3, false, new Random(5)));
        json.put("written_by", "a newer Steward");
        ((ObjectNode) json.get("features").get(0)).put("energy_distance", 0.2);

        assertThat(WindowReports.fromJson(json.toString()).window()).isEqualTo(2);
    }

    @Test
    void aMalformedStoredReportIsDataCorruptedNamingWhatIsWrong() {
        String good = WindowReports.toJson(SampleReports.window(2, 1, 0.3, false, new Random(5)));

        assertCorrupted("", "empty");
        assertCorrupted("{\"monitor\":", "not JSON");
        assertCorrupted(good + " {}", "not JSON");
        assertCorrupted("[1, 2]", "the document is not an object");
        assertCorrupted(good.replace("\"monitor\":\"weather-monitor\",", ""), "monitor is missing");
        assertCorrupted(good.replace("\"monitor_revision\":1", "\"monitor_revision\":\"1\""), "monitor_revision should be a 32-bit integer, not a string");
        assertCorrupted(good.replace("\"monitor_revision\":1", "\"monitor_revision\":1.5"), "monitor_revision should be a 32-bit integer");
        assertCorrupted(good.replace("\"rows\":", "\"rows\":1,\"rows\":"), "not JSON");
        assertCorrupted(replaceInTree(good, n -> ((ObjectNode) n.get("features").get(1)).put("p_value", "0.2")),
                "features[1].p_value should be a finite number, not a string");
        assertCorrupted(replaceInTree(good, n -> ((ObjectNode) n.get("features").get(0)).putObject("bins")), "features[0].bins should be an array");
        assertCorrupted(replaceInTree(good, n -> ((ObjectNode) n.get("features").get(0)).withArray("current").set(2, JSON.getNodeFactory().nullNode())),
                "features[0].current[2] should be a finite number");
        assertCorrupted(replaceInTree(good, n -> ((ObjectNode) n).put("mmd", 3)), "mmd should be an object or null");
        assertCorrupted(replaceInTree(good, n -> ((ObjectNode) n.get("performance")).remove("task")), "performance.task is missing");
        assertCorrupted(replaceInTree(good, n -> ((ObjectNode) n.get("versions")).put("weather-clf/4", "many")),
                "versions.weather-clf/4 should be a 64-bit integer");
        assertCorrupted(replaceInTree(good, n -> ((ObjectNode) n.get("features").get(0)).put("drifted", "yes")),
                "features[0].drifted should be true or false");
    }

    private static void assertCorrupted(String text, String message) {
        assertThatThrownBy(() -> WindowReports.fromJson(text)).isInstanceOfSatisfying(StewardException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.DATA_CORRUPTED)).hasMessageStartingWith("a stored window report cannot be read: ")
                .hasMessageContaining(message);
    }

    private static String replaceInTree(String text, java.util.function.Consumer<JsonNode> edit) {
        try {
            JsonNode tree = JSON.readTree(text);
            edit.accept(tree);
            return JSON.writeValueAsString(tree);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Values that test exact double round trips: shortest representations, extremes, negative zero. */
    private static WindowReport awkward(WindowReport r) {
        WindowReport base = withFirstFeature(r, f -> new FeatureDrift(f.column(), f.kind(), f.method(), OptionalDouble.of(0.1 + 0.2),
                OptionalDouble.of(Double.MIN_VALUE), OptionalDouble.of(1e-300), true, OptionalDouble.of(-0.0), OptionalDouble.of(1 / 3.0),
                OptionalDouble.of(Double.MAX_VALUE), Long.MAX_VALUE, 0, 12, List.of("<script>alert(1)</script>", "\"quoted\" \\ back", "ünïcødé ✓ 𝔸"),
                new double[] {0.1, 0.7, 0.2}, new double[] {2.0 / 3, 1e-17, 1 - 2.0 / 3 - 1e-17}, f.skipped()));
        return new WindowReport(base.monitor(), base.monitorRevision(), Long.MAX_VALUE, Long.MIN_VALUE, base.endMillis(), true, base.rows(),
                base.status(), base.referenceDataset(), Integer.MAX_VALUE, base.method(), base.features(), base.comparedFeatures(), base.driftedFeatures(),
                base.mmd(), base.predictions(), base.labels(), Optional.of(new OutlierSummary(3, 3.0 / base.rows(), 4.75, 2.0000000000000004, 0)),
                base.performance(), base.versions(), WindowReport.REBUILT);
    }

    private static WindowReport withFirstFeature(WindowReport r, java.util.function.UnaryOperator<FeatureDrift> change) {
        List<FeatureDrift> features = new ArrayList<>(r.features());
        features.set(0, change.apply(features.get(0)));
        return new WindowReport(r.monitor(), r.monitorRevision(), r.window(), r.startMillis(), r.endMillis(), r.partial(), r.rows(), r.status(),
                r.referenceDataset(), r.referenceVersion(), r.method(), features, r.comparedFeatures(), r.driftedFeatures(), r.mmd(), r.predictions(),
                r.labels(), r.outliers(), r.performance(), r.versions(), r.source());
    }

    /** Every component, arrays by content (the records compare them by identity). */
    private static void assertSameReport(WindowReport actual, WindowReport expected) {
        assertThat(actual.monitor()).isEqualTo(expected.monitor());
        assertThat(actual.monitorRevision()).isEqualTo(expected.monitorRevision());
        assertThat(actual.window()).isEqualTo(expected.window());
        assertThat(actual.startMillis()).isEqualTo(expected.startMillis());
        assertThat(actual.endMillis()).isEqualTo(expected.endMillis());
        assertThat(actual.partial()).isEqualTo(expected.partial());
        assertThat(actual.rows()).isEqualTo(expected.rows());
        assertThat(actual.status()).isEqualTo(expected.status());
        assertThat(actual.referenceDataset()).isEqualTo(expected.referenceDataset());
        assertThat(actual.referenceVersion()).isEqualTo(expected.referenceVersion());
        assertThat(actual.method()).isEqualTo(expected.method());
        assertThat(actual.features()).hasSameSizeAs(expected.features());
        for (int i = 0; i < expected.features().size(); i++) {
            assertSameDrift(actual.features().get(i), expected.features().get(i));
        }
        assertThat(actual.comparedFeatures()).isEqualTo(expected.comparedFeatures());
        assertThat(actual.driftedFeatures()).isEqualTo(expected.driftedFeatures());
        assertThat(actual.mmd()).isEqualTo(expected.mmd());
        assertThat(actual.predictions().isPresent()).isEqualTo(expected.predictions().isPresent());
        expected.predictions().ifPresent(p -> assertSameDrift(actual.predictions().get(), p));
        assertThat(actual.labels().isPresent()).isEqualTo(expected.labels().isPresent());
        expected.labels().ifPresent(l -> assertSameDrift(actual.labels().get(), l));
        assertThat(actual.outliers()).isEqualTo(expected.outliers());
        assertThat(actual.performance()).isEqualTo(expected.performance());
        assertThat(actual.versions()).isEqualTo(expected.versions());
        assertThat(actual.source()).isEqualTo(expected.source());
    }

    private static void assertSameDrift(FeatureDrift actual, FeatureDrift expected) {
        assertThat(actual).usingRecursiveComparison().ignoringFields("reference", "current").isEqualTo(expected);
        assertThat(actual.reference()).containsExactly(expected.reference());
        assertThat(actual.current()).containsExactly(expected.current());
        assertThat(actual.statistic()).isEqualTo(expected.statistic());
        assertThat(actual.psi()).isEqualTo(expected.psi());
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
