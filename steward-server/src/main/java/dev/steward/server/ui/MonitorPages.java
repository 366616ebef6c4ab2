package dev.steward.server.ui;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.core.monitoring.MonitorReportHtml;
import dev.steward.core.monitoring.MonitorService;
import dev.steward.core.monitoring.MonitorSpec;
import dev.steward.core.monitoring.MonitorView;
import dev.steward.core.monitoring.WindowReport;
import dev.steward.core.monitoring.WindowReports;
import dev.steward.server.api.MonitorRoutes;
import dev.steward.server.http.Requests;
import dev.steward.spi.Role;
import dev.steward.spi.StewardException;
import dev.steward.spi.monitoring.MonitorAlertRecord;
import dev.steward.spi.monitoring.MonitorWindowRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * {@code /ui/monitors}: every monitor with its latest window and firing alerts; a monitor's drift
 * per feature over its recent windows (a heatmap), one window's reference and current distributions,
 * estimated against realised accuracy and the outlier rate over the windows, its alerts with their
 * evidence and actions, its windows with their self-contained HTML reports (served here on the
 * session, under the same policy as the API's), and "run now" for editors. Every figure comes from
 * {@link MonitorService}'s stored reports, as the API's.
 */
final class MonitorPages {
    /** Windows drawn over time (the most recent). */
    static final int WINDOWS_DRAWN = 50;
    static final int WINDOWS_PER_PAGE = 50;
    private static final int FEATURES_DRAWN = 30;
    private static final int DISTRIBUTIONS_DRAWN = 12;
    private static final int ALERTS_SHOWN = 50;

    private final MonitorService monitors;

    MonitorPages(MonitorService monitors) {
        this.monitors = requireNonNull(monitors, "monitors is null");
    }

    static String link(String deployment) {
        return "/ui/monitors/" + UiRequest.encode(deployment);
    }

    void register(UiRouter ui) {
        ui.page("/ui/monitors", Role.VIEWER, request -> list(ui, request));
        ui.page("/ui/monitors/{deployment}", Role.VIEWER, request -> request.ctx().html(page(ui, request, Optional.empty()).toString()));
        ui.page("/ui/monitors/{deployment}/windows/{window}/report.html", Role.VIEWER, request -> report(request));
        ui.action("/ui/monitors/{deployment}/run", Role.EDITOR, request -> {
            String deployment = request.ctx().pathParam("deployment");
            Actions.perform(request, link(deployment) + "#last-run", "run", () -> monitors.run(request.caller(), deployment),
                    sent -> page(ui, request, sent));
        });
    }

    private void list(UiRouter ui, UiRequest request) {
        List<MonitorView> all = monitors.list();
        int page = RunPages.page(request);
        int size = DatasetPages.PAGE_SIZE;
        List<MonitorView> shown = all.subList(Math.min(all.size(), (page - 1) * size), Math.min(all.size(), page * size));
        Html rows = Html.each(shown, m -> Html.of("""
                <tr><th scope="row"><a href="{}">{}</a></th><td>{}</td><td><a href="{}">{} v{}</a></td><td class="num">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>""",
                link(m.deployment()), m.deployment(), Widgets.badge(m.active() ? "active" : "inactive"), DatasetPages.link(m.record().referenceDataset(),
                m.record().referenceVersion()), m.record().referenceDataset(), m.record().referenceVersion(), m.features().size(),
                m.latest().map(w -> Html.of("#{} · {} rows · {} drifted", w.window(), w.rows(), WindowReports.fromJson(w.reportJson())
                        .driftedFeatures())).orElse(Html.text("none yet")),
                m.firing().isEmpty() ? Html.of("<span class=\"ok\">none</span>") : Html.each(m.firing(), a -> Html.of(
                        "<span class=\"badge badge-firing\">{}</span> ", a.rule())), Format.time(m.record().updatedAt())));
        Html content = all.isEmpty() ? Widgets.empty("No monitors yet. Watch a deployment with steward monitor create or POST /api/v1/monitors.")
                : Html.of("""
                <div class="table-wrap"><table><caption class="sr-only">Monitors</caption>
                <thead><tr><th scope="col">Deployment</th><th scope="col">State</th><th scope="col">Reference</th><th scope="col" class="num">Features</th>
                <th scope="col">Latest window</th><th scope="col">Firing</th><th scope="col">Updated</th></tr></thead><tbody>{}</tbody></table></div>{}""",
                rows, Widgets.pager(page, all.size() > page * size, p -> "/ui/monitors?page=" + p));
        request.ctx().html(ui.layout().page(request, Section.MONITORING, "Monitoring", content, false).toString());
    }

    private Html page(UiRouter ui, UiRequest request, Optional<Actions.Sent> sent) {
        String deployment = request.ctx().pathParam("deployment");
        MonitorView monitor = monitors.get(deployment);
        List<MonitorWindowRecord> recent = new ArrayList<>(monitors.windows(deployment, Optional.empty(), WINDOWS_DRAWN));
        Collections.reverse(recent);
        List<WindowReport> reports = recent.stream().map(w -> WindowReports.fromJson(w.reportJson())).toList();
        Optional<Long> chosen = Requests.longQuery(request.ctx(), "window");
        Optional<WindowReport> selected = chosen.isPresent() ? Optional.of(monitors.report(deployment, chosen.get()))
                : reports.isEmpty() ? Optional.empty() : Optional.of(reports.get(reports.size() - 1));
        MonitorSpec.Drift thresholds = monitor.spec().drift();
        Html facts = Html.of("""
                <dl class="facts"><div><dt>State</dt><dd>{}</dd></div><div><dt>Revision</dt><dd>{}</dd></div><div><dt>Deployment</dt><dd><a href="{}">{}</a></dd></div>
                <div><dt>Reference</dt><dd><a href="{}">{} v{}</a> · {} rows</dd></div><div><dt>Features</dt><dd>{}</dd></div>
                <div><dt>Firing alerts</dt><dd>{}</dd></div></dl>""", Widgets.badge(monitor.active() ? "active" : "inactive"), monitor.revision(),
                DeploymentPages.link(deployment), deployment, DatasetPages.link(monitor.record().referenceDataset(), monitor.record().referenceVersion()),
                monitor.record().referenceDataset(), monitor.record().referenceVersion(), monitor.record().referenceRows(),
                String.join(", ", monitor.features()), monitor.firing().size());
        Html content = Html.of("{}{}{}<section><h2>Drift per feature over time</h2>{}</section>{}{}{}{}", facts, run(request, deployment, sent),
                alertsNow(monitor), heatmap(reports, thresholds), selected.map(r -> distributions(deployment, r, recent)).orElse(Html.EMPTY),
                overTime(reports), alerts(deployment), windows(request, deployment));
        return ui.layout().page(request, Section.MONITORING, "Monitor of " + deployment, content, true);
    }

    private Html run(UiRequest request, String deployment, Optional<Actions.Sent> sent) {
        Html last = monitors.lastRun(deployment).map(r -> {
            WindowReport report = WindowReports.fromJson(r.reportJson());
            return Html.of("<div class=\"card\" id=\"last-run\"><h3>Last run now <span class=\"muted small\">{} by {}</span></h3><p>The open window,"
                    + " evaluated so far: {} rows, {} of {} features drifted{}.</p></div>", Format.time(r.createdAt()), r.createdBy(), report.rows(),
                    report.driftedFeatures(), report.comparedFeatures(), report.status().equals(WindowReport.TOO_SMALL) ? " (too few rows to test)" : "");
        }).orElse(Html.EMPTY);
        Html button = Html.EMPTY;
        if (request.can(Role.EDITOR)) {
            button = Html.of("<form method=\"post\" action=\"{}/run\">{}{}<button type=\"submit\" class=\"primary\">Run now</button>"
                    + "<span class=\"hint\"> evaluates the open window without closing it</span></form>", link(deployment), request.csrfField(),
                    Actions.of(sent, "run").map(e -> Html.of("<div class=\"alert error\" role=\"alert\">{}</div>", e.getMessage())).orElse(Html.EMPTY));
        }
        return Html.of("<div class=\"actions\">{}</div>{}", button, last);
    }

    private static Html alertsNow(MonitorView monitor) {
        if (monitor.firing().isEmpty()) {
            return Html.of("<div class=\"summary ok\" role=\"status\"><strong>No alert is firing.</strong></div>");
        }
        return Html.of("<div class=\"summary bad\" role=\"alert\"><strong>{} firing:</strong> {}</div>", monitor.firing().size() == 1 ? "One alert"
                : monitor.firing().size() + " alerts", String.join(", ", monitor.firing().stream().map(a -> a.rule() + " since window "
                + a.firstWindow()).toList()));
    }

    /** Features × windows, each cell the feature's evidence against its threshold (1 = at the threshold), as the HTML report colours it. */
    private static Html heatmap(List<WindowReport> reports, MonitorSpec.Drift thresholds) {
        if (reports.isEmpty()) {
            return Widgets.empty("No window has closed yet.");
        }
        List<String> features = new ArrayList<>();
        reports.forEach(r -> r.features().forEach(f -> {
            if (!features.contains(f.column()) && features.size() < FEATURES_DRAWN) {
                features.add(f.column());
            }
        }));
        List<String> windows = reports.stream().map(r -> "#" + r.window()).toList();
        List<List<Object>> cells = new ArrayList<>();
        for (int x = 0; x < reports.size(); x++) {
            WindowReport r = reports.get(x);
            if (!r.status().equals(WindowReport.EVALUATED)) {
                continue;
            }
            for (WindowReport.FeatureDrift f : r.features()) {
                int y = features.indexOf(f.column());
                OptionalDouble e = MonitorReportHtml.evidence(f, thresholds);
                if (y >= 0 && e.isPresent()) {
                    cells.add(List.of(x, y, Math.round(e.getAsDouble() * 1000) / 1000.0));
                }
            }
        }
        return Html.of("<figure class=\"card\"><figcaption>Evidence of drift of each feature in each window, relative to its threshold"
                + " (1 = at the threshold; 2 or more is well past it)</figcaption>{}</figure>", Widgets.chart(Charts.heatmap(windows, features, cells,
                2, "drift"), "Drift of each feature in each of the last " + reports.size() + " windows", features.size() > 10 ? "tall" : ""));
    }

    /** The chosen window's reference and current distribution of each feature (drifted first), with a choice of window. */
    private static Html distributions(String deployment, WindowReport report, List<MonitorWindowRecord> recent) {
        List<WindowReport.FeatureDrift> features = report.features().stream().filter(f -> f.skipped().isEmpty() && !f.bins().isEmpty())
                .sorted((a, b) -> Boolean.compare(b.drifted(), a.drifted())).limit(DISTRIBUTIONS_DRAWN).toList();
        List<MonitorWindowRecord> newestFirst = new ArrayList<>(recent);
        Collections.reverse(newestFirst);
        Html choice = Html.of("""
                <form method="get" action="{}" class="toolbar" aria-label="Choose a window"><div class="field"><label for="window">Window</label>
                <select id="window" name="window">{}</select></div><button type="submit">Show</button></form>""", link(deployment),
                Html.each(newestFirst, w -> Html.of("<option value=\"{}\"{}>#{} · {} rows · {}</option>", w.window(),
                        Html.when(w.window() == report.window(), Html.of(" selected")), w.window(), w.rows(), Format.time(w.endMillis()))));
        Html charts = Html.each(features, f -> {
            Map<String, List<Double>> series = new LinkedHashMap<>();
            series.put("reference", toList(f.reference()));
            series.put("window #" + report.window(), toList(f.current()));
            return Html.of("<figure class=\"card\"><figcaption>{} {} <span class=\"muted small\">{}</span></figcaption>{}</figure>", f.column(),
                    f.drifted() ? Html.of("<span class=\"badge badge-failed\">drifted</span>") : Html.EMPTY, headline(f),
                    Widgets.chart(Charts.bars(f.bins(), series, f.kind().equals("categorical") && f.bins().size() > 6), "Share of rows in each bin of "
                            + f.column() + ", reference against window " + report.window(), "small"));
        });
        return Html.of("""
                <section id="distributions"><h2>Reference against window #{}</h2>{}<p class="muted small">{} rows from {} to {}; {} of {} features drifted
                ({}). <a href="{}/windows/{}/report.html">The window's full report</a></p><div class="grid charts">{}</div></section>""", report.window(),
                choice, report.rows(), Format.time(report.startMillis()), Format.time(report.endMillis()), report.driftedFeatures(),
                report.comparedFeatures(), report.method().equals("test") ? "tests" : "distances", link(deployment), report.window(),
                features.isEmpty() ? Widgets.empty(report.status().equals(WindowReport.TOO_SMALL) ? "This window had too few rows to compare."
                        : "No feature was compared in this window.") : charts);
    }

    private static String headline(WindowReport.FeatureDrift f) {
        if (f.adjustedPValue().isPresent()) {
            return f.method() + ", adjusted p " + Format.number(f.adjustedPValue().getAsDouble());
        }
        if (f.pValue().isPresent()) {
            return f.method() + ", p " + Format.number(f.pValue().getAsDouble());
        }
        if (f.jensenShannon().isPresent() && f.method().equals("jensen-shannon")) {
            return "Jensen–Shannon " + Format.number(f.jensenShannon().getAsDouble());
        }
        return f.wasserstein().isPresent() ? "Wasserstein " + Format.number(f.wasserstein().getAsDouble()) : f.method();
    }

    private static List<Double> toList(double[] values) {
        List<Double> list = new ArrayList<>(values.length);
        for (double v : values) {
            list.add(Math.round(v * 10000) / 10000.0);
        }
        return list;
    }

    /** Estimated against realised accuracy, and the outlier rate, over the recent windows. */
    private static Html overTime(List<WindowReport> reports) {
        if (reports.isEmpty()) {
            return Html.EMPTY;
        }
        List<String> windows = reports.stream().map(r -> "#" + r.window()).toList();
        Map<String, List<Double>> accuracy = new LinkedHashMap<>();
        accuracy.put("estimated (no labels)", reports.stream().map(r -> r.performance().flatMap(p -> boxed(p.estimatedAccuracy())).orElse(null))
                .toList());
        accuracy.put("realised (from feedback)", reports.stream().map(r -> r.performance().flatMap(p -> boxed(p.accuracy())).orElse(null)).toList());
        Map<String, List<Double>> outliers = new LinkedHashMap<>();
        outliers.put("outlier rate", reports.stream().map(r -> r.outliers().map(o -> o.rate()).orElse(null)).toList());
        boolean anyAccuracy = accuracy.values().stream().flatMap(List::stream).anyMatch(v -> v != null);
        boolean anyOutliers = outliers.values().stream().flatMap(List::stream).anyMatch(v -> v != null);
        return Html.of("<section><h2>Performance and outliers</h2><div class=\"grid two\">{}{}</div></section>",
                anyAccuracy ? Html.of("<figure class=\"card\" id=\"accuracy\"><figcaption>Accuracy: estimated from confidence against realised from"
                        + " labels</figcaption>{}</figure>", Widgets.chart(Charts.categoryLines(windows, accuracy, "window", null, 1.0),
                        "Estimated and realised accuracy in each window", "small"))
                        : Html.of("<div class=\"card\">{}</div>", Widgets.empty("No window has an accuracy yet.")),
                anyOutliers ? Html.of("<figure class=\"card\" id=\"outliers\"><figcaption>Share of rows scored as outliers</figcaption>{}</figure>",
                        Widgets.chart(Charts.categoryLines(windows, outliers, "window", 0.0, null), "Outlier rate in each window", "small"))
                        : Html.of("<div class=\"card\">{}</div>", Widgets.empty("Outlier scoring is off, or no window has been scored.")));
    }

    private static Optional<Double> boxed(OptionalDouble value) {
        return value.isPresent() ? Optional.of(value.getAsDouble()) : Optional.empty();
    }

    private Html alerts(String deployment) {
        List<MonitorAlertRecord> alerts = monitors.alerts(Optional.of(deployment), Optional.empty(), ALERTS_SHOWN);
        if (alerts.isEmpty()) {
            return Html.of("<section id=\"alerts\"><h2>Alerts</h2>{}</section>", Widgets.empty("No alert has fired."));
        }
        return Html.of("<section id=\"alerts\"><h2>Alerts</h2>{}</section>", Html.each(alerts, a -> {
            JsonNode evidence = Widgets.json(a.evidenceJson());
            JsonNode actions = Widgets.json(a.actionsJson());
            return Html.of("""
                    <details class="report card" id="alert-{}"{}><summary>{} <strong>{}</strong> · windows #{}–#{} · fired {}{}</summary>
                    <div class="grid two"><div><h3>Evidence</h3><pre class="code small" tabindex="0">{}</pre></div>
                    <div><h3>Actions</h3>{}</div></div></details>""", a.id(), Html.when(a.state().equals(MonitorAlertRecord.FIRING), Html.of(" open")),
                    Widgets.badge(a.state()), a.rule(), a.firstWindow(), a.lastWindow(), Format.time(a.firedAt()),
                    a.resolvedAt().map(t -> Html.of(" · resolved {}", Format.time(t))).orElse(Html.EMPTY), Widgets.pretty(evidence.toString()),
                    actions.isEmpty() ? Html.of("<p class=\"muted\">None: the alert only notifies.</p>") : Html.of("<ul>{}</ul>", Html.each(actions,
                            x -> Html.of("<li><strong>{}</strong>: {}{}</li>", x.path("action").asText(x.path("kind").asText("action")),
                                    x.path("outcome").asText(""), x.hasNonNull("job") ? Html.of(" — <a href=\"/ui/jobs/{}\">job {}</a>",
                                            UiRequest.encode(x.path("job").asText()), x.path("job").asText()) : Html.EMPTY))));
        }));
    }

    private Html windows(UiRequest request, String deployment) {
        Optional<Long> before = Requests.longQuery(request.ctx(), "before");
        if (before.isPresent() && before.get() < 0) {
            throw StewardException.invalid("before", "'before' is a window number (0 or more), not " + before.get());
        }
        List<MonitorWindowRecord> page = monitors.windows(deployment, before, WINDOWS_PER_PAGE);
        if (page.isEmpty()) {
            return Html.EMPTY;
        }
        Html rows = Html.each(page, w -> {
            WindowReport r = WindowReports.fromJson(w.reportJson());
            return Html.of("""
                    <tr><th scope="row"><a href="{}?window={}#distributions">#{}</a></th><td>{}</td><td>{}</td><td class="num">{}</td><td>{}</td>
                    <td class="num">{} / {}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td><a href="{}/windows/{}/report.html">report</a></td></tr>""",
                    link(deployment), w.window(), w.window(), Format.time(w.startMillis()), Format.time(w.endMillis()), w.rows(), Widgets.badge(w.status()),
                    r.driftedFeatures(), r.comparedFeatures(), r.outliers().map(o -> Format.number(o.rate())).orElse("—"),
                    r.performance().map(p -> DatasetPages.number(p.estimatedAccuracy())).orElse("—"),
                    r.performance().map(p -> DatasetPages.number(p.accuracy())).orElse("—"), link(deployment), w.window());
        });
        Html older = page.size() == WINDOWS_PER_PAGE ? Html.of("<nav class=\"pager\" aria-label=\"Pages\"><a href=\"{}?before={}#windows\" rel=\"next\">"
                + "Older windows →</a></nav>", link(deployment), page.get(page.size() - 1).window()) : Html.EMPTY;
        return Html.of("""
                <section id="windows"><h2>Windows</h2><div class="table-wrap"><table class="compact"><caption class="sr-only">Closed windows, newest first</caption>
                <thead><tr><th scope="col">Window</th><th scope="col">Start</th><th scope="col">End</th><th scope="col" class="num">Rows</th><th scope="col">Status</th>
                <th scope="col" class="num">Drifted</th><th scope="col" class="num">Outlier rate</th><th scope="col" class="num">Estimated acc.</th>
                <th scope="col" class="num">Realised acc.</th><th scope="col">Report</th></tr></thead><tbody>{}</tbody></table></div>{}</section>""", rows, older);
    }

    /** The window's self-contained report, as {@code GET /api/v1/monitors/{d}/windows/{w}/report.html} serves it, on the session. */
    private void report(UiRequest request) {
        String deployment = request.ctx().pathParam("deployment");
        long number = Requests.parsing("window", Long::parseLong).apply(request.ctx().pathParam("window"));
        if (number < 0) {
            throw StewardException.invalid("window", "the window is a number, 0 or more, not " + number);
        }
        request.ctx().contentType("text/html; charset=utf-8")
                .header("Content-Disposition", "inline; filename=\"" + deployment + "-window-" + number + ".html\"")
                .header("Content-Security-Policy", MonitorRoutes.REPORT_POLICY)
                .result(MonitorRoutes.reportPage(monitors, deployment, number).getBytes(StandardCharsets.UTF_8));
    }
}
