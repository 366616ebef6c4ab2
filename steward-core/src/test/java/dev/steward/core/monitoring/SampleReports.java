package dev.steward.core.monitoring;

import dev.steward.core.monitoring.WindowReport.FeatureDrift;
import dev.steward.core.monitoring.WindowReport.MmdResult;
import dev.steward.core.monitoring.WindowReport.OutlierSummary;
import dev.steward.core.monitoring.WindowReport.PerformanceSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;

/**
 * Window reports for the report tests, as the engine would write them for a weather model whose
 * traffic drifts (warmer, wetter) from a given window on: seeded, so every run draws the same.
 */
final class SampleReports {
    static final long START = 1_717_200_000_000L;
    static final long MINUTE = 60_000;
    private static final String[] WEATHER = {"sun", "rain", "fog", "drizzle", "snow"};
    private static final double[] WEATHER_REFERENCE = {0.44, 0.44, 0.07, 0.04, 0.01};

    private SampleReports() {
    }

    /** Windows 0..n-1 of revision 1, drift growing from window {@code driftFrom}; labels lag the last {@code unlabelled} windows. */
    static List<WindowReport> series(int n, int driftFrom, int unlabelled, long seed) {
        Random random = new Random(seed);
        List<WindowReport> windows = new ArrayList<>();
        for (int w = 0; w < n; w++) {
            double shift = w < driftFrom ? 0 : Math.min(1.5, 0.15 * (w - driftFrom + 1));
            windows.add(window(w, 1, shift, w >= n - unlabelled, random));
        }
        return windows;
    }

    /** One evaluated window with every part present (labels too unless {@code unlabelled}). */
    static WindowReport window(long w, int revision, double shift, boolean unlabelled, Random random) {
        long rows = 2_000 + random.nextInt(400);
        List<FeatureDrift> features = new ArrayList<>();
        features.add(numeric("temp_max", shift, rows, random));
        features.add(numeric("precipitation", shift * 0.6, rows, random));
        features.add(numeric("wind", 0, rows, random));
        features.add(numeric("temp_min", shift * 0.9, rows, random));
        features.add(categorical("weather", shift, rows, random));
        features.add(new FeatureDrift("station_id", "categorical", "chi2", OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
                false, OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(), 1461, rows, 0, List.of(), new double[0], new double[0],
                Optional.of("more than 1000 distinct values in the reference")));
        adjust(features);
        int drifted = (int) features.stream().filter(FeatureDrift::drifted).count();
        double accuracy = Math.max(0.4, 0.9 - 0.12 * shift + 0.01 * random.nextGaussian());
        double estimated = Math.max(0.4, accuracy + 0.015 * random.nextGaussian());
        long labelled = unlabelled ? 0 : rows * 3 / 5;
        PerformanceSummary performance = new PerformanceSummary("classification", labelled,
                unlabelled ? OptionalDouble.empty() : OptionalDouble.of(accuracy), OptionalDouble.empty(), OptionalDouble.of(estimated),
                unlabelled ? OptionalDouble.empty() : OptionalDouble.of(Math.abs(estimated - accuracy)),
                unlabelled ? Map.of() : Map.of("macro_f1", accuracy - 0.04, "log_loss", 0.3 + 0.4 * shift));
        double mmdP = shift == 0 ? 0.2 + 0.8 * random.nextDouble() : Math.max(1.0 / 201, 0.02 / (1 + 10 * shift));
        MmdResult mmd = new MmdResult(0.001 + 0.05 * shift, mmdP, 2.31, 500, 500, 200, mmdP < 0.05);
        long outliers = Math.round(rows * (0.001 + 0.01 * shift));
        OutlierSummary outlierSummary = new OutlierSummary(outliers, (double) outliers / rows, 4.7, 1.9 + shift, Math.round(shift * 3));
        FeatureDrift predictions = categorical("prediction", shift * 0.5, rows, random);
        Optional<FeatureDrift> labels = unlabelled ? Optional.empty() : Optional.of(categorical("weather (truth)", shift * 0.7, labelled, random));
        return new WindowReport("weather-monitor", revision, w, START + w * 5 * MINUTE, START + (w + 1) * 5 * MINUTE, false, rows,
                WindowReport.EVALUATED, "seattle-weather", 3, "test", features, 5, drifted, Optional.of(mmd), Optional.of(predictions), labels,
                Optional.of(outlierSummary), Optional.of(performance), Map.of("weather-clf/4", rows - 300, "weather-clf/5", 300L), WindowReport.LIVE);
    }

    /** A window under window.min-rows: nothing tested. */
    static WindowReport tooSmall(long w) {
        return new WindowReport("weather-monitor", 1, w, START + w * 5 * MINUTE, START + (w + 1) * 5 * MINUTE, false, 17, WindowReport.TOO_SMALL,
                "seattle-weather", 3, "test", List.of(), 0, 0, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Map.of("weather-clf/4", 17L), WindowReport.LIVE);
    }

    static FeatureDrift numeric(String column, double shift, long rows, Random random) {
        int bins = 10;
        double[] reference = new double[bins];
        double[] current = new double[bins];
        List<String> labels = new ArrayList<>();
        double sum = 0;
        for (int i = 0; i < bins; i++) {
            reference[i] = 0.1;
            current[i] = 0.1 * Math.exp(shift * (i - 4.5) / 4.5) * (1 + 0.05 * random.nextGaussian());
            sum += current[i];
            labels.add(String.format(java.util.Locale.ROOT, "[%.1f, %.1f)", -2.0 + 3.5 * i, -2.0 + 3.5 * (i + 1)));
        }
        double ks = 0;
        double cumulative = 0;
        for (int i = 0; i < bins; i++) {
            current[i] /= sum;
            cumulative += current[i] - reference[i];
            ks = Math.max(ks, Math.abs(cumulative));
        }
        double p = Math.min(1, 2 * Math.exp(-2 * rows * ks * ks / 2));
        return new FeatureDrift(column, "numeric", "ks", OptionalDouble.of(ks), OptionalDouble.of(p), OptionalDouble.empty(), false,
                OptionalDouble.of(psi(reference, current)), OptionalDouble.of(Math.sqrt(ks / 4)), OptionalDouble.of(ks * 1.7), 1461, rows,
                random.nextInt(3), labels, reference, current, Optional.empty());
    }

    static FeatureDrift categorical(String column, double shift, long rows, Random random) {
        double[] current = new double[WEATHER.length];
        double sum = 0;
        for (int i = 0; i < WEATHER.length; i++) {
            current[i] = WEATHER_REFERENCE[i] * (i == 1 ? 1 + shift : 1) * (1 + 0.04 * random.nextGaussian());
            sum += current[i];
        }
        double chi2 = 0;
        for (int i = 0; i < WEATHER.length; i++) {
            current[i] /= sum;
            chi2 += rows * Math.pow(current[i] - WEATHER_REFERENCE[i], 2) / WEATHER_REFERENCE[i];
        }
        double p = Math.exp(-chi2 / 2) * (1 + chi2 / 2);
        return new FeatureDrift(column, "categorical", "chi2", OptionalDouble.of(chi2), OptionalDouble.of(Math.min(1, p)), OptionalDouble.empty(),
                p < 0.05, OptionalDouble.of(psi(WEATHER_REFERENCE, current)), OptionalDouble.of(Math.sqrt(chi2 / rows) / 2), OptionalDouble.empty(),
                1461, rows, 0, List.of(WEATHER), WEATHER_REFERENCE, current, Optional.empty());
    }

    /** Benjamini–Hochberg over the compared features, drifted below 0.05, as the engine does. */
    private static void adjust(List<FeatureDrift> features) {
        List<Integer> tested = new ArrayList<>();
        for (int i = 0; i < features.size(); i++) {
            if (features.get(i).pValue().isPresent()) {
                tested.add(i);
            }
        }
        tested.sort((a, b) -> Double.compare(features.get(a).pValue().getAsDouble(), features.get(b).pValue().getAsDouble()));
        double running = 1;
        double[] adjusted = new double[features.size()];
        for (int r = tested.size() - 1; r >= 0; r--) {
            running = Math.min(running, features.get(tested.get(r)).pValue().getAsDouble() * tested.size() / (r + 1));
            adjusted[tested.get(r)] = running;
        }
        for (int i : tested) {
            FeatureDrift f = features.get(i);
            features.set(i, new FeatureDrift(f.column(), f.kind(), f.method(), f.statistic(), f.pValue(), OptionalDouble.of(adjusted[i]),
                    adjusted[i] < 0.05, f.psi(), f.jensenShannon(), f.wasserstein(), f.referenceCount(), f.currentCount(), f.currentMissing(), f.bins(),
                    f.reference(), f.current(), f.skipped()));
        }
    }

    private static double psi(double[] reference, double[] current) {
        double psi = 0;
        for (int i = 0; i < reference.length; i++) {
            double r = Math.max(reference[i], 1e-4);
            double c = Math.max(current[i], 1e-4);
            psi += (c - r) * Math.log(c / r);
        }
        return psi;
    }
}
