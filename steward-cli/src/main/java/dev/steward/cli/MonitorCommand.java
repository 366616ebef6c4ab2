package dev.steward.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.steward.spi.StewardException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code steward monitor create|list|show|update|history|delete|run|windows|report|rebuild|alerts}:
 * the monitor of a deployment (drift, outliers, live and estimated accuracy, alerts and their
 * actions; see docs/monitoring.md). Changes need an editor token, reading a viewer's.
 */
@Command(name = "monitor", description = "Watch a deployment's live traffic: drift, outliers, accuracy, alerts.",
        subcommands = {MonitorCommand.Create.class, MonitorCommand.ListMonitors.class, MonitorCommand.Show.class, MonitorCommand.Update.class,
                MonitorCommand.History.class, MonitorCommand.Delete.class, MonitorCommand.Run.class, MonitorCommand.Windows.class,
                MonitorCommand.Report.class, MonitorCommand.Rebuild.class, MonitorCommand.Alerts.class})
final class MonitorCommand extends CommandGroup {
    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw StewardException.invalid("spec", "cannot read the monitor spec " + file + ": " + e.getMessage());
        }
    }

    static void print(JsonNode m, PrintWriter out) {
        JsonNode ref = m.get("reference");
        out.println(m.get("deployment").asText() + " (revision " + m.get("revision").asInt() + "): reference " + ref.get("dataset").asText() + "@"
                + ref.get("version").asInt() + " (" + ref.get("rows").asLong() + " rows), " + (m.get("active").asBoolean() ? "watching"
                : "not watching on this server"));
        JsonNode spec = m.get("spec");
        JsonNode window = spec.get("window");
        out.println("  window: " + (window.has("requests") && !window.get("requests").isNull() ? window.get("requests").asLong() + " rows"
                : window.path("duration").asText()) + "; features: " + Cells.list(m.get("features")));
        JsonNode latest = m.get("latest_window");
        if (latest != null && !latest.isNull()) {
            out.println("  latest window " + latest.get("window").asLong() + ": " + windowLine(latest));
        } else {
            out.println("  no window closed yet");
        }
        for (JsonNode a : m.get("firing")) {
            out.println("  FIRING " + a.get("rule").asText() + " since window " + a.get("first_window").asLong() + ": " + a.at("/evidence/condition")
                    .asText(""));
        }
    }

    static String windowLine(JsonNode w) {
        StringBuilder line = new StringBuilder();
        line.append(w.get("rows").asLong()).append(" rows, ").append(w.get("status").asText());
        if (w.get("status").asText().equals("evaluated")) {
            line.append(", drift in ").append(w.get("drifted_features").asInt()).append('/').append(w.get("compared_features").asInt());
            if (w.get("drifted").size() > 0) {
                line.append(" (").append(Cells.list(w.get("drifted"))).append(')');
            }
            if (w.has("mmd_p_value")) {
                line.append(", MMD p=").append(String.format(Locale.ROOT, "%.3g", w.get("mmd_p_value").asDouble()));
            }
            if (w.has("outlier_rate")) {
                line.append(", outliers ").append(String.format(Locale.ROOT, "%.1f%%", 100 * w.get("outlier_rate").asDouble()));
            }
            if (w.has("accuracy")) {
                line.append(", accuracy ").append(String.format(Locale.ROOT, "%.3f", w.get("accuracy").asDouble()));
            }
            if (w.has("estimated_accuracy")) {
                line.append(", estimated ").append(String.format(Locale.ROOT, "%.3f", w.get("estimated_accuracy").asDouble()));
            }
        }
        return line.toString();
    }

    /** A report's features as a table, and its other findings as lines. */
    static void printReport(JsonNode r, PrintWriter out) {
        out.println(r.get("monitor").asText() + " window " + r.get("window").asLong() + (r.get("partial").asBoolean() ? " (open, so far)" : "") + ": "
                + r.get("rows").asLong() + " rows, " + r.get("status").asText() + ", " + r.get("method").asText() + ", reference "
                + r.get("reference_dataset").asText() + "@" + r.get("reference_version").asInt() + " (" + r.get("source").asText() + ")");
        if (!r.get("status").asText().equals("evaluated")) {
            return;
        }
        Table table = new Table("FEATURE", "KIND", "METHOD", "STATISTIC", "P", "ADJUSTED P", "PSI", "DRIFTED");
        for (JsonNode f : r.get("features")) {
            if (!f.path("skipped").isNull() && f.has("skipped")) {
                table.row(f.get("column").asText(), f.get("kind").asText(), "skipped: " + f.get("skipped").asText(), "", "", "", "", "");
                continue;
            }
            table.row(f.get("column").asText(), f.get("kind").asText(), f.get("method").asText(), num(f.get("statistic")), num(f.get("p_value")),
                    num(f.get("adjusted_p_value")), num(f.get("psi")), f.get("drifted").asBoolean() ? "YES" : "no");
        }
        table.print(out);
        out.println("drifted features: " + r.get("drifted_features").asInt() + " of " + r.get("compared_features").asInt());
        JsonNode mmd = r.get("mmd");
        if (mmd != null && !mmd.isNull()) {
            out.println("MMD: " + num(mmd.get("statistic")) + ", p=" + num(mmd.get("p_value")) + (mmd.get("drifted").asBoolean() ? " (drift)" : ""));
        }
        JsonNode outliers = r.get("outliers");
        if (outliers != null && !outliers.isNull()) {
            out.println("outliers: " + outliers.get("outliers").asLong() + " (" + String.format(Locale.ROOT, "%.2f%%", 100 * outliers.get("rate")
                    .asDouble()) + ") above " + num(outliers.get("threshold")));
        }
        JsonNode performance = r.get("performance");
        if (performance != null && !performance.isNull()) {
            out.println("performance: " + performance.get("labelled").asLong() + " labelled" + (performance.path("accuracy").isNumber()
                    ? ", accuracy " + num(performance.get("accuracy")) : "") + (performance.path("mae").isNumber() ? ", MAE "
                    + num(performance.get("mae")) : "") + (performance.path("estimated_accuracy").isNumber() ? ", estimated accuracy "
                    + num(performance.get("estimated_accuracy")) : ""));
        }
    }

    private static String num(JsonNode value) {
        return value == null || !value.isNumber() ? "" : String.format(Locale.ROOT, "%.4g", value.asDouble());
    }

    /** A command about one deployment's monitor. */
    abstract static class OneMonitor extends ClientCommand<JsonNode> {
        @Parameters(index = "0", paramLabel = "DEPLOYMENT", description = "The deployment whose monitor it is.")
        String deployment;

        @Override
        void print(JsonNode m, PrintWriter out) {
            MonitorCommand.print(m, out);
        }
    }

    @Command(name = "create", description = "Watch a deployment, as a monitor spec (YAML or JSON) says; without a file, with the defaults.")
    static final class Create extends OneMonitor {
        @Parameters(index = "1", arity = "0..1", paramLabel = "SPEC", description = "The monitor spec file (YAML or JSON); see docs/monitoring.md.")
        Path spec;

        @Override
        JsonNode request() {
            return client().createMonitor(deployment, spec == null ? "{}" : read(spec));
        }

        @Override
        void print(JsonNode m, PrintWriter out) {
            out.println("created the monitor of " + m.get("deployment").asText());
            MonitorCommand.print(m, out);
        }
    }

    @Command(name = "list", description = "Every monitor.")
    static final class ListMonitors extends ClientCommand<JsonNode> {
        @Override
        JsonNode request() {
            return client().listMonitors();
        }

        @Override
        void print(JsonNode answer, PrintWriter out) {
            Table table = new Table("DEPLOYMENT", "REVISION", "REFERENCE", "STATE", "LATEST WINDOW", "FIRING");
            for (JsonNode m : answer.get("monitors")) {
                JsonNode latest = m.get("latest_window");
                table.row(m.get("deployment").asText(), m.get("revision").asInt(), m.at("/reference/dataset").asText() + "@" + m.at("/reference/version")
                        .asInt(), m.get("active").asBoolean() ? "watching" : "not watching", latest == null || latest.isNull() ? "none"
                        : latest.get("window").asLong() + ": " + windowLine(latest), m.get("firing").size());
            }
            table.print(out);
        }
    }

    @Command(name = "show", description = "A monitor: reference, windows, firing alerts (--json for its whole spec).")
    static final class Show extends OneMonitor {
        @Override
        JsonNode request() {
            return client().monitor(deployment);
        }
    }

    @Command(name = "update", description = "A new revision of the monitor from a spec file.")
    static final class Update extends OneMonitor {
        @Parameters(index = "1", paramLabel = "SPEC", description = "The monitor spec file (YAML or JSON).")
        Path spec;

        @Option(names = "--reason", description = "Why (kept in the history).")
        String reason;

        @Override
        JsonNode request() {
            return client().updateMonitor(deployment, read(spec), reason);
        }
    }

    @Command(name = "history", description = "Every revision of the monitor, oldest first.")
    static final class History extends OneMonitor {
        @Override
        JsonNode request() {
            return client().monitorHistory(deployment);
        }

        @Override
        void print(JsonNode answer, PrintWriter out) {
            Table table = new Table("REVISION", "CHANGE", "BY", "AT", "REFERENCE", "REASON");
            for (JsonNode r : answer.get("revisions")) {
                table.row(r.get("revision").asInt(), r.get("change").asText(), r.get("by").asText(), r.get("at").asText(),
                        r.at("/reference/dataset").asText() + "@" + r.at("/reference/version").asInt(), r.path("reason").asText(""));
            }
            table.print(out);
        }
    }

    @Command(name = "delete", description = "Stop watching the deployment (windows and alerts stay).")
    static final class Delete extends OneMonitor {
        @Override
        JsonNode request() {
            client().deleteMonitor(deployment);
            return JsonNodeFactory.instance.objectNode().put("deleted", deployment);
        }

        @Override
        void print(JsonNode answer, PrintWriter out) {
            out.println("deleted the monitor of " + deployment);
        }
    }

    @Command(name = "run", description = "Evaluate the open window now (a partial report).")
    static final class Run extends OneMonitor {
        @Override
        JsonNode request() {
            return client().runMonitor(deployment);
        }

        @Override
        void print(JsonNode report, PrintWriter out) {
            printReport(report, out);
        }
    }

    @Command(name = "windows", description = "Closed windows, newest first.")
    static final class Windows extends OneMonitor {
        @Option(names = "--before", paramLabel = "N", description = "Windows numbered below N (the next page).")
        Long before;

        @Option(names = "--max-results", paramLabel = "N", defaultValue = "20", description = "At most N windows (default 20, at most 1000).")
        int maxResults;

        @Override
        JsonNode request() {
            return client().monitorWindows(deployment, before, maxResults);
        }

        @Override
        void print(JsonNode answer, PrintWriter out) {
            Table table = new Table("WINDOW", "START", "END", "ROWS", "FINDINGS");
            for (JsonNode w : answer.get("windows")) {
                table.row(w.get("window").asLong(), w.get("start").asText(), w.get("end").asText(), w.get("rows").asLong(), windowLine(w));
            }
            table.print(out);
            if (answer.has("next_before")) {
                out.println("more: --before " + answer.get("next_before").asLong());
            }
        }
    }

    @Command(name = "report", description = "A closed window's report (the latest without --window); --html writes the self-contained page.")
    static final class Report extends OneMonitor {
        @Option(names = "--window", paramLabel = "N", description = "The window (see windows); default the latest closed one.")
        Long window;

        @Option(names = "--html", paramLabel = "FILE", description = "Write the HTML report (inline charts, no network) to FILE.")
        Path html;

        @Override
        JsonNode request() throws IOException {
            long number = window != null ? window : latest();
            if (html != null) {
                Files.writeString(html, client().monitorReportHtml(deployment, number), StandardCharsets.UTF_8);
            }
            return client().monitorReport(deployment, number);
        }

        private long latest() {
            JsonNode windows = client().monitorWindows(deployment, null, 1).get("windows");
            if (windows.isEmpty()) {
                throw StewardException.invalidState("the monitor of " + deployment + " has closed no window yet; see the open one with"
                        + " 'steward monitor run " + deployment + "'");
            }
            return windows.get(0).get("window").asLong();
        }

        @Override
        void print(JsonNode report, PrintWriter out) {
            printReport(report, out);
            if (html != null) {
                out.println("wrote " + html);
            }
        }
    }

    @Command(name = "rebuild", description = "Recompute a window from the request log's segments and compare it with its live report.")
    static final class Rebuild extends OneMonitor {
        @Option(names = "--window", required = true, paramLabel = "N", description = "The window.")
        long window;

        @Override
        JsonNode request() {
            return client().rebuildMonitorWindow(deployment, window);
        }

        @Override
        void print(JsonNode answer, PrintWriter out) {
            out.println("window " + window + ": " + answer.get("rows_live").asLong() + " rows live, " + answer.get("rows_rebuilt").asLong()
                    + " rebuilt from the log" + (answer.get("rows_agree").asBoolean() ? " (agree)" : " (DIFFER)"));
            printReport(answer.get("rebuilt"), out);
        }
    }

    @Command(name = "alerts", description = "Alerts, latest first: of one deployment, or of all.")
    static final class Alerts extends ClientCommand<JsonNode> {
        @Parameters(index = "0", arity = "0..1", paramLabel = "DEPLOYMENT", description = "Only this deployment's.")
        String deployment;

        @Option(names = "--state", paramLabel = "STATE", description = "firing or resolved.")
        String state;

        @Option(names = "--max-results", paramLabel = "N", defaultValue = "50", description = "At most N alerts (default 50).")
        int maxResults;

        @Override
        JsonNode request() {
            return client().alerts(deployment, state, maxResults);
        }

        @Override
        void print(JsonNode answer, PrintWriter out) {
            Table table = new Table("DEPLOYMENT", "RULE", "STATE", "FIRED", "WINDOWS", "EVIDENCE", "ACTIONS");
            for (JsonNode a : answer.get("alerts")) {
                StringBuilder actions = new StringBuilder();
                for (JsonNode action : a.get("actions")) {
                    actions.append(actions.length() == 0 ? "" : ", ").append(action.path("action").asText()).append(": ")
                            .append(action.path("outcome").asText());
                }
                table.row(a.get("deployment").asText(), a.get("rule").asText(), a.get("state").asText(), a.get("fired_at").asText(),
                        a.get("first_window").asLong() + "–" + a.get("last_window").asLong(), a.at("/evidence/condition").asText(""),
                        actions.toString());
            }
            table.print(out);
        }
    }
}
