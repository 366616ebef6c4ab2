package dev.steward.server.ui;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.core.data.DatasetService;
import dev.steward.core.registry.LineageService;
import dev.steward.core.registry.ModelCards;
import dev.steward.core.registry.ModelNames;
import dev.steward.core.registry.PromotionService;
import dev.steward.core.registry.RegistryService;
import dev.steward.core.registry.policy.ApprovalsCriterion;
import dev.steward.core.registry.policy.PolicyParser;
import dev.steward.core.registry.policy.PromotionContext;
import dev.steward.core.serving.DeploymentService;
import dev.steward.core.tracking.Page;
import dev.steward.core.tracking.PageToken;
import dev.steward.spi.Role;
import dev.steward.spi.StewardException;
import dev.steward.spi.registry.ApprovalRecord;
import dev.steward.spi.registry.EnvironmentRecord;
import dev.steward.spi.registry.ModelVersionRecord;
import dev.steward.spi.registry.PolicyRecord;
import dev.steward.spi.registry.PromotionRecord;
import dev.steward.spi.registry.ReportRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /ui/models}: the registered models; a model's versions, aliases, environments with their
 * history, and policies; a version's facts, lineage graph, approvals (request, approve, reject),
 * promotion (with the report when it is refused), promotion reports criterion by criterion, and
 * its model card. Every control is shown only to a user the service would let use it: the role,
 * and for approvals the policy's approver role and four eyes.
 */
final class ModelPages {
    static final int PAGE_SIZE = 50;

    private final RegistryService registry;
    private final PromotionService promotions;
    private final LineageService lineage;
    private final DeploymentService deployments;
    private final DatasetService datasets;
    private final PolicyParser policies = new PolicyParser(PolicyParser.builtInKinds());

    ModelPages(RegistryService registry, PromotionService promotions, LineageService lineage, DeploymentService deployments,
            DatasetService datasets) {
        this.registry = requireNonNull(registry, "registry is null");
        this.promotions = requireNonNull(promotions, "promotions is null");
        this.lineage = requireNonNull(lineage, "lineage is null");
        this.deployments = requireNonNull(deployments, "deployments is null");
        this.datasets = requireNonNull(datasets, "datasets is null");
    }

    static String link(String name) {
        return "/ui/models/" + UiRequest.encode(name);
    }

    static String link(String name, int version) {
        return link(name) + "/versions/" + version;
    }

    void register(UiRouter ui) {
        ui.page("/ui/models", Role.VIEWER, request -> list(ui, request));
        ui.page("/ui/models/{name}", Role.VIEWER, request -> model(ui, request));
        ui.page("/ui/models/{name}/versions/{version}", Role.VIEWER, request -> request.ctx().html(versionPage(ui, request, Optional.empty())
                .toString()));
        // The card is Steward's self-contained HTML (inline styles, no script): sent under a policy that allows nothing else.
        ui.page("/ui/models/{name}/versions/{version}/card", Role.VIEWER, request -> request.ctx().contentType("text/html; charset=utf-8")
                .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'")
                .result(ModelCards.html(lineage.model(name(request), version(request))).getBytes(StandardCharsets.UTF_8)));
        ui.action("/ui/models/{name}/versions/{version}/approval-requests", Role.EDITOR, request -> Actions.perform(request, here(request),
                "request", () -> promotions.requestApproval(request.caller(), name(request), version(request), environment(request),
                        request.form("comment")), sent -> versionPage(ui, request, sent)));
        ui.action("/ui/models/{name}/versions/{version}/approvals", Role.EDITOR, request -> {
            String decision = request.form("decision").orElse("");
            String environment = environment(request);
            Actions.perform(request, here(request), "decide-" + environment, () -> promotions.decide(request.caller(), name(request),
                    version(request), environment, decision, request.form("comment")), sent -> versionPage(ui, request, sent));
        });
        ui.action("/ui/models/{name}/versions/{version}/promote", Role.DEPLOYER, request -> {
            String environment = environment(request);
            // Promoted or refused, the page shows the report the promotion left.
            Actions.perform(request, "promote", () -> {
                String report = promotions.promote(request.caller(), name(request), version(request), environment,
                        request.form("override_reason")).report().id();
                return here(request) + "?report=" + UiRequest.encode(report) + "#report-" + report;
            }, sent -> versionPage(ui, request, sent));
        });
    }

    private void list(UiRouter ui, UiRequest request) {
        int page = RunPages.page(request);
        Page<RegistryService.ModelDetails> models = registry.searchModels(null, List.of("name ASC"), PAGE_SIZE,
                PageToken.of((page - 1) * PAGE_SIZE));
        Html rows = Html.each(models.items(), m -> Html.of("""
                <tr><th scope="row"><a href="{}">{}</a></th><td class="wrap">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>""",
                link(m.model().name()), m.model().name(), m.model().description().orElse(""), holders(m.model().name(), m.holders()),
                Html.each(m.aliases(), a -> Html.of("<span class=\"tag\">@{} → v{}</span> ", a.alias(), a.version())),
                Format.time(m.model().updatedAt())));
        Html content = models.items().isEmpty() && page == 1 ? Widgets.empty("No registered models yet. Register a run's model with steward models"
                + " register or POST /api/v1/models/{name}/versions.") : Html.of("""
                <div class="table-wrap"><table><caption class="sr-only">Registered models</caption>
                <thead><tr><th scope="col">Model</th><th scope="col">Description</th><th scope="col">Environments</th><th scope="col">Aliases</th>
                <th scope="col">Updated</th></tr></thead><tbody>{}</tbody></table></div>{}""", rows,
                Widgets.pager(page, models.nextPageToken().isPresent(), p -> "/ui/models?page=" + p));
        request.ctx().html(ui.layout().page(request, Section.MODELS, "Models", content, false).toString());
    }

    private static Html holders(String model, Map<String, Integer> holders) {
        return Html.join(holders.entrySet().stream().map(e -> Html.of("<a class=\"tag\" href=\"{}\">{} v{}</a> ", link(model, e.getValue()),
                e.getKey(), e.getValue())).toList());
    }

    private void model(UiRouter ui, UiRequest request) {
        String name = name(request);
        RegistryService.ModelDetails model = registry.model(name);
        List<RegistryService.VersionDetails> versions = new ArrayList<>(registry.versions(name));
        versions.sort((a, b) -> Integer.compare(b.version().version(), a.version().version()));
        int page = RunPages.page(request);
        List<RegistryService.VersionDetails> shown = versions.subList(Math.min(versions.size(), (page - 1) * PAGE_SIZE),
                Math.min(versions.size(), page * PAGE_SIZE));
        Html versionRows = Html.each(shown, v -> Html.of("""
                <tr><th scope="row"><a href="{}">v{}</a></th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>""",
                link(name, v.version().version()), v.version().version(), Widgets.badge(v.version().revocation().isPresent() ? "revoked"
                        : v.version().status()), String.join(", ", v.environments()), Html.each(v.aliases(), a -> Html.of("<span class=\"tag\">@{}</span> ", a)),
                v.version().task().orElse("—"), runLink(v.version()), Format.time(v.version().createdAt()), v.version().createdByName()));
        List<PromotionRecord> history = new ArrayList<>(promotions.history(name, Optional.empty()));
        java.util.Collections.reverse(history);
        Html historyTable = history.isEmpty() ? Widgets.empty("Never promoted.") : Html.of("""
                <div class="table-wrap"><table class="compact"><caption class="sr-only">Promotions, newest first</caption>
                <thead><tr><th scope="col">When</th><th scope="col">Environment</th><th scope="col">Action</th><th scope="col">Version</th>
                <th scope="col">Before</th><th scope="col">By</th><th scope="col">Reason</th></tr></thead><tbody>{}</tbody></table></div>""",
                Html.each(history.subList(0, Math.min(50, history.size())), p -> Html.of(
                        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", Format.time(p.createdAt()),
                        p.environment(), p.action(), p.version().map(v -> Html.of("<a href=\"{}\">v{}</a>", link(name, v), v)).orElse(Html.text("—")),
                        p.previousVersion().map(v -> "v" + v).orElse("—"), p.createdByName(), p.reason().orElse(""))));
        Map<String, PolicyRecord> latest = new LinkedHashMap<>();
        promotions.policies(name).forEach(p -> latest.merge(p.environment(), p, (a, b) -> a.revision() >= b.revision() ? a : b));
        Html policyCards = latest.isEmpty() ? Widgets.empty("No policies: promotions need only the safety criteria.") : Html.each(latest.values(),
                p -> Html.of("<div class=\"card\"><h3>{} <span class=\"muted small\">revision {} · {} by {}</span></h3><pre class=\"code small\""
                        + " tabindex=\"0\">{}</pre></div>", p.environment(), p.revision(), Format.time(p.createdAt()), p.createdBy(), p.definition()));
        Html content = Html.of("""
                {}<dl class="facts"><div><dt>Versions</dt><dd>{}</dd></div><div><dt>Environments</dt><dd>{}</dd></div>
                <div><dt>Aliases</dt><dd>{}</dd></div><div><dt>Created</dt><dd>{} by {}</dd></div><div><dt>Tags</dt><dd>{}</dd></div></dl>
                <section><h2>Versions</h2><div class="table-wrap"><table><caption class="sr-only">Versions of {}, newest first</caption>
                <thead><tr><th scope="col">Version</th><th scope="col">Status</th><th scope="col">Environments</th><th scope="col">Aliases</th>
                <th scope="col">Task</th><th scope="col">Run</th><th scope="col">Created</th><th scope="col">By</th></tr></thead><tbody>{}</tbody></table></div>{}</section>
                <section><h2>Environments</h2>{}</section>
                <section><h2>Policies</h2><div class="grid two">{}</div></section>""",
                model.model().description().map(d -> Html.of("<p class=\"lead\">{}</p>", d)).orElse(Html.EMPTY), versions.size(),
                model.holders().isEmpty() ? Html.text("none") : holders(name, model.holders()),
                model.aliases().isEmpty() ? Html.text("none") : Html.each(model.aliases(), a -> Html.of("<span class=\"tag\">@{} → v{}</span> ",
                        a.alias(), a.version())), Format.time(model.model().createdAt()), model.model().createdBy(),
                Html.each(model.model().tags().entrySet(), t -> Html.of("<span class=\"tag\">{}={}</span> ", t.getKey(), t.getValue())), name,
                versionRows, Widgets.pager(page, versions.size() > page * PAGE_SIZE, p -> link(name) + "?page=" + p), historyTable, policyCards);
        request.ctx().html(ui.layout().page(request, Section.MODELS, name, content, false).toString());
    }

    private Html versionPage(UiRouter ui, UiRequest request, Optional<Actions.Sent> sent) {
        String name = name(request);
        RegistryService.VersionDetails details = registry.version(name, version(request));
        ModelVersionRecord v = details.version();
        JsonNode graph = lineage.model(name, v.version());
        Html revoked = v.revocation().map(r -> Html.of("<div class=\"alert error\" role=\"status\"><strong>Revoked</strong> by {} at {}: {}</div>",
                r.by(), Format.time(r.at()), r.reason())).orElse(Html.EMPTY);
        Html facts = Html.of("""
                <dl class="facts"><div><dt>Status</dt><dd>{}</dd></div><div><dt>Environments</dt><dd>{}</dd></div><div><dt>Aliases</dt><dd>{}</dd></div>
                <div><dt>Task</dt><dd>{}</dd></div><div><dt>Run</dt><dd>{}</dd></div><div><dt>Source</dt><dd class="small"><code>{}</code></dd></div>
                <div><dt>Package</dt><dd>{}</dd></div><div><dt>Created</dt><dd>{} by {}</dd></div>{}</dl>""",
                Widgets.badge(v.status()), details.environments().isEmpty() ? "none" : String.join(", ", details.environments()),
                details.aliases().isEmpty() ? "none" : "@" + String.join(", @", details.aliases()), v.task().orElse("—"), runLink(v), v.source(),
                v.pkg().map(p -> Html.of("{} · <code title=\"{}\">{}</code>", Format.bytes(p.size()), p.modelDigest(), p.modelDigest().substring(0,
                        Math.min(12, p.modelDigest().length())))).orElse(Html.text("—")), Format.time(v.createdAt()), v.createdByName(),
                v.notes().description().map(d -> Html.of("<div><dt>Description</dt><dd>{}</dd></div>", d)).orElse(Html.EMPTY));
        Html metrics = metrics(graph.path("model_version").path("metrics"));
        Html content = Html.of("""
                <p class="lead"><a href="{}">{}</a> · version {} · <a href="{}/card">Model card</a></p>{}{}
                <section><h2>Lineage</h2>{}</section>
                {}
                <section><h2>Approvals</h2>{}</section>
                <section><h2>Promotion</h2>{}</section>
                <section><h2>Promotion reports</h2>{}</section>""", link(name), name, v.version(), link(name, v.version()), revoked, facts,
                LineageGraph.ofModel(graph, deployments.list()).render("Lineage of " + name + " version " + v.version()
                        + ": its training data, run and deployments"), metrics, approvals(request, details, sent),
                promote(request, details, Actions.of(sent, "promote")), reports(request, name, v.version()));
        return ui.layout().page(request, Section.MODELS, name + " v" + v.version(), content, true);
    }

    private static Html metrics(JsonNode metrics) {
        if (!metrics.isObject() || metrics.isEmpty()) {
            return Html.EMPTY;
        }
        List<Html> rows = new ArrayList<>();
        metrics.fields().forEachRemaining(m -> rows.add(Html.of("<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td></tr>", m.getKey(),
                m.getValue().isNumber() ? Format.number(m.getValue().asDouble()) : m.getValue().asText())));
        return Html.of("""
                <section><h2>Metrics reported by training</h2><div class="table-wrap narrow-table"><table class="compact"><caption class="sr-only">Metrics
                </caption><thead><tr><th scope="col">Metric</th><th scope="col" class="num">Value</th></tr></thead><tbody>{}</tbody></table></div>
                </section>""", Html.join(rows));
    }

    /**
     * The approval requests with their decisions; a request form for editors; approve and reject
     * for the latest request of each environment, only when this user may give them: the policy's
     * approver role, and for an approval under four eyes neither the version's creator nor the requester.
     */
    private Html approvals(UiRequest request, RegistryService.VersionDetails details, Optional<Actions.Sent> sent) {
        String name = details.version().modelName();
        int number = details.version().version();
        List<PromotionContext.ApprovalState> states = promotions.approvals(name, number);
        Map<String, PromotionContext.ApprovalState> latest = new LinkedHashMap<>();
        states.forEach(s -> latest.put(s.request().environment(), s));
        List<Html> cards = new ArrayList<>();
        for (PromotionContext.ApprovalState state : latest.values()) {
            String environment = state.request().environment();
            Optional<ApprovalsCriterion> rule = approvalRule(name, environment);
            Role required = rule.map(ApprovalsCriterion::role).orElse(Role.DEPLOYER);
            boolean fourEyes = rule.map(ApprovalsCriterion::fourEyes).orElse(true);
            boolean mayDecide = request.can(required);
            Optional<String> fourEyesBlock = !fourEyes ? Optional.empty()
                    : request.actor().id().equals(details.version().createdBy()) ? Optional.of("You registered this version, so under four eyes someone else must approve it.")
                    : request.actor().id().equals(state.request().requestedBy()) ? Optional.of("You requested this approval, so under four eyes someone else must approve it.")
                    : Optional.empty();
            Html decisions = state.decisions().isEmpty() ? Html.of("<p class=\"muted small\">No decision yet.</p>") : Html.of(
                    "<ul class=\"decisions\">{}</ul>", Html.each(state.decisions(), d -> Html.of("<li>{} by <strong>{}</strong> ({}) · {}{}</li>",
                            Widgets.badge(d.decision()), d.actorName(), d.actorRole(), Format.time(d.createdAt()),
                            d.comment().map(c -> Html.of(" — “{}”", c)).orElse(Html.EMPTY))));
            Html controls = Html.EMPTY;
            if (mayDecide) {
                Optional<StewardException> error = Actions.of(sent, "decide-" + environment);
                controls = Html.of("""
                        <form method="post" action="{}/approvals" class="stack decision">{}<input type="hidden" name="environment" value="{}">{}
                        <div class="field"><label for="comment-{}">Comment (optional)</label><input id="comment-{}" name="comment" type="text"></div>
                        <div class="actions">{}<button type="submit" name="decision" value="reject" class="danger">Reject</button></div>{}</form>""",
                        link(name, number), request.csrfField(), environment,
                        error.map(e -> Html.of("<div class=\"alert error\" role=\"alert\">{}</div>", e.getMessage())).orElse(Html.EMPTY),
                        environment, environment, fourEyesBlock.isEmpty() ? Html.of("<button type=\"submit\" name=\"decision\" value=\"approve\""
                                + " class=\"primary\">Approve for {}</button>", environment) : Html.EMPTY,
                        fourEyesBlock.map(b -> Html.of("<p class=\"hint\">{}</p>", b)).orElse(Html.EMPTY));
            }
            cards.add(Html.of("""
                    <div class="card approval" id="approval-{}"><h3>{} <span class="muted small">requested by {} · {}</span></h3>{}
                    <p class="small muted">Needs {}{}.</p>{}{}</div>""", environment, environment, state.request().requestedByName(),
                    Format.time(state.request().createdAt()), state.request().comment().map(c -> Html.of("<p>“{}”</p>", c)).orElse(Html.EMPTY),
                    rule.map(ApprovalsCriterion::describe).orElse("an approval by a deployer (no policy names approvals)"),
                    Html.EMPTY, decisions, controls));
        }
        Html ask = Html.EMPTY;
        if (request.can(Role.EDITOR)) {
            Optional<StewardException> error = Actions.of(sent, "request");
            ask = Html.of("""
                    <details class="card-details"{}><summary>Request an approval…</summary>
                    <form method="post" action="{}/approval-requests" class="stack">{}{}{}
                    <div class="field"><label for="request-comment">Comment (optional)</label><input id="request-comment" name="comment" type="text"></div>
                    <div><button type="submit">Request approval</button></div></form></details>""", Html.when(error.isPresent(), Html.of(" open")),
                    link(name, number), request.csrfField(), error.map(e -> Html.of("<div class=\"alert error\" role=\"alert\">{}</div>",
                            e.getMessage())).orElse(Html.EMPTY), environmentSelect("request-environment",
                            registry.environments().stream().map(EnvironmentRecord::name).toList()));
        }
        return Html.of("{}{}", cards.isEmpty() ? Widgets.empty("Nobody has requested an approval of this version.") : Html.of(
                "<div class=\"grid two\">{}</div>", Html.join(cards)), ask);
    }

    private Optional<ApprovalsCriterion> approvalRule(String name, String environment) {
        Optional<PolicyRecord> record = promotions.policy(name, environment);
        if (record.isEmpty()) {
            return Optional.empty();
        }
        try {
            return policies.parse(record.get().definition(), (reference, field) -> {
                int at = reference.lastIndexOf('@');
                return datasets.version(reference.substring(0, at), Integer.parseInt(reference.substring(at + 1)));
            }).approvals();
        } catch (RuntimeException e) {
            // A stored policy parsed when it was set; one that no longer parses leaves the service's defaults (and the service decides).
            return Optional.empty();
        }
    }

    private Html promote(UiRequest request, RegistryService.VersionDetails details, Optional<StewardException> error) {
        if (!request.can(Role.DEPLOYER)) {
            return Html.of("<p class=\"muted\">Promotions need the deployer role.</p>");
        }
        if (!details.version().ready()) {
            return Html.of("<p class=\"muted\">Only a ready version can be promoted; this one is {}.</p>", details.version().status());
        }
        List<String> open = registry.environments().stream().map(EnvironmentRecord::name).filter(e -> !details.environments().contains(e)).toList();
        if (open.isEmpty()) {
            return Html.of("<p class=\"muted\">This version holds every environment.</p>");
        }
        Html override = Html.when(request.can(Role.ADMIN), Html.of("""
                <div class="field"><label for="override_reason">Override reason (admins only; promotes even when a policy criterion fails)</label>
                <input id="override_reason" name="override_reason" type="text"></div>"""));
        return Html.of("""
                <form method="post" action="{}/promote" class="toolbar" aria-label="Promote">{}{}{}{}<button type="submit" class="primary">Promote</button>
                </form><p class="hint">The safety criteria and the environment's policy are evaluated; the report is kept whether or not the version
                is promoted.</p>""", link(details.version().modelName(), details.version().version()), request.csrfField(),
                error.map(e -> Html.of("<div class=\"alert error\" role=\"alert\">{}</div>", e.getMessage())).orElse(Html.EMPTY),
                environmentSelect("environment", open), override);
    }

    private static Html environmentSelect(String id, List<String> environments) {
        return Html.of("<div class=\"field\"><label for=\"{}\">Environment</label><select id=\"{}\" name=\"environment\">{}</select></div>", id, id,
                Html.each(environments, e -> Html.of("<option value=\"{}\">{}</option>", e, e)));
    }

    /** Every report of the version, newest first: each criterion's observed against expected value and its evidence. */
    private Html reports(UiRequest request, String name, int number) {
        List<ReportRecord> reports = new ArrayList<>(promotions.reports(name, number));
        if (reports.isEmpty()) {
            return Widgets.empty("No promotion has been evaluated for this version.");
        }
        java.util.Collections.reverse(reports);
        Optional<String> highlighted = request.query("report");
        return Html.each(reports, r -> {
            JsonNode report = Widgets.json(r.reportJson());
            boolean focus = highlighted.map(r.id()::equals).orElse(false);
            Html banner = Html.when(focus, r.promoted() ? Html.of("<div class=\"summary ok\" role=\"status\"><strong>Promoted to {}.</strong></div>",
                    r.environment()) : Html.of("<div class=\"summary bad\" role=\"alert\"><strong>Promotion to {} refused.</strong> The criteria that"
                    + " failed are marked below.</div>", r.environment()));
            return Html.of("""
                    <details class="report card" id="report-{}"{}><summary>{} <strong>{}</strong> · {} · {} by {}{}</summary>{}
                    <div class="table-wrap"><table class="compact criteria"><caption class="sr-only">Criteria of report {}</caption>
                    <thead><tr><th scope="col">Criterion</th><th scope="col">Result</th><th scope="col">Observed</th><th scope="col">Expected</th>
                    <th scope="col">Evidence</th></tr></thead><tbody>{}</tbody></table></div></details>""", r.id(), Html.when(focus || reports.get(0) == r,
                    Html.of(" open")), Widgets.badge(r.promoted() ? "promoted" : "refused"), r.environment(), r.passed() ? "every criterion passed"
                    : "criteria failed", Format.time(r.createdAt()), r.createdByName(), r.overrideReason().map(o -> " · overridden: " + o).orElse(""),
                    banner, r.id(), Html.each(report.path("criteria"), c -> Html.of("""
                            <tr class="{}"><th scope="row">{}<br><span class="muted small">{}</span></th><td>{}</td><td class="observed">{}</td>
                            <td>{}</td><td class="small">{}</td></tr>""", c.path("passed").asBoolean() ? "" : "failed", c.path("kind").asText(),
                            c.path("description").asText(), c.path("passed").asBoolean() ? Html.of("<span class=\"ok\">✓ passed</span>")
                                    : Html.of("<span class=\"bad\">✗ failed</span>"), c.path("observed").asText(), c.path("expected").asText(),
                            evidence(c.path("evidence")))));
        });
    }

    private static Html evidence(JsonNode evidence) {
        List<Html> items = new ArrayList<>();
        for (JsonNode e : evidence) {
            String type = e.path("type").asText();
            String id = e.path("id").asText();
            Html item = switch (type) {
                case "run" -> Html.of("<a href=\"/ui/runs/{}\">run {}</a>", UiRequest.encode(id), id.substring(0, Math.min(12, id.length())));
                case "validation_report" -> Html.of("validation report <code>{}</code>", id);
                default -> Html.of("{} <code>{}</code>", type.replace('_', ' '), id);
            };
            items.add(item);
        }
        return items.isEmpty() ? Html.text("—") : Html.join(items.stream().map(i -> Html.of("{}<br>", i)).toList());
    }

    private static Html runLink(ModelVersionRecord v) {
        return v.runId().map(r -> Html.of("<a href=\"/ui/runs/{}\">{}</a>", UiRequest.encode(r), Format.shortId(r))).orElse(Html.text("—"));
    }

    private String here(UiRequest request) {
        return link(name(request), version(request));
    }

    private static String name(UiRequest request) {
        return request.ctx().pathParam("name");
    }

    private static int version(UiRequest request) {
        return ModelNames.version(request.ctx().pathParam("version"));
    }

    private static String environment(UiRequest request) {
        return request.form("environment").orElseThrow(() -> StewardException.invalid("environment", "'environment' is required"));
    }
}
