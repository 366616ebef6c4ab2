package dev.steward.server.ui;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.core.data.DatasetService;
import dev.steward.core.data.SchemaDiff;
import dev.steward.core.data.compare.ColumnDrift;
import dev.steward.core.data.compare.DatasetComparison;
import dev.steward.core.data.compare.DriftOptions;
import dev.steward.core.data.profile.ProfileView;
import dev.steward.core.data.validation.CheckResult;
import dev.steward.core.data.validation.ValidationReport;
import dev.steward.core.registry.LineageService;
import dev.steward.core.serving.DeploymentService;
import dev.steward.server.http.Requests;
import dev.steward.spi.Role;
import dev.steward.spi.StewardException;
import dev.steward.spi.data.ColumnSummary;
import dev.steward.spi.data.DatasetInfo;
import dev.steward.spi.data.DatasetVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * {@code /ui/datasets}: the datasets, a dataset's versions, a version's schema, drawn profile,
 * validation reports and quarantine state and history (quarantine and release for editors, as the
 * API allows), and the schema diff and drift of two versions column by column. Every figure comes
 * from {@link DatasetService}, as the API's.
 */
final class DatasetPages {
    static final int PAGE_SIZE = 50;
    /** Columns whose profile is drawn on one page of a version (the rest on the next pages). */
    static final int COLUMNS_PER_PAGE = 12;
    /** Columns of a comparison whose distributions are drawn side by side. */
    private static final int COMPARED_CHARTS = 12;

    private final DatasetService datasets;
    private final LineageService lineage;
    private final DeploymentService deployments;

    DatasetPages(DatasetService datasets, LineageService lineage, DeploymentService deployments) {
        this.datasets = requireNonNull(datasets, "datasets is null");
        this.lineage = requireNonNull(lineage, "lineage is null");
        this.deployments = requireNonNull(deployments, "deployments is null");
    }

    void register(UiRouter ui) {
        ui.page("/ui/datasets", Role.VIEWER, request -> list(ui, request));
        ui.page("/ui/datasets/{name}", Role.VIEWER, request -> dataset(ui, request));
        ui.page("/ui/datasets/{name}/versions/{version}", Role.VIEWER, request -> request.ctx().html(versionPage(ui, request,
                Optional.empty()).toString()));
        ui.page("/ui/datasets/{name}/compare", Role.VIEWER, request -> compare(ui, request));
        ui.action("/ui/datasets/{name}/versions/{version}/quarantine", Role.EDITOR, request -> setStatus(ui, request, "quarantine"));
        ui.action("/ui/datasets/{name}/versions/{version}/release", Role.EDITOR, request -> setStatus(ui, request, "release"));
    }

    static String link(String name) {
        return "/ui/datasets/" + UiRequest.encode(name);
    }

    static String link(String name, int version) {
        return link(name) + "/versions/" + version;
    }

    private void list(UiRouter ui, UiRequest request) {
        int page = RunPages.page(request);
        List<DatasetInfo> all = datasets.list();
        List<DatasetInfo> shown = slice(all, page);
        Html table = all.isEmpty() ? Widgets.empty("No datasets yet. Import one with steward data import or POST /api/v1/datasets/{name}/versions.")
                : Html.of("""
                <div class="table-wrap"><table><caption class="sr-only">Datasets</caption>
                <thead><tr><th scope="col">Name</th><th scope="col" class="num">Versions</th><th scope="col" class="num">Latest</th>
                <th scope="col">Created</th><th scope="col">By</th></tr></thead><tbody>{}</tbody></table></div>""", Html.each(shown, d -> Html.of(
                "<tr><th scope=\"row\"><a href=\"{}\">{}</a></th><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
                link(d.name()), d.name(), d.versionCount(), d.latestVersion() == 0 ? Html.text("—") : Html.of("<a href=\"{}\">v{}</a>",
                        link(d.name(), d.latestVersion()), d.latestVersion()), Format.time(d.createdAt()), d.createdBy())));
        Html content = Html.of("<p class=\"lead\">Every dataset version is immutable and addressed by its SHA-256; its profile and"
                + " validation reports are kept with it.</p>{}{}", table, Widgets.pager(page, all.size() > page * PAGE_SIZE,
                p -> "/ui/datasets?page=" + p));
        request.ctx().html(ui.layout().page(request, Section.DATASETS, "Datasets", content, false).toString());
    }

    private void dataset(UiRouter ui, UiRequest request) {
        String name = request.ctx().pathParam("name");
        DatasetInfo info = datasets.dataset(name);
        List<DatasetVersion> versions = new ArrayList<>(datasets.versions(name));
        versions.sort((a, b) -> Integer.compare(b.version(), a.version()));
        int page = RunPages.page(request);
        Html rows = Html.each(slice(versions, page), v -> Html.of("""
                <tr><th scope="row"><a href="{}">v{}</a></th><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td>
                <td>{}</td><td>{}</td><td>{}</td><td class="wrap">{}</td></tr>""", link(name, v.version()), v.version(), Widgets.badge(v.status()),
                v.rowCount(), v.columns().size(), Format.bytes(v.size()), v.format().wireName(), Format.time(v.createdAt()), v.createdBy(),
                v.description().orElse("")));
        Html compare = versions.size() < 2 ? Html.EMPTY : compareForm(name, versions, versions.get(1).version(), versions.get(0).version());
        Html content = Html.of("""
                <dl class="facts"><div><dt>Versions</dt><dd>{}</dd></div><div><dt>Latest</dt><dd>v{}</dd></div>
                <div><dt>Created</dt><dd>{} by {}</dd></div></dl>{}
                <section><h2>Versions</h2><div class="table-wrap"><table><caption class="sr-only">Versions of {}, newest first</caption>
                <thead><tr><th scope="col">Version</th><th scope="col">Status</th><th scope="col" class="num">Rows</th><th scope="col" class="num">Columns</th>
                <th scope="col" class="num">Size</th><th scope="col">Format</th><th scope="col">Created</th><th scope="col">By</th>
                <th scope="col">Description</th></tr></thead><tbody>{}</tbody></table></div>{}</section>""", info.versionCount(), info.latestVersion(),
                Format.time(info.createdAt()), info.createdBy(), compare, name, rows, Widgets.pager(page, versions.size() > page * PAGE_SIZE,
                        p -> link(name) + "?page=" + p));
        request.ctx().html(ui.layout().page(request, Section.DATASETS, name, content, false).toString());
    }

    private static Html compareForm(String name, List<DatasetVersion> versions, int reference, int current) {
        java.util.function.IntFunction<Html> options = selected -> Html.each(versions, v -> Html.of("<option value=\"{}\"{}>v{} · {} rows{}</option>",
                v.version(), Html.when(v.version() == selected, Html.of(" selected")), v.version(), v.rowCount(),
                v.status().equals(DatasetVersion.ACTIVE) ? "" : " · " + v.status()));
        return Html.of("""
                <form method="get" action="{}/compare" class="toolbar" aria-label="Compare two versions">
                <div class="field"><label for="reference">Reference version</label><select id="reference" name="reference">{}</select></div>
                <div class="field"><label for="current">Current version</label><select id="current" name="current">{}</select></div>
                <button type="submit" class="primary">Compare</button></form>""", link(name), options.apply(reference), options.apply(current));
    }

    private void setStatus(UiRouter ui, UiRequest request, String action) {
        String name = request.ctx().pathParam("name");
        int number = version(request);
        String reason = request.form("reason").orElse("");
        Actions.perform(request, link(name, number), action, () -> {
            if (action.equals("quarantine")) {
                datasets.quarantine(request.caller(), name, number, reason);
            } else {
                datasets.release(request.caller(), name, number, reason);
            }
        }, sent -> versionPage(ui, request, sent));
    }

    private Html versionPage(UiRouter ui, UiRequest request, Optional<Actions.Sent> sent) {
        String name = request.ctx().pathParam("name");
        DatasetVersion v = datasets.version(name, version(request));
        JsonNode graph = lineage.dataset(name, v.version());
        JsonNode history = graph.at("/dataset_version/quarantine_history");
        Html facts = Html.of("""
                <dl class="facts"><div><dt>Status</dt><dd>{}</dd></div><div><dt>Rows</dt><dd>{}</dd></div><div><dt>Columns</dt><dd>{}</dd></div>
                <div><dt>Size</dt><dd>{}</dd></div><div><dt>File</dt><dd>{} ({})</dd></div><div><dt>Created</dt><dd>{} by {}</dd></div>
                <div><dt>SHA-256</dt><dd><code class="small">{}</code></dd></div><div><dt>Id</dt><dd><code>{}</code></dd></div>{}</dl>""",
                Widgets.badge(v.status()), v.rowCount(), v.columns().size(), Format.bytes(v.size()), v.fileName(), v.format().wireName(),
                Format.time(v.createdAt()), v.createdBy(), v.sha256(), v.id(),
                v.description().map(d -> Html.of("<div><dt>Description</dt><dd>{}</dd></div>", d)).orElse(Html.EMPTY));
        Html content = Html.of("""
                <p class="lead"><a href="{}">{}</a> · version {} of {}{}</p>{}{}
                <section><h2>Schema</h2>{}</section>
                <section><h2>Profile</h2>{}</section>
                <section><h2>Validation reports</h2>{}</section>
                <section><h2>Lineage</h2><p class="muted small">The runs that read this version, the model versions that depend on it and the
                deployments serving them.</p>{}</section>""", link(name), name, v.version(), datasets.dataset(name).latestVersion(),
                Html.when(v.version() > 1, Html.of(" · <a href=\"{}/compare?reference={}&amp;current={}\">compare with v{}</a>", link(name),
                        v.version() - 1, v.version(), v.version() - 1)), facts, quarantine(request, v, history, sent), schema(v),
                profile(request, v), reports(name, v), LineageGraph.ofDataset(graph, deployments.list()).render("Lineage of " + name + " version "
                        + v.version() + ": the runs that read it, the model versions depending on it and their deployments"));
        return ui.layout().page(request, Section.DATASETS, name + " v" + v.version(), content, true);
    }

    /** The quarantine state, its history from the audit log, and the one action that applies for an editor. */
    private Html quarantine(UiRequest request, DatasetVersion v, JsonNode history, Optional<Actions.Sent> sent) {
        boolean quarantined = v.status().equals(DatasetVersion.QUARANTINED);
        Html state = quarantined ? Html.of("<div class=\"alert error\" role=\"status\"><strong>Quarantined.</strong> Training, evaluation and"
                + " gates refuse this version unless an admin overrides with a reason.</div>")
                : Html.EMPTY;
        List<JsonNode> events = new ArrayList<>();
        history.forEach(events::add);
        java.util.Collections.reverse(events);
        Html table = events.isEmpty() ? Html.of("<p class=\"muted small\">Never quarantined.</p>") : Html.of("""
                <div class="table-wrap"><table class="compact"><caption class="sr-only">Quarantine history, newest first</caption>
                <thead><tr><th scope="col">When</th><th scope="col">Action</th><th scope="col">By</th><th scope="col">Reason</th></tr></thead>
                <tbody>{}</tbody></table></div>""", Html.each(events, e -> Html.of("<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                e.path("at").asText(), e.path("action").asText(), e.path("by").asText(), e.at("/details/reason").asText(""))));
        Html action = Html.EMPTY;
        if (request.can(Role.EDITOR)) {
            String path = link(v.datasetName(), v.version());
            action = quarantined
                    ? Html.of("<details class=\"card-details\"{}><summary>Release this version…</summary>{}</details>",
                            Html.when(sent.isPresent(), Html.of(" open")), Actions.reasonForm(request, "release-reason", path + "/release",
                            "Reason (kept in the audit log)", true, "Release", "primary", Actions.of(sent, "release"), Html.EMPTY))
                    : Html.of("<details class=\"danger-zone\"{}><summary>Quarantine this version…</summary>{}</details>",
                            Html.when(sent.isPresent(), Html.of(" open")), Actions.reasonForm(request, "quarantine-reason", path + "/quarantine",
                            "Reason (kept in the audit log)", true, "Quarantine", "danger", Actions.of(sent, "quarantine"), Html.EMPTY));
        }
        return Html.of("<section><h2>Quarantine</h2>{}<div class=\"actions\">{}</div>{}</section>", state, action, table);
    }

    private static Html schema(DatasetVersion v) {
        return Html.of("""
                <div class="table-wrap"><table class="compact"><caption class="sr-only">Columns of this version</caption>
                <thead><tr><th scope="col" class="num">#</th><th scope="col">Column</th><th scope="col">Type</th><th scope="col">Nullable</th>
                <th scope="col" class="num">Nulls</th><th scope="col" class="num">Distinct</th><th scope="col">Min</th><th scope="col">Max</th>
                <th scope="col" class="num">Mean</th><th scope="col" class="num">Std dev</th><th scope="col">Values</th></tr></thead>
                <tbody>{}</tbody></table></div>""", Html.each(v.columns(), c -> Html.of("""
                <tr><td class="num">{}</td><th scope="row">{}</th><td><code>{}</code></td><td>{}</td><td class="num">{}</td><td class="num">{}</td>
                <td>{}</td><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="wrap">{}</td></tr>""", c.position() + 1, c.name(),
                c.type().name().toLowerCase(java.util.Locale.ROOT), c.nullable() ? "yes" : "no", c.nullCount(), c.distinctCount(),
                c.min().orElse(""), c.max().orElse(""), number(c.mean()), number(c.stddev()), domain(c))));
    }

    private static String domain(ColumnSummary c) {
        return c.domain().map(d -> String.join(", ", d.subList(0, Math.min(12, d.size()))) + (d.size() > 12 ? ", … (" + d.size() + ")" : ""))
                .orElse("");
    }

    /** The nulls of every column in one chart, and each column of this page of columns drawn: a histogram for numbers, top values otherwise. */
    private Html profile(UiRequest request, DatasetVersion v) {
        if (v.profileSha256().isEmpty()) {
            return Widgets.empty("This version has no stored profile.");
        }
        ProfileView profile = ProfileView.of(datasets.profile(v));
        int pages = Math.max(1, (profile.columns().size() + COLUMNS_PER_PAGE - 1) / COLUMNS_PER_PAGE);
        int page = Requests.intQuery(request.ctx(), "columns_page", 1, 1, pages);
        List<ProfileView.Column> shown = profile.columns().subList((page - 1) * COLUMNS_PER_PAGE, Math.min(profile.columns().size(),
                page * COLUMNS_PER_PAGE));
        List<String> names = profile.columns().stream().map(ProfileView.Column::name).toList();
        Map<String, List<Double>> nulls = new LinkedHashMap<>();
        nulls.put("null %", profile.columns().stream().map(c -> profile.rows() == 0 ? 0.0 : 100.0 * c.nulls() / profile.rows()).toList());
        Html nullChart = Html.of("<figure class=\"card\"><figcaption>Nulls per column (% of {} rows)</figcaption>{}</figure>", profile.rows(),
                Widgets.chart(Charts.bars(names, nulls, true), "Share of null values in each column", names.size() > 12 ? "tall" : "small"));
        Html cards = Html.each(shown, c -> {
            Html chart;
            Html numbers;
            if (!c.histogram().isEmpty()) {
                List<String> labels = c.histogram().stream().map(b -> Format.number(b.lower())).toList();
                Map<String, List<Double>> counts = Map.of("rows", c.histogram().stream().map(ProfileView.Bin::count).toList());
                chart = Widgets.chart(Charts.bars(labels, counts, false), "Histogram of " + c.name(), "small");
                numbers = Html.of("<dl class=\"quantiles\" aria-label=\"Quantiles of {}\">{}</dl>", c.name(), Html.each(c.quantiles().entrySet(),
                        q -> Html.of("<div><dt>{}</dt><dd>{}</dd></div>", q.getKey(), Format.number(q.getValue()))));
            } else if (!c.topItems().isEmpty()) {
                List<String> labels = c.topItems().stream().map(ProfileView.Item::value).toList();
                Map<String, List<Double>> counts = Map.of("rows", c.topItems().stream().map(i -> (double) i.estimate()).toList());
                chart = Widgets.chart(Charts.bars(labels, counts, true), "Most frequent values of " + c.name(), "small");
                numbers = Html.EMPTY;
            } else {
                chart = Widgets.empty("No values to draw.");
                numbers = Html.EMPTY;
            }
            return Html.of("""
                    <figure class="card column-profile"><figcaption>{} <span class="muted small">{} · {} nulls · ~{} distinct{}</span></figcaption>
                    {}{}</figure>""", c.name(), c.type(), c.nulls(), Math.round(c.distinctEstimate()),
                    c.mean().map(m -> " · mean " + Format.number(m)).orElse(""), chart, numbers);
        });
        String base = link(v.datasetName(), v.version()) + "?columns_page=";
        return Html.of("{}<div class=\"grid charts\">{}</div>{}", nullChart, cards, Widgets.pager(page, page < pages, p -> base + p));
    }

    private Html reports(String name, DatasetVersion v) {
        List<ValidationReport> reports = new ArrayList<>(datasets.reports(name, v.version()));
        if (reports.isEmpty()) {
            return Widgets.empty("No validation suite has been run on this version.");
        }
        java.util.Collections.reverse(reports);
        return Html.each(reports, r -> Html.of("""
                <details class="report card" id="report-{}"{}><summary>{} <strong>{}</strong> v{} · {} of {} checks passed{} · {} by {}</summary>
                <div class="table-wrap"><table class="compact"><caption class="sr-only">Checks of suite {}</caption>
                <thead><tr><th scope="col">Check</th><th scope="col">Column</th><th scope="col">Severity</th><th scope="col">Result</th>
                <th scope="col">Observed</th><th scope="col">Expected</th><th scope="col">Message</th></tr></thead><tbody>{}</tbody></table></div>
                </details>""", r.id(), Html.when(!r.passed(), Html.of(" open")), r.passed() ? Widgets.badge("passed") : Widgets.badge("failed"),
                r.suite(), r.suiteVersion(), r.checks().stream().filter(CheckResult::passed).count(), r.checks().size(),
                r.quarantined() ? " · quarantined the version" : "", Format.time(r.createdAt()), r.createdBy(), r.suite(),
                Html.each(r.checks(), c -> Html.of("<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"wrap\">{}</td></tr>",
                        c.passed() ? "" : "failed", c.label().orElse(c.kind()), c.column().orElse("—"), c.severity(),
                        c.passed() ? Html.of("<span class=\"ok\">✓ passed</span>") : Html.of("<span class=\"bad\">✗ failed</span>"),
                        c.observed().map(String::valueOf).orElse("—"), c.expected(), c.message()))));
    }

    private void compare(UiRouter ui, UiRequest request) {
        String name = request.ctx().pathParam("name");
        List<DatasetVersion> versions = new ArrayList<>(datasets.versions(name));
        versions.sort((a, b) -> Integer.compare(b.version(), a.version()));
        if (versions.size() < 2) {
            throw StewardException.invalidState("dataset '" + name + "' has one version: there is nothing to compare it with");
        }
        int reference = Requests.intQuery(request.ctx(), "reference", versions.get(1).version(), 1, Integer.MAX_VALUE);
        int current = Requests.intQuery(request.ctx(), "current", versions.get(0).version(), 1, Integer.MAX_VALUE);
        DatasetComparison comparison = datasets.compare(name, reference, current, DriftOptions.DEFAULTS);
        SchemaDiff diff = comparison.schema();
        Html schema = diff.identical() ? Html.of("<p class=\"ok\">✓ The schemas are identical.</p>") : Html.of("<ul class=\"diff\">{}{}{}{}{}</ul>",
                Html.each(diff.added(), c -> Html.of("<li class=\"added\">+ column <strong>{}</strong> added</li>", c)),
                Html.each(diff.removed(), c -> Html.of("<li class=\"removed\">− column <strong>{}</strong> removed</li>", c)),
                Html.each(diff.retyped(), c -> Html.of("<li>column <strong>{}</strong> retyped: {} → {}</li>", c.column(), c.from(), c.to())),
                Html.each(diff.nullability(), c -> Html.of("<li>column <strong>{}</strong>: {} → {}</li>", c.column(), c.from(), c.to())),
                Html.each(diff.domains(), d -> Html.of("<li>column <strong>{}</strong>: values {}{}</li>", d.column(),
                        d.addedValues().isEmpty() ? "" : "added " + String.join(", ", d.addedValues()) + " ",
                        d.removedValues().isEmpty() ? "" : "removed " + String.join(", ", d.removedValues()))));
        List<ColumnDrift> tested = comparison.columns().stream().filter(c -> c.skipped().isEmpty()).toList();
        Map<String, List<Double>> psi = new LinkedHashMap<>();
        psi.put("PSI", tested.stream().map(c -> c.psi().isPresent() ? c.psi().getAsDouble() : null).toList());
        Html psiChart = tested.isEmpty() ? Html.EMPTY : Html.of("<figure class=\"card\"><figcaption>Population stability index per column"
                + " (above 0.2 is usually read as a shift)</figcaption>{}</figure>", Widgets.chart(Charts.bars(tested.stream()
                .map(ColumnDrift::column).toList(), psi, true), "Population stability index of each compared column", tested.size() > 12 ? "tall"
                : "small"));
        Html table = Html.of("""
                <div class="table-wrap" tabindex="0" role="region" aria-label="Drift per column"><table class="compact"><caption class="sr-only">Drift of each column from v{} to v{}</caption>
                <thead><tr><th scope="col">Column</th><th scope="col">Drifted</th><th scope="col">Kind</th><th scope="col">Test</th><th scope="col" class="num">Statistic</th>
                <th scope="col" class="num">p</th><th scope="col" class="num">Adjusted p</th><th scope="col" class="num">PSI</th>
                <th scope="col" class="num">Jensen–Shannon</th><th scope="col" class="num">Wasserstein</th><th scope="col" class="num">Rows (ref / cur)</th>
                </tr></thead><tbody>{}</tbody></table></div>""", reference, current,
                Html.each(comparison.columns(), c -> Html.of("""
                        <tr class="{}"><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td><td class="num nowrap">{}</td><td class="num nowrap">{}</td>
                        <td class="num nowrap">{}</td><td class="num nowrap">{}</td><td class="num nowrap">{}</td><td class="num nowrap">{}</td>
                        <td class="num nowrap">{} / {}</td></tr>""",
                        c.drifted() ? "differs" : "", c.column(), c.skipped().map(s -> Html.of("<span class=\"muted\">{}</span>", s))
                                .orElse(c.drifted() ? Html.of("<strong class=\"bad\">drifted</strong>") : Html.of("<span class=\"ok\">no</span>")),
                        c.kind(), c.test().orElse("—"), number(c.statistic()), number(c.pValue()), number(c.adjustedPValue()), number(c.psi()),
                        number(c.jensenShannon()), number(c.wasserstein()), c.referenceCount(), c.currentCount())));
        Html content = Html.of("""
                <p class="lead"><a href="{}">{}</a> · <a href="{}">v{}</a> (reference) against <a href="{}">v{}</a> (current)</p>{}
                <div class="summary {}" role="status"><strong>{}</strong> {} of {} compared columns drifted ({} correction, α = {}).</div>
                <section><h2>Schema diff</h2>{}</section>
                <section><h2>Drift per column</h2>{}{}</section>
                <section><h2>Distributions</h2><p class="muted small">Quantiles of each numeric column and the most frequent values of each
                categorical one, reference beside current (drifted columns first).</p><div class="grid charts">{}</div></section>""",
                link(name), name, link(name, reference), reference, link(name, current), current, compareForm(name, versions, reference, current),
                comparison.drifted() ? "bad" : "ok", comparison.drifted() ? "Drift found." : "No drift found.", comparison.driftedColumns(),
                comparison.testedColumns(), comparison.options().correction().wireName(), Format.number(comparison.options().alpha()), schema,
                psiChart, table, distributions(name, reference, current, comparison));
        request.ctx().html(ui.layout().page(request, Section.DATASETS, "Compare " + name + " v" + reference + " → v" + current, content, true)
                .toString());
    }

    /** Each compared column's reference and current distribution from the two stored profiles, drifted columns first. */
    private Html distributions(String name, int reference, int current, DatasetComparison comparison) {
        DatasetVersion ref = datasets.version(name, reference);
        DatasetVersion cur = datasets.version(name, current);
        if (ref.profileSha256().isEmpty() || cur.profileSha256().isEmpty()) {
            return Widgets.empty("A version without a stored profile has no distributions to draw.");
        }
        Map<String, ProfileView.Column> before = byName(ProfileView.of(datasets.profile(ref)));
        Map<String, ProfileView.Column> after = byName(ProfileView.of(datasets.profile(cur)));
        List<ColumnDrift> columns = comparison.columns().stream().filter(c -> c.skipped().isEmpty() && before.containsKey(c.column())
                && after.containsKey(c.column())).sorted((a, b) -> Boolean.compare(b.drifted(), a.drifted())).limit(COMPARED_CHARTS).toList();
        return Html.each(columns, c -> {
            ProfileView.Column r = before.get(c.column());
            ProfileView.Column n = after.get(c.column());
            Map<String, List<Double>> series = new LinkedHashMap<>();
            List<String> labels;
            boolean horizontal;
            if (!r.quantiles().isEmpty() && !n.quantiles().isEmpty()) {
                labels = List.copyOf(r.quantiles().keySet());
                series.put("v" + reference, List.copyOf(r.quantiles().values()));
                series.put("v" + current, labels.stream().map(k -> n.quantiles().get(k)).toList());
                horizontal = false;
            } else {
                java.util.LinkedHashSet<String> values = new java.util.LinkedHashSet<>();
                r.topItems().forEach(i -> values.add(i.value()));
                n.topItems().forEach(i -> values.add(i.value()));
                labels = List.copyOf(values);
                series.put("v" + reference, share(labels, r));
                series.put("v" + current, share(labels, n));
                horizontal = true;
            }
            return Html.of("<figure class=\"card\"><figcaption>{} {}</figcaption>{}</figure>", c.column(),
                    c.drifted() ? Html.of("<span class=\"badge badge-failed\">drifted</span>") : Html.EMPTY,
                    Widgets.chart(Charts.bars(labels, series, horizontal), (horizontal ? "Share of the most frequent values of " : "Quantiles of ")
                            + c.column() + " in v" + reference + " and v" + current, "small"));
        });
    }

    private static List<Double> share(List<String> labels, ProfileView.Column column) {
        double total = Math.max(1, column.count());
        return labels.stream().map(l -> column.topItems().stream().filter(i -> i.value().equals(l)).findFirst()
                .map(i -> i.estimate() / total).orElse(0.0)).toList();
    }

    private static Map<String, ProfileView.Column> byName(ProfileView profile) {
        Map<String, ProfileView.Column> map = new LinkedHashMap<>();
        profile.columns().forEach(c -> map.put(c.name(), c));
        return map;
    }

    private static <T> List<T> slice(List<T> all, int page) {
        return all.subList(Math.min(all.size(), (page - 1) * PAGE_SIZE), Math.min(all.size(), page * PAGE_SIZE));
    }

    private static int version(UiRequest request) {
        String text = request.ctx().pathParam("version");
        if (text.equals("latest")) {
            return 0;
        }
        try {
            int version = Integer.parseInt(text);
            if (version >= 1) {
                return version;
            }
        } catch (NumberFormatException e) {
            // Refused below, as the API refuses it.
        }
        throw StewardException.invalid("version", "'" + text + "' is not a version: use 1, 2, ... or latest");
    }

    static String number(OptionalDouble value) {
        return value.isPresent() ? Format.number(value.getAsDouble()) : "—";
    }
}
