package dev.steward.server.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.core.monitoring.MonitorReportHtml;
import dev.steward.core.monitoring.MonitorService;
import dev.steward.core.monitoring.MonitorSpec;
import dev.steward.core.monitoring.MonitorSpecs;
import dev.steward.core.monitoring.MonitorView;
import dev.steward.core.monitoring.WindowReport;
import dev.steward.core.monitoring.WindowReports;
import dev.steward.server.http.Access;
import dev.steward.server.http.Authenticator;
import dev.steward.server.http.Json;
import dev.steward.server.http.Requests;
import dev.steward.server.http.Router;
import dev.steward.server.http.Routes;
import dev.steward.spi.StewardException;
import dev.steward.spi.monitoring.MonitorAlertRecord;
import dev.steward.spi.monitoring.MonitorRecord;
import dev.steward.spi.monitoring.MonitorRevisionRecord;
import dev.steward.spi.monitoring.MonitorWindowRecord;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Monitors under {@code /api/v1/monitors}: one per deployment, named by it. Create, show, update,
 * history and delete; its closed windows and their reports (JSON, or a self-contained HTML page);
 * an on-demand run of the open window; a window rebuilt from the request log for audit; alerts.
 * Reading needs a viewer token; changes, runs and rebuilds an editor (a monitor whose alerts stop
 * a deployment or roll its canary back a deployer: the service checks).
 */
public final class MonitorRoutes implements Routes {
    private static final String MONITOR = "/api/v1/monitors/{deployment}";
    private static final String WINDOW = MONITOR + "/windows/{window}";

    /** A window's HTML report has inline styles and inline SVG, nothing else: its policy allows nothing else. */
    public static final String REPORT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

    private final MonitorService monitors;
    private final Json json;

    public MonitorRoutes(MonitorService monitors, Json json) {
        this.monitors = requireNonNull(monitors, "monitors is null");
        this.json = requireNonNull(json, "json is null");
    }

    record CreateRequest(String deployment, JsonNode spec, String specText) {}

    record UpdateRequest(JsonNode spec, String specText, String reason) {}

    @Override
    public void register(Router router) {
        router.post("/api/v1/monitors", Access.EDITOR, ctx -> {
            CreateRequest r = json.readStrict(ctx.bodyAsBytes(), CreateRequest.class);
            if (r.deployment() == null) {
                throw StewardException.invalid("deployment", "'deployment' is required: the deployment to watch, e.g. penguins-api");
            }
            json.respond(ctx, 201, view(monitors.create(Authenticator.caller(ctx), r.deployment(), specText(r.spec(), r.specText()))));
        });
        router.get("/api/v1/monitors", Access.VIEWER, ctx -> {
            ObjectNode body = json.mapper().createObjectNode();
            ArrayNode list = body.putArray("monitors");
            monitors.list().forEach(m -> list.add(view(m)));
            json.respond(ctx, 200, body);
        });
        router.get(MONITOR, Access.VIEWER, ctx -> json.respond(ctx, 200, view(monitors.get(ctx.pathParam("deployment")))));
        router.put(MONITOR, Access.EDITOR, ctx -> {
            UpdateRequest r = json.readStrict(ctx.bodyAsBytes(), UpdateRequest.class);
            json.respond(ctx, 200, view(monitors.update(Authenticator.caller(ctx), ctx.pathParam("deployment"), specText(r.spec(), r.specText()),
                    Optional.ofNullable(r.reason()))));
        });
        router.delete(MONITOR, Access.EDITOR, ctx -> {
            monitors.delete(Authenticator.caller(ctx), ctx.pathParam("deployment"));
            ctx.status(204);
        });
        router.get(MONITOR + "/history", Access.VIEWER, ctx -> {
            ObjectNode body = json.mapper().createObjectNode().put("deployment", ctx.pathParam("deployment"));
            ArrayNode list = body.putArray("revisions");
            for (MonitorRevisionRecord r : monitors.history(ctx.pathParam("deployment"))) {
                ObjectNode node = list.addObject().put("revision", r.revision()).put("change", r.change());
                r.reason().ifPresent(reason -> node.put("reason", reason));
                node.put("by", r.createdByName()).put("at", Instant.ofEpochMilli(r.createdAt()).toString());
                node.putObject("reference").put("dataset", r.referenceDataset()).put("version", r.referenceVersion())
                        .put("rows", r.referenceRows()).put("sha256", r.referenceSha256());
                node.set("spec", read(r.specJson()));
            }
            json.respond(ctx, 200, body);
        });
        router.post(MONITOR + "/run", Access.EDITOR, ctx -> json.respond(ctx, 200,
                WindowReports.toNode(monitors.run(Authenticator.caller(ctx), ctx.pathParam("deployment")))));
        router.get(MONITOR + "/windows", Access.VIEWER, ctx -> {
            String deployment = ctx.pathParam("deployment");
            int limit = Requests.intQuery(ctx, "max_results", 100, 1, 1000);
            Optional<Long> before = Requests.longQuery(ctx, "before");
            if (before.isPresent() && before.get() < 0) {
                throw StewardException.invalid("before", "'before' is a window number (0 or more), not " + before.get());
            }
            List<MonitorWindowRecord> windows = monitors.windows(deployment, before, limit);
            ObjectNode body = json.mapper().createObjectNode().put("deployment", deployment);
            ArrayNode list = body.putArray("windows");
            for (MonitorWindowRecord w : windows) {
                list.add(summary(w));
            }
            if (windows.size() == limit && !windows.isEmpty()) {
                body.put("next_before", windows.get(windows.size() - 1).window());
            }
            json.respond(ctx, 200, body);
        });
        router.get(WINDOW, Access.VIEWER, ctx -> json.respond(ctx, 200, WindowReports.toNode(monitors.report(ctx.pathParam("deployment"),
                window(ctx)))));
        router.get(WINDOW + "/report.html", Access.VIEWER, ctx -> {
            String deployment = ctx.pathParam("deployment");
            long number = window(ctx);
            ctx.contentType("text/html; charset=utf-8")
                    .header("Content-Disposition", "inline; filename=\"" + deployment + "-window-" + number + ".html\"")
                    .header("Content-Security-Policy", REPORT_POLICY)
                    .result(reportPage(monitors, deployment, number).getBytes(StandardCharsets.UTF_8));
        });
        router.post(WINDOW + "/rebuild", Access.EDITOR, ctx -> {
            String deployment = ctx.pathParam("deployment");
            long number = window(ctx);
            WindowReport live = monitors.report(deployment, number);
            WindowReport rebuilt = monitors.rebuild(Authenticator.caller(ctx), deployment, number);
            ObjectNode body = json.mapper().createObjectNode().put("deployment", deployment).put("window", number);
            body.put("rows_live", live.rows()).put("rows_rebuilt", rebuilt.rows()).put("rows_agree", live.rows() == rebuilt.rows());
            body.set("live", WindowReports.toNode(live));
            body.set("rebuilt", WindowReports.toNode(rebuilt));
            json.respond(ctx, 200, body);
        });
        router.get(MONITOR + "/alerts", Access.VIEWER, ctx -> json.respond(ctx, 200, alerts(ctx, Optional.of(ctx.pathParam("deployment")))));
        router.get("/api/v1/alerts", Access.VIEWER, ctx -> json.respond(ctx, 200, alerts(ctx, Requests.query(ctx, "deployment"))));
    }

    /**
     * The self-contained HTML report of a window, with the windows before it and the drift
     * thresholds of the revision that closed it (the API's route and the web UI's both send it).
     */
    public static String reportPage(MonitorService monitors, String deployment, long number) {
        WindowReport report = monitors.report(deployment, number);
        List<WindowReport> history = new ArrayList<>();
        for (MonitorWindowRecord w : monitors.windows(deployment, Optional.of(number), MonitorReportHtml.MAX_HISTORY)) {
            history.add(WindowReports.fromJson(w.reportJson()));
        }
        Collections.reverse(history);
        MonitorSpec.Drift drift = monitors.history(deployment).stream().filter(r -> r.revision() == report.monitorRevision()).findFirst()
                .map(r -> MonitorSpecs.fromJson(r.specJson()).drift()).orElse(MonitorSpec.DEFAULTS.drift());
        return MonitorReportHtml.window(deployment, report, history, drift);
    }

    /** The spec's text: a JSON object given as {@code spec}, or YAML / JSON text given as {@code spec_text}. */
    private String specText(JsonNode spec, String specText) {
        if ((spec == null) == (specText == null)) {
            throw StewardException.invalid("spec", "give either 'spec' (the monitor as a JSON object) or 'spec_text' (its YAML or JSON text);"
                    + " '{}' watches every input column with the defaults");
        }
        if (spec != null) {
            if (!spec.isObject()) {
                throw StewardException.invalid("spec", "'spec' must be an object, e.g. {\"window\": {\"requests\": 500}}");
            }
            return spec.toString();
        }
        return specText;
    }

    private static long window(Context ctx) {
        String text = ctx.pathParam("window");
        try {
            long number = Long.parseLong(text);
            if (number < 0) {
                throw StewardException.invalid("window", "the window is a number, 0 or more, not " + number);
            }
            return number;
        } catch (NumberFormatException e) {
            throw StewardException.invalid("window", "the window is a number (see GET .../windows), not '" + text + "'");
        }
    }

    private ObjectNode alerts(Context ctx, Optional<String> deployment) {
        int limit = Requests.intQuery(ctx, "max_results", 100, 1, 1000);
        ObjectNode body = json.mapper().createObjectNode();
        ArrayNode list = body.putArray("alerts");
        for (MonitorAlertRecord a : monitors.alerts(deployment, Requests.query(ctx, "state"), limit)) {
            list.add(alert(a));
        }
        return body;
    }

    private ObjectNode alert(MonitorAlertRecord a) {
        ObjectNode node = json.mapper().createObjectNode();
        node.put("id", a.id()).put("deployment", a.deployment()).put("revision", a.revision()).put("rule", a.rule()).put("state", a.state());
        node.put("fired_at", Instant.ofEpochMilli(a.firedAt()).toString());
        a.resolvedAt().ifPresent(t -> node.put("resolved_at", Instant.ofEpochMilli(t).toString()));
        node.put("first_window", a.firstWindow()).put("last_window", a.lastWindow());
        a.resolvedWindow().ifPresent(w -> node.put("resolved_window", w));
        node.set("evidence", read(a.evidenceJson()));
        node.set("actions", read(a.actionsJson()));
        return node;
    }

    private ObjectNode summary(MonitorWindowRecord w) {
        ObjectNode node = json.mapper().createObjectNode();
        node.put("window", w.window()).put("revision", w.revision()).put("start", Instant.ofEpochMilli(w.startMillis()).toString())
                .put("end", Instant.ofEpochMilli(w.endMillis()).toString()).put("rows", w.rows()).put("status", w.status())
                .put("source", w.source()).put("parts", w.parts()).put("closed_at", Instant.ofEpochMilli(w.closedAt()).toString());
        WindowReport report = WindowReports.fromJson(w.reportJson());
        node.put("compared_features", report.comparedFeatures()).put("drifted_features", report.driftedFeatures());
        ArrayNode drifted = node.putArray("drifted");
        report.features().stream().filter(WindowReport.FeatureDrift::drifted).forEach(f -> drifted.add(f.column()));
        report.mmd().ifPresent(m -> node.put("mmd_p_value", m.pValue()));
        report.outliers().ifPresent(o -> node.put("outlier_rate", o.rate()));
        report.performance().ifPresent(p -> {
            p.accuracy().ifPresent(a -> node.put("accuracy", a));
            p.estimatedAccuracy().ifPresent(a -> node.put("estimated_accuracy", a));
        });
        return node;
    }

    private ObjectNode view(MonitorView m) {
        MonitorRecord r = m.record();
        ObjectNode node = json.mapper().createObjectNode();
        node.put("deployment", m.deployment()).put("revision", m.revision()).put("active", m.active());
        node.putObject("reference").put("dataset", r.referenceDataset()).put("version", r.referenceVersion()).put("rows", r.referenceRows())
                .put("sha256", r.referenceSha256());
        ArrayNode features = node.putArray("features");
        m.features().forEach(features::add);
        node.put("created_at", Instant.ofEpochMilli(r.createdAt()).toString()).put("updated_at", Instant.ofEpochMilli(r.updatedAt()).toString());
        m.latest().ifPresentOrElse(w -> node.set("latest_window", summary(w)), () -> node.putNull("latest_window"));
        ArrayNode firing = node.putArray("firing");
        m.firing().forEach(a -> firing.add(alert(a)));
        node.set("spec", read(m.specJson()));
        return node;
    }

    private JsonNode read(String text) {
        try {
            return json.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw StewardException.internal("reading a stored monitor document", e);
        }
    }
}
