package dev.steward.server.ui;

import static java.util.Objects.requireNonNull;

import dev.steward.core.tracking.ArtifactEntry;
import dev.steward.core.tracking.Page;
import dev.steward.core.tracking.PageToken;
import dev.steward.core.tracking.SealCheck;
import dev.steward.core.tracking.TrackingService;
import dev.steward.spi.ErrorCategory;
import dev.steward.spi.Role;
import dev.steward.spi.StewardException;
import dev.steward.spi.tracking.DatasetInput;
import dev.steward.spi.tracking.Experiment;
import dev.steward.spi.tracking.KeyValue;
import dev.steward.spi.tracking.Metric;
import dev.steward.spi.tracking.Run;
import dev.steward.spi.tracking.RunInfo;
import dev.steward.spi.tracking.ViewType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The runs of an experiment (search, sort, columns, paging on the server), a run's page (params,
 * metrics with their curves, tags, inputs, artifacts with previews) and the comparison of 2 to 10
 * runs. Every figure comes from {@link TrackingService}, as the API's.
 */
final class RunPages {
    static final int PAGE_SIZE = 50;
    /** Columns shown when none were chosen: a few of each kind, so that 12,000 metric keys never make a 12,000-column table. */
    private static final int DEFAULT_COLUMNS = 3;
    private static final String DEFAULT_ORDER = "attributes.start_time DESC";
    /** The most points of one metric a chart draws (the newest page of its history). */
    private static final int MAX_POINTS = 2000;
    private static final int MAX_CHARTS = 12;

    private final TrackingService tracking;

    RunPages(TrackingService tracking) {
        this.tracking = requireNonNull(tracking, "tracking is null");
    }

    /** A column of the runs table: a metric, a param or a tag, named {@code metrics.KEY}, {@code params.KEY} or {@code tags.KEY}. */
    record Column(String entity, String key) {
        static Optional<Column> parse(String text) {
            int dot = text.indexOf('.');
            if (dot < 0) {
                return Optional.empty();
            }
            String entity = text.substring(0, dot);
            return Set.of("metrics", "params", "tags").contains(entity) && dot + 1 < text.length()
                    ? Optional.of(new Column(entity, text.substring(dot + 1))) : Optional.empty();
        }

        String id() {
            return entity + "." + key;
        }

        String value(Run run) {
            return switch (entity) {
                case "metrics" -> run.metrics().stream().filter(m -> m.key().equals(key)).findFirst().map(m -> Format.number(m.value()))
                        .orElse("");
                case "params" -> find(run.params(), key).orElse("");
                default -> find(run.tags(), key).orElse("");
            };
        }
    }

    void register(UiRouter ui) {
        ui.page("/ui/experiments/{id}", Role.VIEWER, request -> runs(ui, request));
        ui.page("/ui/runs/{id}", Role.VIEWER, request -> run(ui, request));
        ui.page("/ui/runs/{id}/artifacts", Role.VIEWER, request -> {
            Run run = tracking.getRun(request.ctx().pathParam("id"));
            Html listing = artifacts(run.info(), request.query("path").orElse(""));
            if (request.partial()) {
                request.ctx().html(listing.toString());
            } else {
                request.ctx().html(ui.layout().page(request, Section.EXPERIMENTS, "Artifacts of " + run.info().runName(), listing, false)
                        .toString());
            }
        });
        ui.page("/ui/runs/{id}/preview", Role.VIEWER, request -> {
            Run run = tracking.getRun(request.ctx().pathParam("id"));
            String path = request.query("path").orElseThrow(() -> StewardException.invalid("path", "'path' names the file to preview"));
            Html preview = ArtifactPreview.preview(tracking, run.info(), path);
            if (request.partial()) {
                request.ctx().html(preview.toString());
            } else {
                request.ctx().html(ui.layout().page(request, Section.EXPERIMENTS, path, preview, false).toString());
            }
        });
        ui.page("/ui/runs/{id}/raw", Role.VIEWER, request -> ArtifactPreview.raw(tracking, request));
        ui.page("/ui/compare", Role.VIEWER, request -> new ComparePage(tracking).render(ui, request));
    }

    private void runs(UiRouter ui, UiRequest request) {
        Experiment experiment = tracking.getExperiment(request.ctx().pathParam("id"));
        String filter = request.query("filter").orElse("");
        String order = request.query("order").orElse(DEFAULT_ORDER);
        ViewType view = request.query("view").map(dev.steward.server.http.Requests.parsing("view", ViewType::parse))
                .orElse(ViewType.ACTIVE_ONLY);
        int page = page(request);
        Optional<StewardException> error = Optional.empty();
        Page<Run> runs = new Page<>(List.of(), Optional.empty());
        try {
            runs = tracking.searchRuns(List.of(experiment.id()), filter, view, PAGE_SIZE, List.of(order),
                    PageToken.of((page - 1) * PAGE_SIZE));
        } catch (StewardException e) {
            if (e.code().category() != ErrorCategory.USER) {
                throw e;
            }
            // The order comes from the sort links and the field; what names the field is shown beside it.
            error = Optional.of(e.field().isPresent() && e.field().get().equals("order_by") ? e.withField("order") : e);
        }
        List<Run> items = runs.items();
        Set<String> metricKeys = new TreeSet<>();
        Set<String> paramKeys = new TreeSet<>();
        items.forEach(r -> {
            r.metrics().forEach(m -> metricKeys.add(m.key()));
            r.params().forEach(p -> paramKeys.add(p.key()));
        });
        List<Column> chosen = request.queries("col").stream().map(Column::parse).flatMap(Optional::stream).distinct().toList();
        if (chosen.isEmpty() && request.query("cols").isEmpty()) {
            chosen = Stream.concat(metricKeys.stream().limit(DEFAULT_COLUMNS).map(k -> new Column("metrics", k)),
                    paramKeys.stream().limit(DEFAULT_COLUMNS).map(k -> new Column("params", k))).toList();
        }
        List<Column> columns = chosen;

        String state = "filter=" + UiRequest.encode(filter) + "&view=" + view.name() + "&cols=1"
                + columns.stream().map(c -> "&col=" + UiRequest.encode(c.id())).reduce("", String::concat);
        String base = "/ui/experiments/" + UiRequest.encode(experiment.id()) + "?";
        Html viewOptions = Html.each(List.of(ViewType.ACTIVE_ONLY, ViewType.DELETED_ONLY, ViewType.ALL), v -> Html.of(
                "<option value=\"{}\"{}>{}</option>", v.name(), Html.when(v == view, Html.of(" selected")),
                switch (v) {
                    case ACTIVE_ONLY -> "Active";
                    case DELETED_ONLY -> "Deleted";
                    default -> "All";
                }));
        Html search = Html.of("""
                <form method="get" action="{}" class="toolbar" role="search">
                {}{}<div class="field"><label for="view">Runs</label><select id="view" name="view">{}</select></div>
                <input type="hidden" name="cols" value="1">{}
                <button type="submit">Search</button></form>{}""",
                base.substring(0, base.length() - 1),
                Widgets.field("filter", "Filter (MLflow syntax)", filter, "metrics.accuracy > 0.9 and params.model = 'xgboost'", error, ""),
                Widgets.field("order", "Order by", order, DEFAULT_ORDER, error, ""), viewOptions,
                Html.each(columns, c -> Html.of("<input type=\"hidden\" name=\"col\" value=\"{}\">", c.id())),
                Widgets.formError(error, Set.of("filter", "order")));

        Html chooser = chooser(base, filter, order, view, metricKeys, paramKeys, columns);
        Html table = items.isEmpty() ? Widgets.empty(error.isPresent() ? "Fix the search to see runs." : "No runs match.")
                : runTable(items, columns, order, base + state);
        String orderQuery = "&order=" + UiRequest.encode(order);
        Html content = Html.of("""
                <p class="lead">Experiment <code>{}</code> · created {}</p>
                {}<div class="row-between">{}<button type="submit" form="compare" class="primary">Compare selected runs</button></div>
                <form id="compare" method="get" action="/ui/compare"></form>
                {}{}""", experiment.id(), Format.time(experiment.creationTime()), search, chooser, table,
                Widgets.pager(page, runs.nextPageToken().isPresent(), p -> base + state + orderQuery + "&page=" + p));
        request.ctx().status(error.isPresent() ? 400 : 200).html(ui.layout().page(request, Section.EXPERIMENTS, experiment.name(), content,
                false).toString());
    }

    private static Html chooser(String base, String filter, String order, ViewType view, Set<String> metricKeys, Set<String> paramKeys,
            List<Column> columns) {
        Set<Column> offered = new LinkedHashSet<>(columns);
        metricKeys.forEach(k -> offered.add(new Column("metrics", k)));
        paramKeys.forEach(k -> offered.add(new Column("params", k)));
        Html boxes = Html.each(offered, c -> Html.of("<label class=\"check\"><input type=\"checkbox\" name=\"col\" value=\"{}\"{}> {}</label>",
                c.id(), Html.when(columns.contains(c), Html.of(" checked")), c.id()));
        return Html.of("""
                <details class="columns"><summary>Columns ({} shown)</summary>
                <form method="get" action="{}"><input type="hidden" name="filter" value="{}"><input type="hidden" name="order" value="{}">
                <input type="hidden" name="view" value="{}"><input type="hidden" name="cols" value="1">
                <fieldset><legend>Metrics and params of the runs on this page</legend><div class="checks">{}</div></fieldset>
                <button type="submit">Show these columns</button></form></details>""", columns.size(), base.substring(0, base.length() - 1),
                filter, order, view.name(), offered.isEmpty() ? Widgets.empty("The runs on this page log no metrics or params.") : boxes);
    }

    private static Html runTable(List<Run> runs, List<Column> columns, String order, String link) {
        Html header = Html.of("{}{}{}{}", sortable("Name", "attributes.run_name", order, link), sortable("Status", "attributes.status", order, link),
                sortable("Started", "attributes.start_time", order, link), Html.of("<th scope=\"col\">Duration</th>"));
        Html columnHeaders = Html.each(columns, c -> sortable(c.id(), c.entity() + ".`" + c.key() + "`", order, link));
        Html rows = Html.each(runs, r -> Html.of("""
                <tr><td><input type="checkbox" form="compare" name="run" value="{}" aria-label="Compare run {}"></td>
                <th scope="row"><a href="/ui/runs/{}">{}</a></th><td>{}</td><td>{}</td><td class="num">{}</td>{}</tr>""",
                r.info().runId(), r.info().runName(), UiRequest.encode(r.info().runId()), r.info().runName(), Widgets.badge(r.info().status().name()),
                Format.time(r.info().startTime()), r.info().endTime().map(e -> Format.duration(e - r.info().startTime())).orElse("running"),
                Html.each(columns, c -> Html.of("<td class=\"{}\">{}</td>", c.entity().equals("metrics") ? "num" : "", c.value(r)))));
        return Html.of("""
                <div class="table-wrap"><table class="runs"><caption class="sr-only">Runs, sortable by the column headers</caption>
                <thead><tr><th scope="col"><span class="sr-only">Select</span></th>{}{}</tr></thead><tbody>{}</tbody></table></div>""",
                header, columnHeaders, rows);
    }

    /** A column header that sorts by {@code key}: descending first, ascending when it already sorts descending. */
    private static Html sortable(String title, String key, String order, String link) {
        String current = order.trim();
        boolean descending = current.equalsIgnoreCase(key + " DESC");
        boolean ascending = current.equalsIgnoreCase(key + " ASC") || current.equalsIgnoreCase(key);
        String next = key + (descending ? " ASC" : " DESC");
        return Html.of("<th scope=\"col\"{}><a href=\"{}&order={}\">{}{}</a></th>",
                descending ? Html.of(" aria-sort=\"descending\"") : ascending ? Html.of(" aria-sort=\"ascending\"") : Html.EMPTY, link,
                UiRequest.encode(next), title, descending ? Html.of(" <span aria-hidden=\"true\">▼</span>")
                        : ascending ? Html.of(" <span aria-hidden=\"true\">▲</span>") : Html.EMPTY);
    }

    private void run(UiRouter ui, UiRequest request) {
        Run run = tracking.getRun(request.ctx().pathParam("id"));
        RunInfo info = run.info();
        Experiment experiment = tracking.getExperiment(info.experimentId());
        Html summary = Html.of("""
                <dl class="facts">
                <div><dt>Status</dt><dd>{}</dd></div><div><dt>Experiment</dt><dd><a href="/ui/experiments/{}">{}</a></dd></div>
                <div><dt>Run id</dt><dd><code>{}</code></dd></div><div><dt>Started</dt><dd>{}</dd></div>
                <div><dt>Duration</dt><dd>{}</dd></div><div><dt>User</dt><dd>{}</dd></div><div><dt>Seal</dt><dd>{}</dd></div>
                </dl>""", Widgets.badge(info.status().name()), UiRequest.encode(experiment.id()), experiment.name(), info.runId(),
                Format.time(info.startTime()), info.endTime().map(e -> Format.duration(e - info.startTime())).orElse("running"), info.userId(),
                seal(info));
        Html params = keyValues("Parameters", run.params(), "This run logged no parameters.");
        Html metrics = run.metrics().isEmpty() ? Html.of("<section><h2>Metrics</h2>{}</section>", Widgets.empty("This run logged no metrics."))
                : Html.of("""
                        <section><h2>Metrics</h2><div class="table-wrap"><table><caption class="sr-only">Latest value of each metric</caption>
                        <thead><tr><th scope="col">Metric</th><th scope="col" class="num">Latest</th><th scope="col" class="num">Step</th>
                        <th scope="col">Logged</th></tr></thead><tbody>{}</tbody></table></div>{}</section>""",
                        Html.each(run.metrics(), m -> Html.of("<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                                m.key(), Format.number(m.value()), m.step(), Format.time(m.timestamp()))),
                        curves(run));
        Html tags = keyValues("Tags", run.tags(), "This run has no tags.");
        Html inputs = run.inputs().isEmpty() ? Html.EMPTY : Html.of("""
                <section><h2>Inputs</h2><div class="table-wrap"><table><caption class="sr-only">Datasets this run read</caption>
                <thead><tr><th scope="col">Dataset</th><th scope="col">Digest</th><th scope="col">Source</th></tr></thead><tbody>{}</tbody></table></div></section>""",
                Html.each(run.inputs(), (DatasetInput i) -> Html.of("<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td></tr>", i.name(),
                        Format.shortId(i.digest()), i.source())));
        Html content = Html.of("""
                {}<div class="grid two">{}{}</div>{}{}
                <section><h2>Artifacts</h2><div class="grid artifacts"><div id="artifact-list">{}</div>
                <div id="preview" class="preview" aria-live="polite">{}</div></div></section>""",
                summary, params, tags, metrics, inputs, artifacts(info, ""), Widgets.empty("Choose a file to preview it here."));
        request.ctx().html(ui.layout().page(request, Section.EXPERIMENTS, info.runName(), content, !run.metrics().isEmpty()).toString());
    }

    private Html seal(RunInfo info) {
        if (info.sealDigest().isEmpty()) {
            return Html.of("<span class=\"muted\">not sealed (the run has not ended)</span>");
        }
        SealCheck check = tracking.verifySeal(info.runId());
        return check.intact() ? Html.of("<span class=\"ok\">✓ intact</span> {}", Format.shortId(info.sealDigest().get()))
                : Html.of("<span class=\"bad\">✗ changed since the run ended</span> {}", Format.shortId(info.sealDigest().get()));
    }

    /** One chart per metric (the first twelve): its values by step. */
    private Html curves(Run run) {
        List<Html> charts = new ArrayList<>();
        for (Metric latest : run.metrics().stream().limit(MAX_CHARTS).toList()) {
            List<Metric> history = tracking.metricHistory(run.info().runId(), latest.key(), MAX_POINTS, null).items();
            if (history.size() < 2) {
                continue;
            }
            Map<String, List<Metric>> series = Map.of(run.info().runName(), history);
            charts.add(Html.of("<figure class=\"card\"><figcaption>{}</figcaption>{}</figure>", latest.key(),
                    Widgets.chart(Charts.lines(latest.key(), series), latest.key() + " by step for run " + run.info().runName(), "small")));
        }
        return charts.isEmpty() ? Html.EMPTY : Html.of("<div class=\"grid charts\">{}</div>", Html.join(charts));
    }

    private static Html keyValues(String title, List<KeyValue> pairs, String none) {
        if (pairs.isEmpty()) {
            return Html.of("<section><h2>{}</h2>{}</section>", title, Widgets.empty(none));
        }
        return Html.of("""
                <section><h2>{}</h2><div class="table-wrap"><table><caption class="sr-only">{}</caption>
                <thead><tr><th scope="col">Key</th><th scope="col">Value</th></tr></thead><tbody>{}</tbody></table></div></section>""",
                title, title, Html.each(pairs, p -> Html.of("<tr><th scope=\"row\">{}</th><td class=\"wrap\">{}</td></tr>", p.key(), p.value())));
    }

    /** A directory of the run's artifacts: folders open in place, files preview beside the list. */
    private Html artifacts(RunInfo info, String path) {
        List<ArtifactEntry> entries = tracking.listRunArtifacts(info, path);
        String run = UiRequest.encode(info.runId());
        Html up = path.isEmpty() ? Html.EMPTY : Html.of("<li><a href=\"/ui/runs/{}/artifacts?path={}\" hx-get=\"/ui/runs/{}/artifacts?path={}\""
                + " hx-target=\"#artifact-list\">⬑ ..</a></li>", run, parent(path), run, parent(path));
        Html items = Html.each(entries, e -> e.isDir()
                ? Html.of("<li class=\"dir\"><a href=\"/ui/runs/{}/artifacts?path={}\" hx-get=\"/ui/runs/{}/artifacts?path={}\""
                        + " hx-target=\"#artifact-list\">📁 {}</a></li>", run, UiRequest.encode(e.path()), run, UiRequest.encode(e.path()), name(e.path()))
                : Html.of("<li><a href=\"/ui/runs/{}/preview?path={}\" hx-get=\"/ui/runs/{}/preview?path={}\" hx-target=\"#preview\">{}</a>"
                        + " <span class=\"muted\">{}</span></li>", run, UiRequest.encode(e.path()), run, UiRequest.encode(e.path()), name(e.path()),
                        e.fileSize().map(Format::bytes).orElse("")));
        return Html.of("<p class=\"muted small\">{}</p><ul class=\"files\">{}{}</ul>{}", path.isEmpty() ? "/" : "/" + path, up, items,
                Html.when(entries.isEmpty(), Widgets.empty("No artifacts here.")));
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : UiRequest.encode(path.substring(0, slash));
    }

    private static String name(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    static Optional<String> find(List<KeyValue> pairs, String key) {
        return pairs.stream().filter(p -> p.key().equals(key)).map(KeyValue::value).findFirst();
    }

    /** The page number asked for: a whole number from 1, the same error as the API's paging otherwise. */
    static int page(UiRequest request) {
        return dev.steward.server.http.Requests.intQuery(request.ctx(), "page", 1, 1, 100_000);
    }
}
