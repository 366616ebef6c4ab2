package dev.steward.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.spi.StewardException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code steward lineage model|dataset}: what a model version came from, and what depends on a dataset version. */
@Command(name = "lineage", description = "Where a model version came from, or what depends on a dataset version.",
        subcommands = {LineageCommand.Model.class, LineageCommand.Dataset.class})
final class LineageCommand extends CommandGroup {
    @Command(name = "model", description = "A version's run (params, metrics, code), training data (digests, validation, quarantine),"
            + " evaluations, approvals, promotion reports and promotions.")
    static final class Model extends ModelVersionCommand {
        @Override
        JsonNode request() {
            return client().modelLineage(version().name(), version().number());
        }

        @Override
        void print(JsonNode lineage, PrintWriter out) {
            JsonNode v = lineage.get("model_version");
            String note = ModelsCommand.note(v);
            Tree tree = new Tree(version() + ": " + v.get("status").asText() + (note.isEmpty() ? "" : " (" + note + ")") + ", from "
                    + v.get("source").asText() + ", registered " + v.get("created_at").asText() + " by " + v.get("created_by").asText());
            if (v.hasNonNull("model_digest")) {
                tree.add("model digest " + v.get("model_digest").asText() + ", task " + Cells.text(v, "task"));
            }
            if (lineage.path("origin").isObject()) {
                tree.add("origin: " + lineage.at("/origin/kind").asText() + (lineage.at("/origin/graph/producer").isTextual()
                        ? ", produced by " + lineage.at("/origin/graph/producer").asText() : ""));
            }
            JsonNode run = lineage.get("run");
            if (run.isObject()) {
                Tree node = tree.add("run " + run.get("run_id").asText() + (run.has("missing") ? ": " + run.get("missing").asText()
                        : " (" + Cells.text(run, "name") + ", " + run.get("status").asText() + ", by " + run.get("user").asText() + ", experiment "
                        + run.get("experiment_id").asText() + ")"));
                if (!run.has("missing")) {
                    node.add("params: " + orNone(Cells.pairs(run.get("params"))));
                    node.add("metrics: " + orNone(metrics(run.get("metrics"))));
                    node.add("code: " + orNone(Stream.of(Cells.pairs(lineage.path("code")), Cells.pairs(run.get("code"))).filter(t -> !t.isEmpty())
                            .collect(Collectors.joining(", "))));
                }
            }
            section(tree, "trained on", lineage.get("datasets"), (parent, d) -> dataset(parent.add(datasetLabel(d)), d));
            section(tree, "evaluations", lineage.get("evaluations"), (parent, e) -> parent.add(e.get("dataset").asText() + " version "
                    + e.get("version").asInt() + ": " + metrics(e.get("metrics")) + " (run " + e.get("run_id").asText() + ", " + e.get("at").asText()
                    + ")"));
            section(tree, "approvals", lineage.get("approvals"), (parent, a) -> {
                Tree request = parent.add(a.get("environment").asText() + ": requested by " + a.get("requested_by").asText() + " at "
                        + a.get("requested_at").asText() + comment(a));
                a.get("decisions").forEach(d -> request.add(d.get("decision").asText() + " by " + d.get("by").asText() + " ("
                        + d.get("role").asText() + ") at " + d.get("at").asText() + comment(d)));
            });
            section(tree, "promotion reports", lineage.get("promotion_reports"), (parent, r) -> parent.add(r.get("id").asText() + " "
                    + r.get("environment").asText() + ": " + (r.get("passed").asBoolean() ? "passed" : "failed") + ", "
                    + (r.get("promoted").asBoolean() ? "promoted" : "not promoted") + (r.hasNonNull("override_reason") ? " (override: "
                    + r.get("override_reason").asText() + ")" : "") + ", by " + r.get("by").asText() + " at " + r.get("at").asText()));
            section(tree, "promotions", lineage.get("promotions"), (parent, p) -> parent.add(p.get("action").asText() + " " + p.get("environment")
                    .asText() + ": " + (p.hasNonNull("previous_version") ? "version " + p.get("previous_version").asInt() : "none") + " -> "
                    + (p.hasNonNull("version") ? "version " + p.get("version").asInt() : "none") + ", by " + p.get("by").asText() + " at "
                    + p.get("at").asText() + (p.hasNonNull("reason") ? " (" + p.get("reason").asText() + ")" : "")));
            tree.print(out);
        }
    }

    @Command(name = "dataset", description = "The runs that read a dataset version and the model versions that depend on it, deleted"
            + " ones included.")
    static final class Dataset extends RegistryCommand {
        @Parameters(paramLabel = "DATASET", description = "NAME/VERSION (or NAME@VERSION), e.g. penguins/2.")
        String dataset;

        @Override
        JsonNode request() {
            int separator = Math.max(dataset.lastIndexOf('/'), dataset.lastIndexOf('@'));
            if (separator <= 0) {
                throw StewardException.invalid("dataset", "'" + dataset + "' is not a dataset version: use NAME/VERSION, e.g. penguins/2");
            }
            return client().datasetLineage(dataset.substring(0, separator), ModelVersionCommand.number(dataset.substring(separator + 1)));
        }

        @Override
        void print(JsonNode lineage, PrintWriter out) {
            JsonNode d = lineage.get("dataset_version");
            Tree tree = new Tree(datasetLabel(d) + ", imported " + d.get("created_at").asText() + " by " + d.get("created_by").asText());
            dataset(tree, d);
            section(tree, "runs that read it", lineage.get("runs"), (parent, r) -> parent.add(r.get("run_id").asText() + " ("
                    + Cells.text(r, "name") + ", " + r.get("status").asText() + ", by " + r.get("user").asText() + (r.hasNonNull("context")
                    ? ", " + r.get("context").asText() : "") + ")"));
            section(tree, "model versions that depend on it", lineage.get("model_versions"), (parent, v) -> parent.add(v.get("name").asText()
                    + " version " + v.get("version").asInt() + ": " + v.get("status").asText() + (v.has("revocation_reason") ? " ("
                    + v.get("revocation_reason").asText() + ")" : "") + (v.get("via").asText().equals("training_data") ? ", trained on it"
                    : ", registered from run " + v.get("run_id").asText()) + (v.get("deleted").asBoolean() ? " [deleted]" : "")));
            tree.print(out);
        }
    }

    /** A titled list of items, or the title saying there are none. */
    private static void section(Tree tree, String title, JsonNode items, BiConsumer<Tree, JsonNode> item) {
        if (items.isEmpty()) {
            tree.add(title + ": none");
            return;
        }
        Tree section = tree.add(title);
        items.forEach(i -> item.accept(section, i));
    }

    private static String datasetLabel(JsonNode d) {
        return d.get("name").asText() + " version " + d.get("version").asInt() + " (sha256 " + d.get("sha256").asText() + ", "
                + d.get("rows").asLong() + " rows, " + d.get("status").asText() + ")";
    }

    /** A dataset version's validation reports and quarantine history. */
    private static void dataset(Tree node, JsonNode d) {
        section(node, "validation", d.get("validation_reports"), (parent, r) -> parent.add(r.get("suite").asText() + "@"
                + r.get("suite_version").asInt() + " " + (r.get("passed").asBoolean() ? "passed" : "FAILED") + " (" + r.get("id").asText() + ")"));
        section(node, "quarantine history", d.get("quarantine_history"), (parent, q) -> parent.add(q.get("action").asText() + " by "
                + q.get("by").asText() + " at " + q.get("at").asText() + (q.at("/details/reason").isTextual() ? ": "
                + q.at("/details/reason").asText() : "")));
    }

    private static String comment(JsonNode item) {
        return item.hasNonNull("comment") ? ": \"" + item.get("comment").asText() + "\"" : "";
    }

    private static String metrics(JsonNode metrics) {
        List<String> pairs = new ArrayList<>();
        metrics.fields().forEachRemaining(e -> pairs.add(e.getKey() + "=" + (e.getValue().isNumber() ? Cells.number(e.getValue().asDouble())
                : "undefined")));
        pairs.sort(null);
        return String.join(", ", pairs);
    }

    private static String orNone(String text) {
        return text.isEmpty() ? "none" : text;
    }
}
