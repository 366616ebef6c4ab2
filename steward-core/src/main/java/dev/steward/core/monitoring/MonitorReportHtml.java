package dev.steward.core.monitoring;

import static java.util.Objects.requireNonNull;

import dev.steward.core.monitoring.WindowReport.FeatureDrift;
import dev.steward.core.monitoring.WindowReport.MmdResult;
import dev.steward.core.monitoring.WindowReport.OutlierSummary;
import dev.steward.core.monitoring.WindowReport.PerformanceSummary;
import dev.steward.core.util.StewardVersion;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.DoubleFunction;
import java.util.function.ToDoubleFunction;

/**
 * A monitor's window as one self-contained HTML page: the window's facts and a summary strip, drift
 * over time (a heatmap of features × windows), estimated against realised accuracy over time, per
 * feature the reference's and the window's distributions with their statistics, prediction and
 * label drift, outliers and multivariate drift. Charts are inline SVG drawn here; the page loads
 * nothing (no script, font, image or style sheet from anywhere; its content security policy forbids
 * it too) and can be mailed, archived or opened offline. Every user string is escaped.
 *
 * <p>The page stays bounded whatever the monitor watches: at most {@value #MAX_FEATURES_DRAWN}
 * features drawn (the most drifted first; the page says how many it left out), at most
 * {@value #MAX_BARS} bars per distribution and {@value #MAX_BARS_TOTAL} on the page, at most {@value #MAX_HISTORY} preceding windows in the
 * charts over time and at most {@value #MAX_HEATMAP_CELLS} heatmap cells. Missing parts (a window
 * too small to test, no labels yet, MMD off) get a sentence instead of an empty chart.
 *
 * <p>The heatmap colours each feature's evidence relative to its threshold, so it needs the
 * monitor's thresholds; without them it uses {@link MonitorSpec.Drift#DEFAULTS} and says so. Whether
 * a feature drifted is always the report's own verdict (a dot). Stateless and thread-safe.
 */
public final class MonitorReportHtml {
    /** Preceding windows drawn in the charts over time (the most recent ones). */
    public static final int MAX_HISTORY = 200;
    /** Features whose distribution and statistics are drawn. */
    public static final int MAX_FEATURES_DRAWN = 200;
    /** Bars per distribution: beyond it, the bins with the least mass are drawn as one. */
    public static final int MAX_BARS = 40;
    /** Bars on the whole page: with many features drawn, each distribution gets fewer (at least {@value #MIN_BARS}). */
    public static final int MAX_BARS_TOTAL = 3_000;
    private static final int MIN_BARS = 10;
    /** Cells of the drift heatmap (features × windows); the rows are cut to fit. */
    public static final int MAX_HEATMAP_CELLS = 5_000;
    private static final int MAX_HEATMAP_FEATURES = 50;
    private static final int MAX_TITLE = 300;
    private static final DateTimeFormatter DAY_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

    private MonitorReportHtml() {
    }

    /**
     * The report of {@code report}, colouring drift against the default thresholds.
     *
     * @param history the windows before it, oldest first (the last {@value #MAX_HISTORY} are drawn)
     */
    public static String window(String deployment, WindowReport report, List<WindowReport> history) {
        // Through MonitorSpec.DEFAULTS, not Drift.DEFAULTS: initialising Drift before MonitorSpec
        // builds MonitorSpec.DEFAULTS while Drift.DEFAULTS is still null (the record's checks are
        // MonitorSpec's static methods), which fails.
        return new Page(deployment, report, history, MonitorSpec.DEFAULTS.drift(), true).render();
    }

    /**
     * The report of {@code report}, colouring drift against {@code thresholds} (the monitor's
     * {@link MonitorSpec#drift()} in the revision that evaluated it).
     *
     * @param history the windows before it, oldest first (the last {@value #MAX_HISTORY} are drawn)
     */
    public static String window(String deployment, WindowReport report, List<WindowReport> history, MonitorSpec.Drift thresholds) {
        return new Page(deployment, report, history, thresholds, false).render();
    }

    /**
     * A feature's evidence of drift relative to its threshold: 1 at the threshold, more beyond it.
     * Tests: ln(p) / ln(α) of the adjusted p-value (capped at 10); distances: the distance over its
     * threshold. Empty for a feature not compared.
     */
    public static OptionalDouble evidence(FeatureDrift f, MonitorSpec.Drift thresholds) {
        if (f.skipped().isPresent()) {
            return OptionalDouble.empty();
        }
        OptionalDouble p = f.adjustedPValue().isPresent() ? f.adjustedPValue() : f.pValue();
        return switch (f.method()) {
            case "wasserstein" -> ratio(f.wasserstein(), thresholds.wasserstein());
            case "jensen-shannon" -> ratio(f.jensenShannon(), thresholds.jensenShannon());
            default -> {
                if (p.isPresent()) {
                    double v = p.getAsDouble();
                    yield OptionalDouble.of(v <= 0 ? 10 : v >= 1 ? 0 : Math.min(10, Math.log(v) / Math.log(thresholds.alpha())));
                }
                yield f.wasserstein().isPresent() ? ratio(f.wasserstein(), thresholds.wasserstein()) : ratio(f.jensenShannon(), thresholds.jensenShannon());
            }
        };
    }

    private static OptionalDouble ratio(OptionalDouble value, double threshold) {
        return value.isPresent() && Double.isFinite(value.getAsDouble()) ? OptionalDouble.of(Math.min(10, value.getAsDouble() / threshold))
                : OptionalDouble.empty();
    }

    /** One page being written. */
    private static final class Page {
        private final String deployment;
        private final WindowReport report;
        private final List<WindowReport> windows;
        private final int droppedHistory;
        private final MonitorSpec.Drift thresholds;
        private final boolean defaultThresholds;
        private final boolean tooSmall;
        private final StringBuilder h = new StringBuilder(64 * 1024);

        Page(String deployment, WindowReport report, List<WindowReport> history, MonitorSpec.Drift thresholds, boolean defaultThresholds) {
            this.deployment = requireNonNull(deployment, "deployment is null");
            this.report = requireNonNull(report, "report is null");
            requireNonNull(history, "history is null");
            this.thresholds = requireNonNull(thresholds, "thresholds is null");
            this.defaultThresholds = defaultThresholds;
            List<WindowReport> shown = new ArrayList<>(history.subList(Math.max(0, history.size() - MAX_HISTORY), history.size()));
            shown.forEach(w -> requireNonNull(w, "history holds a null report"));
            shown.add(report);
            this.windows = List.copyOf(shown);
            this.droppedHistory = Math.max(0, history.size() - MAX_HISTORY);
            this.tooSmall = !report.status().equals(WindowReport.EVALUATED);
        }

        String render() {
            String title = "Window " + report.window() + " · " + deployment + " · Steward monitoring";
            h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>")
                    .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"/>")
                    .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>")
                    .append("<title>").append(Markup.escape(title)).append("</title>\n<style>").append(CSS).append("</style></head>\n<body><main>\n");
            header();
            summary();
            if (tooSmall) {
                h.append("<p class=\"notice\">").append(Markup.escape(tooSmallSentence())).append("</p>\n");
            }
            if (droppedHistory > 0) {
                h.append("<p class=\"note\">The charts over time show the last ").append(MAX_HISTORY).append(" windows before this one; ")
                        .append(count(droppedHistory)).append(" earlier windows are left out.</p>\n");
            } else if (windows.size() == 1) {
                h.append("<p class=\"note\">This is the first window the page was given: the charts over time grow as windows close.</p>\n");
            }
            driftOverTime();
            performance();
            features();
            predictionsAndLabels();
            outliers();
            multivariate();
            h.append("<footer>Steward ").append(Markup.escape(StewardVersion.get()))
                    .append(" · monitoring report · all times UTC · this page loads nothing from the network</footer>\n</main></body></html>\n");
            return h.toString();
        }

        private void header() {
            h.append("<header><p class=\"eyebrow\">Steward · monitoring report</p><h1>").append(Markup.escape(deployment)).append("</h1>");
            h.append("<p class=\"sub\">Window ").append(report.window()).append(" of monitor <strong>").append(Markup.escape(report.monitor()))
                    .append("</strong> (revision ").append(report.monitorRevision()).append(") ");
            badge(tooSmall ? "muted" : report.driftedFeatures() > 0 ? "alert" : "ok",
                    tooSmall ? "too small to test" : report.driftedFeatures() > 0 ? "drift" : "no drift");
            if (report.partial()) {
                badge("warn", "partial: window still open");
            }
            if (!report.source().equals(WindowReport.LIVE)) {
                badge("muted", report.source().equals(WindowReport.REBUILT) ? "rebuilt from the log" : report.source());
            }
            h.append("</p>\n<dl class=\"facts\">");
            fact("Time range (UTC)", range(report.startMillis(), report.endMillis()));
            fact("Duration", duration(report.endMillis() - report.startMillis()));
            fact("Rows", count(report.rows()));
            fact("Status", report.status().equals(WindowReport.EVALUATED) ? "evaluated" : report.status().equals(WindowReport.TOO_SMALL)
                    ? "too small (nothing tested)" : report.status());
            fact("Reference", report.referenceDataset() + "@" + report.referenceVersion());
            fact("Method", switch (report.method()) {
                case "test" -> "statistical tests (p-values corrected across features)";
                case "distance" -> "distances (Wasserstein, Jensen–Shannon)";
                default -> report.method();
            });
            if (!report.versions().isEmpty()) {
                List<Map.Entry<String, Long>> versions = new ArrayList<>(new TreeMap<>(report.versions()).entrySet());
                versions.sort(Map.Entry.<String, Long>comparingByValue().reversed());
                StringBuilder served = new StringBuilder();
                for (Map.Entry<String, Long> v : versions.subList(0, Math.min(10, versions.size()))) {
                    served.append(served.length() == 0 ? "" : ", ").append(Markup.shorten(v.getKey(), 80)).append(": ").append(count(v.getValue()));
                }
                if (versions.size() > 10) {
                    served.append(", and ").append(versions.size() - 10).append(" more");
                }
                fact("Rows per served version", served.toString());
            }
            h.append("</dl></header>\n");
        }

        private void summary() {
            h.append("<section class=\"strip\" aria-label=\"Summary\">");
            if (tooSmall) {
                card("Drifted features", "–", "not tested", "muted");
            } else {
                card("Drifted features", report.driftedFeatures() + " / " + report.comparedFeatures(),
                        report.method().equals("distance") ? "judged on distances" : "judged on tests", report.driftedFeatures() > 0 ? "alert" : "ok");
            }
            if (report.mmd().isPresent()) {
                MmdResult m = report.mmd().get();
                card("Multivariate (MMD) p-value", pValue(m.pValue()), m.drifted() ? "drift" : "no drift", m.drifted() ? "alert" : "ok");
            } else {
                card("Multivariate (MMD) p-value", "–", tooSmall ? "not tested" : "off", "muted");
            }
            if (report.outliers().isPresent()) {
                OutlierSummary o = report.outliers().get();
                card("Outlier rate", percent(o.rate()), count(o.outliers()) + " of " + count(report.rows()) + " rows", "plain");
            } else {
                card("Outlier rate", "–", tooSmall ? "not scored" : "off", "muted");
            }
            Optional<PerformanceSummary> p = report.performance();
            OptionalDouble realised = p.map(PerformanceSummary::accuracy).orElse(OptionalDouble.empty());
            OptionalDouble estimated = p.map(PerformanceSummary::estimatedAccuracy).orElse(OptionalDouble.empty());
            OptionalDouble mae = p.map(PerformanceSummary::mae).orElse(OptionalDouble.empty());
            if (realised.isPresent()) {
                card("Accuracy (realised)", percent(realised.getAsDouble()), estimated.isPresent() ? "estimated " + percent(estimated.getAsDouble())
                        : count(p.get().labelled()) + " labelled rows", "plain");
            } else if (estimated.isPresent()) {
                card("Accuracy (estimated)", percent(estimated.getAsDouble()), "no labels yet", "plain");
            } else if (mae.isPresent()) {
                card("Mean absolute error", statistic(mae.getAsDouble()), count(p.get().labelled()) + " labelled rows", "plain");
            } else {
                card("Accuracy", "–", p.isPresent() ? "no labels yet" : "not evaluated", "muted");
            }
            if (report.predictions().isPresent()) {
                FeatureDrift pd = report.predictions().get();
                card("Prediction drift", headline(pd), pd.drifted() ? "drift" : "no drift", pd.drifted() ? "alert" : "ok");
            } else {
                card("Prediction drift", "–", "not computed", "muted");
            }
            h.append("</section>\n");
        }

        private void driftOverTime() {
            h.append("<section><h2>Drift over time</h2>");
            List<String> rows = heatmapRows();
            if (rows.isEmpty()) {
                h.append("<p class=\"empty\">No window shown here compared any feature yet.</p></section>\n");
                return;
            }
            int perRow = windows.size();
            int fit = Math.max(1, Math.min(Math.min(MAX_HEATMAP_FEATURES, rows.size()), MAX_HEATMAP_CELLS / perRow));
            int total = rows.size();
            rows = rows.subList(0, fit);
            List<Map<String, FeatureDrift>> byWindow = new ArrayList<>();
            for (WindowReport w : windows) {
                Map<String, FeatureDrift> columns = new HashMap<>();
                w.features().forEach(f -> columns.putIfAbsent(f.column(), f));
                byWindow.add(columns);
            }
            double label = 150;
            double cell = Math.max(3, Math.min(24, (900 - label - 8) / perRow));
            double rowHeight = 16;
            double top = 20;
            double width = label + perRow * cell + 8;
            Svg svg = new Svg(width, top + rows.size() * rowHeight + 4, "chart heat", "Drift of each feature in each window");
            int step = tickStep(perRow, Math.max(2, (int) ((perRow * cell) / 44)));
            for (int i = 0; i < perRow; i += step) {
                svg.text(label + i * cell + cell / 2, 12, "middle", "lbl", "w" + windows.get(i).window(), null);
            }
            for (int r = 0; r < rows.size(); r++) {
                String column = rows.get(r);
                double y = top + r * rowHeight;
                svg.text(label - 6, y + 12, "end", "lbl", Markup.shorten(column, 22), Markup.shorten(column, MAX_TITLE));
                for (int i = 0; i < perRow; i++) {
                    WindowReport w = windows.get(i);
                    FeatureDrift f = byWindow.get(i).get(column);
                    double x = label + i * cell;
                    OptionalDouble e = f == null || !w.status().equals(WindowReport.EVALUATED) ? OptionalDouble.empty() : evidence(f, thresholds);
                    String name = Markup.shorten(column, 60) + " · window " + w.window();
                    if (e.isEmpty()) {
                        svg.rect(x + 0.5, y + 0.5, cell - 1, rowHeight - 1, "na", name + ": "
                                + (!w.status().equals(WindowReport.EVALUATED) ? "too small to test" : f == null ? "not watched" : "not compared"));
                        continue;
                    }
                    svg.rect(x + 0.5, y + 0.5, cell - 1, rowHeight - 1, heatClass(e.getAsDouble()), name + ": " + headline(f) + (f.drifted() ? ", drifted" : ""));
                    if (f.drifted()) {
                        svg.circle(x + cell / 2, y + rowHeight / 2, Math.max(1.2, Math.min(cell, rowHeight) / 4.5), "dot", null);
                    }
                }
            }
            if (windows.size() > 1) {
                svg.rect(label + (perRow - 1) * cell, top - 2, cell, rows.size() * rowHeight + 4, "nowline", null);
            }
            h.append("<div class=\"scroll\">").append(svg.end()).append("</div>");
            h.append("<p class=\"legend\">");
            String[][] keys = {{"h0", "under 0.5× the threshold"}, {"h1", "0.5–0.8×"}, {"h2", "0.8–1×"}, {"h3", "1–2× (past it)"}, {"h4", "2× or more"},
                {"na", "not compared"}};
            for (String[] key : keys) {
                h.append("<span class=\"key ").append(key[0]).append("\"></span>").append(key[1]).append(' ');
            }
            h.append("<span class=\"key dotkey\"></span>flagged as drifted</p>");
            h.append("<p class=\"note\">Colour: evidence of drift relative to its threshold, 1× being the threshold. For tests, ln(adjusted p) / ln(α)"
                    + " with α = ").append(statistic(thresholds.alpha())).append("; for distances, the Wasserstein distance over ")
                    .append(statistic(thresholds.wasserstein())).append(" or the Jensen–Shannon distance over ").append(statistic(thresholds.jensenShannon()))
                    .append(defaultThresholds ? " (the defaults: this monitor's own thresholds may differ, the dots are its verdicts)." : ".")
                    .append(" The outlined column is this window.");
            if (fit < total) {
                h.append(" Showing the ").append(fit).append(" features with the most drift of ").append(count(total)).append('.');
            }
            h.append("</p></section>\n");
        }

        /** Every feature seen in the windows shown, the most drifted (now, then over time) first. */
        private List<String> heatmapRows() {
            record Rank(String column, boolean now, int drifts, double evidence, int order) {
            }
            Map<String, Rank> ranks = new LinkedHashMap<>();
            for (int i = windows.size() - 1; i >= 0; i--) {
                WindowReport w = windows.get(i);
                if (!w.status().equals(WindowReport.EVALUATED)) {
                    continue;
                }
                for (FeatureDrift f : w.features()) {
                    Rank old = ranks.get(f.column());
                    double e = evidence(f, thresholds).orElse(0);
                    boolean now = w == report && f.drifted();
                    ranks.put(f.column(), old == null ? new Rank(f.column(), now, f.drifted() ? 1 : 0, e, ranks.size())
                            : new Rank(f.column(), old.now || now, old.drifts + (f.drifted() ? 1 : 0), Math.max(old.evidence, e), old.order));
                }
            }
            return ranks.values().stream().sorted(Comparator.comparing(Rank::now).reversed().thenComparing(Comparator.comparingInt(Rank::drifts).reversed())
                    .thenComparing(Comparator.comparingDouble(Rank::evidence).reversed()).thenComparingInt(Rank::order)).map(Rank::column).toList();
        }

        private void performance() {
            h.append("<section><h2>Performance</h2>");
            Optional<PerformanceSummary> now = report.performance();
            if (now.isEmpty()) {
                h.append("<p class=\"empty\">").append(tooSmall ? "Performance was not evaluated: the window is too small."
                        : "Performance is not evaluated for this window.").append("</p>");
            } else {
                PerformanceSummary p = now.get();
                if (p.labelled() == 0) {
                    h.append("<p class=\"empty\">").append(NO_LABELS).append("</p>");
                }
                h.append("<table class=\"kv\"><tbody>");
                row("Task", p.task());
                row("Labelled rows", count(p.labelled()) + (report.rows() > 0 ? " (" + percent((double) p.labelled() / report.rows()) + " of the window)" : ""));
                p.accuracy().ifPresent(a -> row("Accuracy (realised)", percent(a)));
                p.estimatedAccuracy().ifPresent(a -> row("Accuracy (estimated without labels)", percent(a)));
                p.estimationError().ifPresent(a -> row("Estimation error", points(a)));
                p.mae().ifPresent(a -> row("Mean absolute error", statistic(a)));
                new TreeMap<>(p.metrics()).forEach((name, value) -> row(name, statistic(value)));
                h.append("</tbody></table>");
            }
            boolean accuracy = windows.stream().anyMatch(w -> w.metric(AlertCondition.Metric.ACCURACY).isPresent()
                    || w.metric(AlertCondition.Metric.ESTIMATED_ACCURACY).isPresent());
            boolean mae = windows.stream().anyMatch(w -> w.metric(AlertCondition.Metric.MAE).isPresent());
            if (accuracy) {
                double[] realised = values(w -> w.metric(AlertCondition.Metric.ACCURACY).orElse(Double.NaN));
                double[] estimated = values(w -> w.metric(AlertCondition.Metric.ESTIMATED_ACCURACY).orElse(Double.NaN));
                double low = Math.min(min(realised), min(estimated));
                double floor = Double.isFinite(low) ? Math.max(0, Math.floor((low - 0.05) * 10) / 10) : 0;
                h.append("<h3>Estimated and realised accuracy over time</h3>");
                lineChart("Accuracy per window: realised from feedback and estimated without labels",
                        List.of(new Series("realised", "s1", realised), new Series("estimated", "s2", estimated)), floor, 1, MonitorReportHtml::percent);
            } else if (mae) {
                double[] values = values(w -> w.metric(AlertCondition.Metric.MAE).orElse(Double.NaN));
                h.append("<h3>Mean absolute error over time</h3>");
                lineChart("Mean absolute error per window", List.of(new Series("mean absolute error", "s1", values)), 0, niceCeil(max(values)),
                        MonitorReportHtml::statistic);
            } else {
                h.append("<p class=\"empty\">No window shown here has a realised or estimated performance yet.</p>");
            }
            h.append("</section>\n");
        }

        private void features() {
            h.append("<section><h2>Features</h2>");
            if (tooSmall) {
                h.append("<p class=\"empty\">").append(Markup.escape(tooSmallSentence())).append("</p></section>\n");
                return;
            }
            if (report.features().isEmpty()) {
                h.append("<p class=\"empty\">This window compared no feature.</p></section>\n");
                return;
            }
            List<Integer> order = new ArrayList<>();
            List<FeatureDrift> skipped = new ArrayList<>();
            for (int i = 0; i < report.features().size(); i++) {
                if (report.features().get(i).skipped().isPresent()) {
                    skipped.add(report.features().get(i));
                } else {
                    order.add(i);
                }
            }
            double[] evidence = report.features().stream().mapToDouble(f -> evidence(f, thresholds).orElse(0)).toArray();
            order.sort(Comparator.<Integer, Boolean>comparing(i -> report.features().get(i).drifted()).reversed()
                    .thenComparing(Comparator.<Integer>comparingDouble(i -> evidence[i]).reversed()).thenComparingInt(i -> i));
            int drawn = Math.min(MAX_FEATURES_DRAWN, order.size());
            h.append("<p class=\"legend\"><span class=\"key ref\"></span>reference <span class=\"key cur\"></span>this window"
                    + " <span class=\"muted\">· share of rows per bin (quantile bins of the reference for numbers, categories for categories);"
                    + " most drifted first</span></p><div class=\"cards\">");
            int bars = Math.max(MIN_BARS, Math.min(MAX_BARS, MAX_BARS_TOTAL / Math.max(1, drawn)));
            for (int i : order.subList(0, drawn)) {
                featureCard(report.features().get(i), "f" + i, Markup.shorten(report.features().get(i).column(), 80), bars);
            }
            h.append("</div>");
            if (drawn < order.size()) {
                List<Integer> rest = order.subList(drawn, order.size());
                long drifted = rest.stream().filter(i -> report.features().get(i).drifted()).count();
                h.append("<p class=\"note\">").append(count(rest.size())).append(" more compared features are not drawn here (")
                        .append(drifted == 0 ? "none of them drifted" : count(drifted) + " of them drifted")
                        .append("); the window's JSON report holds them all.</p>");
            }
            if (!skipped.isEmpty()) {
                h.append("<h3>Not compared</h3><table class=\"grid\"><thead><tr><th>Column</th><th>Why</th></tr></thead><tbody>");
                for (FeatureDrift f : skipped.subList(0, Math.min(MAX_FEATURES_DRAWN, skipped.size()))) {
                    h.append("<tr><td>").append(Markup.escape(Markup.shorten(f.column(), 80))).append("</td><td>")
                            .append(Markup.escape(Markup.shorten(f.skipped().get(), 300))).append("</td></tr>");
                }
                h.append("</tbody></table>");
                if (skipped.size() > MAX_FEATURES_DRAWN) {
                    h.append("<p class=\"note\">").append(count(skipped.size() - MAX_FEATURES_DRAWN)).append(" more columns were not compared.</p>");
                }
            }
            h.append("</section>\n");
        }

        private void predictionsAndLabels() {
            h.append("<section><h2>Predictions and labels</h2>");
            if (tooSmall) {
                h.append("<p class=\"empty\">").append(Markup.escape(tooSmallSentence())).append("</p></section>\n");
                return;
            }
            h.append("<div class=\"cards\">");
            if (report.predictions().isPresent()) {
                featureCard(report.predictions().get(), "predictions", "Predictions", MAX_BARS);
            } else {
                h.append("<article class=\"card\"><h3>Predictions</h3><p class=\"empty\">Prediction drift was not computed for this window:"
                        + " the reference's predictions are not available.</p></article>");
            }
            if (report.labels().isPresent()) {
                featureCard(report.labels().get(), "labels", "Ground truth (labels)", MAX_BARS);
            } else {
                h.append("<article class=\"card\"><h3>Ground truth (labels)</h3><p class=\"empty\">").append(NO_LABELS).append("</p></article>");
            }
            h.append("</div></section>\n");
        }

        private void outliers() {
            h.append("<section><h2>Outliers</h2>");
            if (report.outliers().isPresent()) {
                OutlierSummary o = report.outliers().get();
                h.append("<table class=\"kv\"><tbody>");
                row("Outliers", count(o.outliers()) + " of " + count(report.rows()) + " rows");
                row("Rate", percent(o.rate()));
                row("Threshold (score)", statistic(o.threshold()));
                row("Mean score", statistic(o.meanScore()));
                row("Categories the reference never had", count(o.unseenCategories()));
                h.append("</tbody></table>");
            } else {
                h.append("<p class=\"empty\">").append(tooSmall ? "Outliers were not counted: the window is too small."
                        : "Outlier scoring is off for this monitor, so no row was scored.").append("</p>");
            }
            if (windows.size() > 1 && windows.stream().anyMatch(w -> w.metric(AlertCondition.Metric.OUTLIER_RATE).isPresent())) {
                double[] rates = values(w -> w.metric(AlertCondition.Metric.OUTLIER_RATE).orElse(Double.NaN));
                h.append("<h3>Outlier rate over time</h3>");
                lineChart("Outlier rate per window", List.of(new Series("outlier rate", "s1", rates)), 0, niceCeil(max(rates)), MonitorReportHtml::percent);
            }
            h.append("</section>\n");
        }

        private void multivariate() {
            h.append("<section><h2>Multivariate drift (MMD)</h2>");
            if (report.mmd().isPresent()) {
                MmdResult m = report.mmd().get();
                h.append("<table class=\"kv\"><tbody>");
                row("Verdict", m.drifted() ? "drift" : "no drift");
                row("MMD² statistic", statistic(m.statistic()));
                row("p-value (permutation test)", pValue(m.pValue()));
                row("Permutations", count(m.permutations()));
                row("Kernel bandwidth (median heuristic)", statistic(m.bandwidth()));
                row("Rows sampled (reference / window)", count(m.referenceSample()) + " / " + count(m.currentSample()));
                h.append("</tbody></table>");
            } else {
                h.append("<p class=\"empty\">").append(tooSmall ? "MMD was not computed: the window is too small."
                        : "MMD was not computed for this window: multivariate drift is off for this monitor.").append("</p>");
            }
            if (windows.size() > 1 && windows.stream().anyMatch(w -> w.metric(AlertCondition.Metric.MMD_P_VALUE).isPresent())) {
                h.append("<h3>MMD p-value over time</h3>");
                lineChart("MMD p-value per window", List.of(new Series("p-value", "s1", values(w -> w.metric(AlertCondition.Metric.MMD_P_VALUE)
                        .orElse(Double.NaN)))), 0, 1, MonitorReportHtml::pValue);
            }
            h.append("</section>\n");
        }

        private void featureCard(FeatureDrift f, String id, String title, int maxBars) {
            h.append("<article class=\"card\" id=\"").append(id).append("\"><h3 title=\"").append(Markup.escape(Markup.shorten(f.column(), MAX_TITLE)))
                    .append("\">").append(Markup.escape(title)).append("</h3><p class=\"tags\">");
            badge(f.skipped().isPresent() ? "muted" : f.drifted() ? "alert" : "ok", f.skipped().isPresent() ? "not compared" : f.drifted() ? "drift" : "no drift");
            badge("muted", f.kind());
            badge("muted", methodName(f.method()));
            h.append("</p>");
            if (f.skipped().isPresent()) {
                h.append("<p class=\"empty\">Not compared: ").append(Markup.escape(Markup.shorten(f.skipped().get(), 300))).append("</p></article>");
                return;
            }
            distribution(f, maxBars);
            h.append("<table class=\"kv\"><tbody>");
            row("Statistic", optional(f.statistic(), MonitorReportHtml::statistic));
            row("p-value", optional(f.pValue(), MonitorReportHtml::pValue));
            row("Adjusted p-value", optional(f.adjustedPValue(), MonitorReportHtml::pValue));
            row("PSI", optional(f.psi(), MonitorReportHtml::statistic));
            row("Jensen–Shannon", optional(f.jensenShannon(), MonitorReportHtml::statistic));
            row("Wasserstein ÷ ref. std", optional(f.wasserstein(), MonitorReportHtml::statistic));
            row("Rows: reference / window", count(f.referenceCount()) + " / " + count(f.currentCount()));
            row("Missing in window", count(f.currentMissing()));
            h.append("</tbody></table></article>");
        }

        /** Reference and window side by side over the bins, as horizontal bars (at most {@code maxBars}). */
        private void distribution(FeatureDrift f, int maxBars) {
            int n = f.bins().size();
            if (n == 0 || f.reference().length != n || f.current().length != n) {
                h.append("<p class=\"empty\">").append(n == 0 ? "The report holds no distribution for this column."
                        : "The distribution cannot be drawn: the report's bins and fractions differ in length.").append("</p>");
                return;
            }
            List<String> labels = new ArrayList<>();
            List<double[]> bars = new ArrayList<>();
            if (n <= maxBars) {
                for (int i = 0; i < n; i++) {
                    labels.add(f.bins().get(i));
                    bars.add(new double[] {f.reference()[i], f.current()[i]});
                }
            } else {
                List<Integer> top = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    top.add(i);
                }
                top.sort(Comparator.<Integer>comparingDouble(i -> Math.max(f.reference()[i], f.current()[i])).reversed().thenComparingInt(i -> i));
                List<Integer> kept = new ArrayList<>(top.subList(0, maxBars - 1));
                kept.sort(null);
                double ref = 0;
                double cur = 0;
                for (int i : top.subList(maxBars - 1, n)) {
                    ref += f.reference()[i];
                    cur += f.current()[i];
                }
                for (int i : kept) {
                    labels.add(f.bins().get(i));
                    bars.add(new double[] {f.reference()[i], f.current()[i]});
                }
                labels.add("(" + (n - maxBars + 1) + " other bins)");
                bars.add(new double[] {ref, cur});
            }
            double highest = 0;
            for (double[] bar : bars) {
                highest = Math.max(highest, Math.max(bar[0], bar[1]));
            }
            double[] ticks = ticks(0, highest);
            double max = ticks[ticks.length - 1];
            double width = 320;
            double label = 100;
            double plot = width - label - 16;
            double row = 22;
            double height = 6 + bars.size() * row + 32;
            Svg svg = new Svg(width, height, "chart bars", "Share of rows per bin, reference and window: " + Markup.shorten(f.column(), 80));
            for (int t = 0; t < ticks.length; t++) {
                double x = label + plot * ticks[t] / max;
                svg.line(x, 4, x, 6 + bars.size() * row, t == 0 ? "axis" : "gridline");
                svg.text(x, 6 + bars.size() * row + 14, "middle", "lbl", percent(ticks[t]), null);
            }
            for (int b = 0; b < bars.size(); b++) {
                double y = 6 + b * row;
                String text = labels.get(b);
                svg.text(label - 6, y + 15, "end", "lbl", Markup.shorten(text, 14), null);
                svg.rect(label, y + 3, plot * bars.get(b)[0] / max, 7.5, "ref", null);
                svg.rect(label, y + 11, plot * bars.get(b)[1] / max, 7.5, "cur", null);
                svg.rect(0, y, width, row, "hit", Markup.shorten(text, 120) + ": reference " + percent(bars.get(b)[0]) + ", window " + percent(bars.get(b)[1]));
            }
            svg.text(label + plot / 2, height - 3, "middle", "lbl axis-title", "share of rows", null);
            h.append(svg.end());
        }

        private record Series(String name, String cssClass, double[] values) {
        }

        /** A line per series over the windows shown (NaN: no value, the line breaks), with the revision changes marked. */
        private void lineChart(String label, List<Series> series, double yMin, double yMax, DoubleFunction<String> format) {
            double[] ticks = ticks(yMin, yMax > yMin ? yMax : yMin + 1);
            int n = windows.size();
            double width = 900;
            double height = 240;
            double left = 64;
            double right = 16;
            double top = 14;
            double bottom = 34;
            double plotW = width - left - right;
            double plotH = height - top - bottom;
            double lo = yMin;
            double span = ticks[ticks.length - 1] - yMin;
            java.util.function.IntToDoubleFunction x = i -> left + (n == 1 ? plotW / 2 : plotW * i / (n - 1));
            java.util.function.DoubleUnaryOperator y = v -> top + plotH * (1 - (Math.max(lo, Math.min(lo + span, v)) - lo) / span);
            Svg svg = new Svg(width, height, "chart line", label);
            for (int t = 0; t < ticks.length; t++) {
                double v = ticks[t];
                svg.line(left, y.applyAsDouble(v), width - right, y.applyAsDouble(v), t == 0 ? "axis" : "gridline");
                svg.text(left - 8, y.applyAsDouble(v) + 4, "end", "lbl", format.apply(v), null);
            }
            svg.rect(x.applyAsDouble(n - 1) - 5, top, 10, plotH, "now", "this window");
            int step = tickStep(n, 10);
            for (int i = 0; i < n; i += step) {
                svg.text(x.applyAsDouble(i), height - bottom + 16, "middle", "lbl", "w" + windows.get(i).window(), null);
            }
            for (int i = 1; i < n; i++) {
                if (windows.get(i).monitorRevision() != windows.get(i - 1).monitorRevision()) {
                    double at = (x.applyAsDouble(i) + x.applyAsDouble(i - 1)) / 2;
                    svg.line(at, top, at, top + plotH, "revision");
                    svg.text(at + 3, top + 10, "start", "lbl", "revision " + windows.get(i).monitorRevision(), null);
                }
            }
            svg.text(left + plotW / 2, height - 4, "middle", "lbl axis-title", "window", null);
            for (Series s : series) {
                List<double[]> run = new ArrayList<>();
                for (int i = 0; i <= n; i++) {
                    double v = i < n ? s.values[i] : Double.NaN;
                    if (Double.isFinite(v)) {
                        run.add(new double[] {x.applyAsDouble(i), y.applyAsDouble(v)});
                    } else {
                        if (run.size() > 1) {
                            svg.polyline(run, "ln " + s.cssClass);
                        }
                        run.clear();
                    }
                }
                for (int i = 0; i < n; i++) {
                    double v = s.values[i];
                    boolean alone = (i == 0 || !Double.isFinite(s.values[i - 1])) && (i == n - 1 || !Double.isFinite(s.values[i + 1]));
                    if (Double.isFinite(v) && (n <= 60 || alone || i == n - 1)) {
                        svg.circle(x.applyAsDouble(i), y.applyAsDouble(v), 3, "pt " + s.cssClass, "window " + windows.get(i).window() + ": " + s.name + " "
                                + format.apply(v));
                    }
                }
            }
            h.append(svg.end()).append("<p class=\"legend\">");
            for (Series s : series) {
                h.append("<span class=\"key ").append(s.cssClass).append("\"></span>").append(Markup.escape(s.name)).append(' ');
            }
            h.append("<span class=\"muted\">· the shaded band is this window</span></p>");
        }

        private double[] values(ToDoubleFunction<WindowReport> value) {
            return windows.stream().mapToDouble(value).toArray();
        }

        private String tooSmallSentence() {
            return "This window has " + count(report.rows()) + (report.rows() == 1 ? " row" : " rows")
                    + ", fewer than the monitor's minimum (window.min-rows): nothing was tested, so there is no drift, outlier or performance"
                    + " figure for it.";
        }

        private void fact(String name, String value) {
            h.append("<div><dt>").append(Markup.escape(name)).append("</dt><dd>").append(Markup.escape(value)).append("</dd></div>");
        }

        private void card(String name, String value, String detail, String state) {
            h.append("<div class=\"stat ").append(state).append("\"><span class=\"name\">").append(Markup.escape(name)).append("</span><span class=\"value\">")
                    .append(Markup.escape(value)).append("</span><span class=\"detail\">").append(Markup.escape(detail)).append("</span></div>");
        }

        private void badge(String state, String text) {
            h.append("<span class=\"badge ").append(state).append("\">").append(Markup.escape(text)).append("</span>");
        }

        private void row(String name, String value) {
            h.append("<tr><th scope=\"row\">").append(Markup.escape(Markup.shorten(name, 120))).append("</th><td>").append(Markup.escape(value))
                    .append("</td></tr>");
        }
    }

    private static final String NO_LABELS = "No labels have arrived for this window yet: realised accuracy and label drift appear as feedback comes in.";

    private static final String CSS = ":root{--ink:#111827;--muted:#4b5563;--line:#e5e7eb;--panel:#f8fafc;--accent:#1d4ed8;--ref:#64748b;--cur:#2563eb;"
            + "--alert:#b91c1c;--ok:#15803d;--warn:#92400e}"
            + "*{box-sizing:border-box}body{margin:0;background:#fff;color:var(--ink);font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}"
            + "main{max-width:72rem;margin:0 auto;padding:1.5rem 1.25rem 3rem}"
            + "header{border-bottom:1px solid var(--line);padding-bottom:1rem;margin-bottom:1.25rem}"
            + ".eyebrow{margin:0;color:var(--muted);font-size:.8rem;letter-spacing:.06em;text-transform:uppercase}"
            + "h1{margin:.1rem 0 .2rem;font-size:1.7rem;line-height:1.2;overflow-wrap:anywhere}"
            + "h2{font-size:1.2rem;margin:2rem 0 .6rem;padding-bottom:.3rem;border-bottom:1px solid var(--line)}"
            + "h3{font-size:1rem;margin:1rem 0 .4rem;overflow-wrap:anywhere}"
            + ".sub{margin:0 0 .8rem;color:var(--muted)}.sub strong{color:var(--ink)}"
            + ".facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,14rem),1fr));gap:.6rem 1.2rem;margin:0}"
            + ".facts dt{font-size:.78rem;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}.facts dd{margin:0;overflow-wrap:anywhere}"
            + ".strip{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,10.5rem),1fr));gap:.75rem;margin:1rem 0}"
            + ".stat{border:1px solid var(--line);border-top:4px solid var(--ref);border-radius:6px;padding:.6rem .8rem;background:var(--panel);"
            + "display:flex;flex-direction:column}"
            + ".stat.alert{border-top-color:var(--alert)}.stat.ok{border-top-color:var(--ok)}.stat.muted{border-top-color:#cbd5e1}"
            + ".stat .name{font-size:.8rem;color:var(--muted)}.stat .value{font-size:1.5rem;font-weight:650;font-variant-numeric:tabular-nums}"
            + ".stat .detail{font-size:.85rem;color:var(--muted)}.stat.alert .detail{color:var(--alert);font-weight:600}"
            + ".badge{display:inline-block;font-size:.75rem;font-weight:600;padding:.05rem .5rem;border-radius:999px;margin:0 .3rem .2rem 0;"
            + "border:1px solid transparent;vertical-align:middle}"
            + ".badge.alert{background:#fee2e2;color:#991b1b;border-color:#fecaca}.badge.ok{background:#dcfce7;color:#166534;border-color:#bbf7d0}"
            + ".badge.warn{background:#fef3c7;color:#92400e;border-color:#fde68a}.badge.muted{background:#f1f5f9;color:#334155;border-color:#e2e8f0}"
            + ".notice{background:#fffbeb;border:1px solid #fde68a;color:#78350f;border-radius:6px;padding:.7rem 1rem}"
            + ".note,.muted{color:var(--muted);font-size:.88rem}.empty{color:var(--muted);font-style:italic}"
            + ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,22rem),1fr));gap:1rem}"
            + ".card{border:1px solid var(--line);border-radius:8px;padding:.2rem 1rem .8rem;background:#fff}.card h3{margin-bottom:.2rem}"
            + ".tags{margin:0 0 .4rem}"
            + "table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}"
            + ".kv th,.kv td{padding:.2rem .4rem;border-bottom:1px solid var(--line);font-size:.88rem;text-align:left;vertical-align:top}"
            + ".kv th{font-weight:500;color:var(--muted);width:50%}.card .kv th{width:auto}.kv{max-width:40rem}"
            + ".grid th,.grid td{border:1px solid var(--line);padding:.3rem .5rem;text-align:left;font-size:.88rem;overflow-wrap:anywhere}"
            + ".grid th{background:var(--panel)}"
            + ".chart{display:block;width:100%;height:auto;font-family:inherit}.chart.bars{max-width:30rem}"
            + ".scroll{overflow-x:auto}.chart.heat{min-width:36rem}"
            + ".lbl{fill:#374151;font-size:11px}.bars .lbl{font-size:11.5px}.axis-title{fill:var(--muted)}.axis{stroke:#9ca3af;stroke-width:1}.gridline{stroke:var(--line);stroke-width:1}"
            + ".ref{fill:var(--ref)}.cur{fill:var(--cur)}.hit{fill:transparent}.hit:hover{fill:rgba(37,99,235,.07)}"
            + ".h0{fill:#f1f5f9}.h1{fill:#fde68a}.h2{fill:#f59e0b}.h3{fill:#dc2626}.h4{fill:#7f1d1d}.na{fill:#fff;stroke:#e5e7eb;stroke-width:1}"
            + ".dot{fill:#fff;stroke:#111827;stroke-width:.8}.nowline{fill:none;stroke:#111827;stroke-width:1.2}"
            + ".now{fill:rgba(29,78,216,.08)}.revision{stroke:#6b7280;stroke-dasharray:4 3}"
            + ".ln{fill:none;stroke-width:2}.ln.s1{stroke:var(--cur)}.ln.s2{stroke:#c2410c;stroke-dasharray:6 4}.pt.s1{fill:var(--cur)}.pt.s2{fill:#c2410c}"
            + ".legend{font-size:.85rem;margin:.4rem 0}.key{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;margin:0 .3rem 0 .6rem;"
            + "vertical-align:-.1rem;border:1px solid #d1d5db}.key:first-child{margin-left:0}"
            + ".key.ref{background:var(--ref)}.key.cur,.key.s1{background:var(--cur)}.key.s2{background:#c2410c}"
            + ".key.h0{background:#f1f5f9}.key.h1{background:#fde68a}.key.h2{background:#f59e0b}.key.h3{background:#dc2626}.key.h4{background:#7f1d1d}"
            + ".key.na{background:#fff}.key.dotkey{border-radius:50%;background:#fff;border:1.5px solid #111827;width:.6rem;height:.6rem}"
            + "footer{margin-top:2.5rem;padding-top:.8rem;border-top:1px solid var(--line);color:var(--muted);font-size:.8rem}"
            + "@media print{.hit:hover{fill:transparent}main{max-width:none}}";

    private static String heatClass(double evidence) {
        return evidence < 0.5 ? "h0" : evidence < 0.8 ? "h1" : evidence < 1 ? "h2" : evidence < 2 ? "h3" : "h4";
    }

    /** The main figure of a column's drift: its adjusted p-value when tested, else its distance. */
    private static String headline(FeatureDrift f) {
        if (f.adjustedPValue().isPresent()) {
            return "adjusted p " + pValue(f.adjustedPValue().getAsDouble());
        }
        if (f.pValue().isPresent()) {
            return "p " + pValue(f.pValue().getAsDouble());
        }
        if (f.method().equals("jensen-shannon") && f.jensenShannon().isPresent()) {
            return "JS " + statistic(f.jensenShannon().getAsDouble());
        }
        if (f.wasserstein().isPresent()) {
            return "W " + statistic(f.wasserstein().getAsDouble());
        }
        if (f.jensenShannon().isPresent()) {
            return "JS " + statistic(f.jensenShannon().getAsDouble());
        }
        return f.statistic().isPresent() ? "statistic " + statistic(f.statistic().getAsDouble()) : "–";
    }

    private static String methodName(String method) {
        return switch (method) {
            case "ks" -> "Kolmogorov–Smirnov";
            case "chi2" -> "chi-squared";
            case "wasserstein" -> "Wasserstein";
            case "jensen-shannon" -> "Jensen–Shannon";
            default -> method;
        };
    }

    private static String optional(OptionalDouble value, DoubleFunction<String> format) {
        return value.isPresent() && Double.isFinite(value.getAsDouble()) ? format.apply(value.getAsDouble()) : "–";
    }

    /** A fraction as a percentage, with enough decimals for rates near zero. */
    static String percent(double fraction) {
        double v = fraction * 100;
        if (v == 0) {
            return "0%";
        }
        if (Math.abs(v) >= 10 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%.1f%%", v).replace(".0%", "%");
        }
        if (Math.abs(v) >= 0.01) {
            return stripZeros(String.format(Locale.ROOT, "%.2f", v)) + "%";
        }
        return "< 0.01%";
    }

    /** A difference of two fractions, in percentage points. */
    private static String points(double difference) {
        return stripZeros(String.format(Locale.ROOT, "%.2f", difference * 100)) + " points";
    }

    /** A p-value: three decimals, scientific below 0.001. */
    static String pValue(double p) {
        if (p == 0) {
            return "0";
        }
        if (p >= 0.001) {
            return stripZeros(String.format(Locale.ROOT, "%.3f", p));
        }
        String s = String.format(Locale.ROOT, "%.1e", p);
        return s.replaceFirst("e-0*", "e-");
    }

    /** A statistic with four significant digits. */
    static String statistic(double value) {
        if (!Double.isFinite(value)) {
            return "–";
        }
        if (value == 0) {
            return "0";
        }
        if (Math.abs(value) >= 1e6 || Math.abs(value) < 1e-4) {
            return String.format(Locale.ROOT, "%.3e", value).replaceFirst("e\\+0*", "e").replaceFirst("e-0*", "e-");
        }
        return new BigDecimal(value).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }

    private static String stripZeros(String decimal) {
        return decimal.contains(".") ? decimal.replaceFirst("0+$", "").replaceFirst("\\.$", "") : decimal;
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String range(long start, long end) {
        String from = DAY_TIME.format(Instant.ofEpochMilli(start));
        boolean sameDay = DAY.format(Instant.ofEpochMilli(start)).equals(DAY.format(Instant.ofEpochMilli(end)));
        return from + " – " + (sameDay ? TIME : DAY_TIME).format(Instant.ofEpochMilli(end));
    }

    private static String duration(long millis) {
        if (millis < 0) {
            return "–";
        }
        long seconds = millis / 1000;
        if (seconds < 60) {
            return millis < 1000 ? millis + " ms" : seconds + " s";
        }
        long days = seconds / 86_400;
        long hours = seconds % 86_400 / 3600;
        long minutes = seconds % 3600 / 60;
        StringBuilder out = new StringBuilder();
        if (days > 0) {
            out.append(days).append(" d ");
        }
        if (hours > 0) {
            out.append(hours).append(" h ");
        }
        if (minutes > 0 && days == 0) {
            out.append(minutes).append(" min ");
        }
        if (days == 0 && hours == 0 && seconds % 60 > 0) {
            out.append(seconds % 60).append(" s ");
        }
        return out.toString().trim();
    }

    /** The smallest of 1, 2, 2.5 or 5 × 10^k at or above {@code value} (1 for nothing to show). */
    static double niceCeil(double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= value * (1 - 1e-12)) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    /** Ticks from {@code low} to at least {@code high} by a step of 1, 2, 2.5 or 5 × 10^k: at most four intervals. */
    static double[] ticks(double low, double high) {
        double step = niceCeil((high - low) / 4);
        int count = (int) Math.max(1, Math.ceil((high - low) / step - 1e-9));
        double[] ticks = new double[count + 1];
        for (int i = 0; i <= count; i++) {
            ticks[i] = low + i * step;
        }
        return ticks;
    }

    private static int tickStep(int n, int maxLabels) {
        return Math.max(1, (int) Math.ceil(n / (double) Math.max(1, maxLabels)));
    }

    /** The smallest finite value, infinity when there is none. */
    private static double min(double[] values) {
        double m = Double.POSITIVE_INFINITY;
        for (double v : values) {
            if (Double.isFinite(v)) {
                m = Math.min(m, v);
            }
        }
        return m;
    }

    private static double max(double[] values) {
        double m = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                m = Math.max(m, v);
            }
        }
        return m;
    }
}
