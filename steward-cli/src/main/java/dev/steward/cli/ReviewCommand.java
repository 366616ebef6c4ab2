package dev.steward.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code steward review list|label}: the human review queue of classifications answered as
 * abstained (below a deployment's minimum confidence). A label (editor) is audited and counts as
 * feedback for that request's row.
 */
@Command(name = "review", description = "The review queue of abstained predictions: list it, label its rows.",
        subcommands = {ReviewCommand.ListReviews.class, ReviewCommand.Label.class})
final class ReviewCommand extends CommandGroup {
    @Command(name = "list", description = "A deployment's open reviews, oldest first (--all: the labelled ones too).")
    static final class ListReviews extends ClientCommand<JsonNode> {
        @Parameters(index = "0", paramLabel = "DEPLOYMENT", description = "The deployment.")
        String deployment;

        @Option(names = "--all", description = "Also the reviews labelled already.")
        boolean all;

        @Option(names = "--max", paramLabel = "N", defaultValue = "100", description = "At most this many (1 to 1000; default ${DEFAULT-VALUE}).")
        int max;

        @Override
        JsonNode request() {
            return client().reviews(deployment, all ? "all" : "open", max);
        }

        @Override
        void print(JsonNode answer, PrintWriter out) {
            Table table = new Table("ID", "REQUEST", "ROW", "MODEL", "PREDICTED", "CONFIDENCE", "STATUS", "LABEL", "INPUTS");
            for (JsonNode r : answer.get("reviews")) {
                table.row(r.get("id").asText(), r.get("request_id").asText(), r.get("row").asInt(), r.get("model").asText() + "/"
                        + r.get("version").asInt(), r.get("predicted").asText(), Cells.number(r, "confidence"), r.get("status").asText(),
                        Cells.text(r, "label"), inputs(r.get("inputs")));
            }
            table.print(out);
            out.println(answer.get("open").asLong() + " open");
        }
    }

    /** A review's inputs in their order, {@code name=value}, a list as JSON. */
    static String inputs(JsonNode inputs) {
        StringBuilder text = new StringBuilder();
        inputs.fields().forEachRemaining(e -> text.append(text.length() == 0 ? "" : ", ").append(e.getKey()).append('=')
                .append(e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
        return text.toString();
    }

    @Command(name = "label", description = "Label a review with the true class (editor); it counts as feedback for that row.")
    static final class Label extends ClientCommand<JsonNode> {
        @Parameters(index = "0", paramLabel = "REVIEW_ID", description = "The review (see review list).")
        String id;

        @Parameters(index = "1", paramLabel = "LABEL", description = "The true class: one of the model's classes.")
        String label;

        @Override
        JsonNode request() {
            return client().labelReview(id, label);
        }

        @Override
        void print(JsonNode r, PrintWriter out) {
            out.println("labelled " + r.get("id").asText() + " as " + r.get("label").asText() + " (the model predicted "
                    + r.get("predicted").asText() + "); " + (r.get("feedback").asText().equals("accepted") ? "counted as feedback for request "
                    + r.get("request_id").asText() + " row " + r.get("row").asInt() : "that row had its truth already"));
        }
    }
}
