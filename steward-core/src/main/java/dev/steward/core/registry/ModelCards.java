package dev.steward.core.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A model card per version, written from its lineage: what people said it is for and where it
 * falls short, the data it was trained on (with digests), its metrics on every evaluation dataset
 * Steward ran it on, the promotion reports and approvals, and where it came from. Markdown, and a
 * self-contained HTML page (no scripts, no external resources). Stateless.
 */
public final class ModelCards {
    private ModelCards() {
    }

    /** The card as Markdown. */
    public static String markdown(JsonNode lineage) {
        Card card = new Card(lineage);
        StringBuilder md = new StringBuilder();
        md.append("# Model card: ").append(card.title()).append("\n\n");
        for (String[] fact : card.facts()) {
            md.append("- **").append(fact[0]).append(":** ").append(fact[1]).append('\n');
        }
        md.append("\n## Intended use\n\n").append(card.text("intended_use", "intended use", "--intended-use")).append("\n\n");
        md.append("## Limitations\n\n").append(card.text("limitations", "limitations", "--limitations")).append("\n\n");
        section(md, "Training data", card.trainingData());
        section(md, "Metrics on evaluation data (computed by Steward)", card.evaluations());
        section(md, "Metrics reported by training (never used for promotions)", card.trainingMetrics());
        section(md, "Promotion reports", card.reports());
        section(md, "Approvals", card.approvals());
        section(md, "Where it came from", card.origin());
        return md.toString();
    }

    /** The card as one HTML page with inline styles. */
    public static String html(JsonNode lineage) {
        Card card = new Card(lineage);
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Model card: ").append(escape(card.title()))
                .append("</title>\n<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#1b1f24}"
                        + "h1{font-size:1.6em;border-bottom:2px solid #2f6f4f;padding-bottom:.3em}h2{font-size:1.15em;margin-top:1.6em;color:#2f6f4f}"
                        + "table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #d0d7de;padding:.3em .6em;text-align:left;"
                        + "vertical-align:top}th{background:#f3f6f4}.pass{color:#1a7f37;font-weight:600}.fail{color:#cf222e;font-weight:600}"
                        + ".revoked{background:#ffebe9;border:1px solid #cf222e;padding:.6em;border-radius:4px}code{font-size:.9em}"
                        + ".missing{color:#6e7781;font-style:italic}</style></head><body>\n");
        h.append("<h1>Model card: ").append(escape(card.title())).append("</h1>\n");
        card.revocation().ifPresent(r -> h.append("<p class=\"revoked\"><strong>Revoked:</strong> ").append(escape(r)).append("</p>\n"));
        h.append("<ul>");
        for (String[] fact : card.facts()) {
            h.append("<li><strong>").append(escape(fact[0])).append(":</strong> ").append(escape(fact[1])).append("</li>");
        }
        h.append("</ul>\n");
        h.append("<h2>Intended use</h2><p>").append(paragraph(card.text("intended_use", "intended use", "--intended-use"))).append("</p>\n");
        h.append("<h2>Limitations</h2><p>").append(paragraph(card.text("limitations", "limitations", "--limitations"))).append("</p>\n");
        table(h, "Training data", card.trainingData());
        table(h, "Metrics on evaluation data (computed by Steward)", card.evaluations());
        table(h, "Metrics reported by training (never used for promotions)", card.trainingMetrics());
        table(h, "Promotion reports", card.reports());
        table(h, "Approvals", card.approvals());
        table(h, "Where it came from", card.origin());
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void section(StringBuilder md, String title, List<String[]> rows) {
        md.append("## ").append(title).append("\n\n");
        if (rows.size() <= 1) {
            md.append("_None._\n\n");
            return;
        }
        for (int r = 0; r < rows.size(); r++) {
            md.append('|');
            for (String cell : rows.get(r)) {
                md.append(' ').append(cell.replace("|", "\\|").replace("\n", " ")).append(" |");
            }
            md.append('\n');
            if (r == 0) {
                md.append('|').append(" --- |".repeat(rows.get(0).length)).append('\n');
            }
        }
        md.append('\n');
    }

    private static void table(StringBuilder h, String title, List<String[]> rows) {
        h.append("<h2>").append(escape(title)).append("</h2>\n");
        if (rows.size() <= 1) {
            h.append("<p class=\"missing\">None.</p>\n");
            return;
        }
        h.append("<table><thead><tr>");
        for (String header : rows.get(0)) {
            h.append("<th>").append(escape(header)).append("</th>");
        }
        h.append("</tr></thead><tbody>");
        for (String[] row : rows.subList(1, rows.size())) {
            h.append("<tr>");
            for (String cell : row) {
                String css = cell.equals("pass") ? " class=\"pass\"" : cell.equals("FAIL") ? " class=\"fail\"" : "";
                h.append("<td").append(css).append('>').append(escape(cell)).append("</td>");
            }
            h.append("</tr>");
        }
        h.append("</tbody></table>\n");
    }

    private static String paragraph(String text) {
        return escape(text).replace("\n\n", "</p><p>").replace("\n", "<br>");
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** The card's content, read from a version's lineage. */
    private record Card(JsonNode lineage) {
        JsonNode version() {
            return lineage.path("model_version");
        }

        String title() {
            return version().path("name").asText() + " version " + version().path("version").asInt();
        }

        java.util.Optional<String> revocation() {
            JsonNode r = version().path("revocation");
            return r.isObject() ? java.util.Optional.of(r.path("reason").asText() + " (by " + r.path("by").asText() + ", " + r.path("at").asText()
                    + ")") : java.util.Optional.empty();
        }

        List<String[]> facts() {
            List<String[]> facts = new ArrayList<>();
            JsonNode v = version();
            facts.add(new String[] {"Status", v.path("status").asText() + (v.path("status_message").isTextual() ? " (" + v.path("status_message")
                    .asText() + ")" : "")});
            facts.add(new String[] {"Environments", v.path("environments").isEmpty() ? "none" : join(v.path("environments"))});
            facts.add(new String[] {"Aliases", v.path("aliases").isEmpty() ? "none" : join(v.path("aliases"))});
            facts.add(new String[] {"Task", v.path("task").asText("unknown")});
            if (v.path("classes").size() > 0) {
                facts.add(new String[] {"Classes", join(v.path("classes"))});
            }
            facts.add(new String[] {"Model digest (SHA-256 of the ONNX graph)", v.path("model_digest").asText("none")});
            facts.add(new String[] {"Registered", v.path("created_at").asText() + " by " + v.path("created_by").asText()});
            facts.add(new String[] {"Source", v.path("source").asText()});
            if (v.path("description").isTextual()) {
                facts.add(new String[] {"Description", v.path("description").asText()});
            }
            return facts;
        }

        String text(String field, String what, String flag) {
            JsonNode value = version().path(field);
            return value.isTextual() && !value.asText().isBlank() ? value.asText() : "Not written yet (steward models update "
                    + version().path("name").asText() + " --version " + version().path("version").asInt() + " " + flag + " \"...\") — the "
                    + what + " of a model are for people to state.";
        }

        List<String[]> trainingData() {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"dataset", "SHA-256", "rows", "status", "validation"});
            for (JsonNode d : lineage.path("datasets")) {
                List<String> validation = new ArrayList<>();
                d.path("validation_reports").forEach(r -> validation.add(r.path("suite").asText() + ": " + (r.path("passed").asBoolean() ? "passed"
                        : "failed")));
                rows.add(new String[] {d.path("name").asText() + "@" + d.path("version").asInt(), d.path("sha256").asText(),
                        d.path("rows").asText(), d.path("status").asText(), validation.isEmpty() ? "not validated" : String.join(", ", validation)});
            }
            return rows;
        }

        List<String[]> evaluations() {
            TreeSet<String> metrics = new TreeSet<>();
            lineage.path("evaluations").forEach(e -> e.path("metrics").fieldNames().forEachRemaining(metrics::add));
            List<String[]> rows = new ArrayList<>();
            List<String> header = new ArrayList<>(List.of("dataset", "evaluation run"));
            header.addAll(metrics);
            rows.add(header.toArray(String[]::new));
            for (JsonNode e : lineage.path("evaluations")) {
                List<String> row = new ArrayList<>(List.of(e.path("dataset").asText() + "@" + e.path("version").asInt(), e.path("run_id").asText()));
                for (String metric : metrics) {
                    JsonNode value = e.path("metrics").path(metric);
                    row.add(value.isNumber() ? format(value.asDouble()) : value.isNull() ? "undefined" : "");
                }
                rows.add(row.toArray(String[]::new));
            }
            return rows;
        }

        List<String[]> trainingMetrics() {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"metric", "value"});
            for (Iterator<Map.Entry<String, JsonNode>> it = version().path("metrics").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> m = it.next();
                rows.add(new String[] {m.getKey(), m.getValue().isNumber() ? format(m.getValue().asDouble()) : "undefined"});
            }
            return rows;
        }

        List<String[]> reports() {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"report", "environment", "when, by", "outcome", "criteria"});
            for (JsonNode r : lineage.path("promotion_reports")) {
                rows.add(new String[] {r.path("id").asText(), r.path("environment").asText(), r.path("at").asText() + ", " + r.path("by").asText(),
                        r.path("promoted").asBoolean() ? (r.path("passed").asBoolean() ? "pass" : "overridden: " + r.path("override_reason").asText())
                                : "FAIL", r.path("passed").asBoolean() ? "all passed" : "see the report"});
            }
            return rows;
        }

        List<String[]> approvals() {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"environment", "requested", "decision", "by (role)", "comment"});
            for (JsonNode request : lineage.path("approvals")) {
                String requested = request.path("requested_at").asText() + " by " + request.path("requested_by").asText();
                if (request.path("decisions").isEmpty()) {
                    rows.add(new String[] {request.path("environment").asText(), requested, "pending", "", request.path("comment").asText("")});
                }
                for (JsonNode d : request.path("decisions")) {
                    rows.add(new String[] {request.path("environment").asText(), requested, d.path("decision").asText() + " (" + d.path("at").asText()
                            + ")", d.path("by").asText() + " (" + d.path("role").asText() + ")", d.path("comment").asText("")});
                }
            }
            return rows;
        }

        List<String[]> origin() {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"what", "value"});
            JsonNode run = lineage.path("run");
            if (run.isObject()) {
                rows.add(new String[] {"training run", run.path("run_id").asText() + " (" + run.path("name").asText() + ", " + run.path("user").asText()
                        + ", " + run.path("start_time").asText() + ")"});
                run.path("code").fields().forEachRemaining(e -> rows.add(new String[] {e.getKey(), e.getValue().asText()}));
            }
            JsonNode code = lineage.path("code");
            code.fields().forEachRemaining(e -> rows.add(new String[] {"code " + e.getKey(), e.getValue().asText()}));
            JsonNode spec = lineage.path("training_spec");
            if (spec.path("algorithm").isObject()) {
                rows.add(new String[] {"algorithm", spec.path("algorithm").path("name").asText() + " " + spec.path("algorithm").path("hyperparameters")});
            }
            JsonNode origin = lineage.path("origin");
            if (origin.isObject()) {
                rows.add(new String[] {"origin", origin.toString()});
            }
            return rows;
        }

        private static String join(JsonNode array) {
            List<String> values = new ArrayList<>();
            array.forEach(v -> values.add(v.asText()));
            return String.join(", ", values);
        }

        private static String format(double value) {
            return dev.steward.core.registry.policy.MetricCriterion.format(value);
        }
    }
}
