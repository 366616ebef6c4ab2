package dev.steward.server.ui;

import static java.util.Objects.requireNonNull;

import dev.steward.core.tracking.TrackingService;
import dev.steward.spi.StewardException;
import dev.steward.spi.tracking.KeyValue;
import dev.steward.spi.tracking.Metric;
import dev.steward.spi.tracking.Run;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * {@code /ui/compare?run=A&run=B...}: 2 to 10 runs side by side. A table of attributes, params
 * and metrics with the rows that differ marked; one metric's curves by step overlaid; parallel
 * coordinates of the params against that metric.
 */
final class ComparePage {
    static final int MIN_RUNS = 2;
    static final int MAX_RUNS = 10;
    private static final int MAX_POINTS = 2000;

    private final TrackingService tracking;

    ComparePage(TrackingService tracking) {
        this.tracking = requireNonNull(tracking, "tracking is null");
    }

    void render(UiRouter ui, UiRequest request) {
        List<String> ids = request.queries("run").stream().distinct().toList();
        if (ids.size() < MIN_RUNS || ids.size() > MAX_RUNS) {
            throw StewardException.invalid("run", "Choose between " + MIN_RUNS + " and " + MAX_RUNS + " runs to compare, not " + ids.size()
                    + ": tick them in the runs table.");
        }
        List<Run> runs = ids.stream().map(tracking::getRun).toList();
        Set<String> params = new TreeSet<>();
        Set<String> metrics = new TreeSet<>();
        runs.forEach(r -> {
            r.params().forEach(p -> params.add(p.key()));
            r.metrics().forEach(m -> metrics.add(m.key()));
        });
        String metric = request.query("metric").filter(metrics::contains).orElse(metrics.isEmpty() ? "" : metrics.iterator().next());

        Html head = Html.each(runs, r -> Html.of("<th scope=\"col\"><a href=\"/ui/runs/{}\">{}</a></th>", UiRequest.encode(r.info().runId()),
                r.info().runName()));
        List<Html> rows = new ArrayList<>();
        rows.add(row("Status", runs, r -> r.info().status().name()));
        rows.add(row("Experiment", runs, r -> r.info().experimentId()));
        rows.add(row("Duration", runs, r -> r.info().endTime().map(e -> Format.duration(e - r.info().startTime())).orElse("running")));
        rows.add(section("Parameters", runs.size()));
        params.forEach(p -> rows.add(row(p, runs, r -> RunPages.find(r.params(), p).orElse("—"))));
        rows.add(section("Metrics (latest)", runs.size()));
        metrics.forEach(m -> rows.add(row(m, runs, r -> r.metrics().stream().filter(x -> x.key().equals(m)).findFirst()
                .map(x -> Format.number(x.value())).orElse("—"))));
        Html table = Html.of("""
                <div class="table-wrap"><table class="compare"><caption>Runs side by side; <span class="differs-key">≠</span> marks the rows whose values differ</caption>
                <thead><tr><th scope="col">Field</th>{}</tr></thead><tbody>{}</tbody></table></div>""", head, Html.join(rows));

        Html charts = Html.EMPTY;
        if (!metric.isEmpty()) {
            Map<String, List<Metric>> curves = new LinkedHashMap<>();
            runs.forEach(r -> curves.put(r.info().runName(), r.metrics().stream().anyMatch(m -> m.key().equals(metric))
                    ? tracking.metricHistory(r.info().runId(), metric, MAX_POINTS, null).items() : List.of()));
            List<String> axes = new ArrayList<>(params);
            List<Map<String, String>> values = runs.stream().map(r -> {
                Map<String, String> v = new LinkedHashMap<>();
                r.params().forEach((KeyValue p) -> v.put(p.key(), p.value()));
                return v;
            }).toList();
            List<Double> metricValues = runs.stream().map(r -> r.metrics().stream().filter(m -> m.key().equals(metric)).findFirst()
                    .map(Metric::value).orElse(null)).toList();
            Html options = Html.each(metrics, m -> Html.of("<option value=\"{}\"{}>{}</option>", m, Html.when(m.equals(metric),
                    Html.of(" selected")), m));
            charts = Html.of("""
                    <form method="get" action="/ui/compare" class="toolbar">{}<div class="field"><label for="metric">Metric</label>
                    <select id="metric" name="metric">{}</select></div><button type="submit">Show</button></form>
                    <div class="grid two">
                    <figure class="card"><figcaption>{} by step</figcaption>{}</figure>
                    <figure class="card"><figcaption>Parameters against {}</figcaption>{}</figure>
                    </div>""", Html.each(ids, id -> Html.of("<input type=\"hidden\" name=\"run\" value=\"{}\">", id)), options, metric,
                    Widgets.chart(Charts.lines(metric, curves), metric + " by step, one line per run", ""), metric,
                    axes.isEmpty() ? Widgets.empty("These runs logged no parameters.")
                            : Widgets.chart(Charts.parallel(axes, metric, runs.stream().map(r -> r.info().runName()).toList(), values,
                                    metricValues), "Parallel coordinates of the parameters and " + metric + ", one line per run", ""));
        }
        Html content = Html.of("<p class=\"lead\">{} runs</p>{}{}", runs.size(), charts, table);
        request.ctx().html(ui.layout().page(request, Section.EXPERIMENTS, "Compare runs", content, !metric.isEmpty()).toString());
    }

    private static Html row(String field, List<Run> runs, Function<Run, String> value) {
        List<String> values = runs.stream().map(value).toList();
        boolean differs = values.stream().distinct().count() > 1;
        return Html.of("<tr{}><th scope=\"row\">{}{}</th>{}</tr>", Html.when(differs, Html.of(" class=\"differs\"")), field,
                Html.when(differs, Html.of(" <span class=\"differs-key\" title=\"values differ\">≠</span>")),
                Html.each(values, v -> Html.of("<td>{}</td>", v)));
    }

    private static Html section(String title, int runs) {
        return Html.of("<tr class=\"group\"><th scope=\"colgroup\" colspan=\"{}\">{}</th></tr>", runs + 1, title);
    }
}
