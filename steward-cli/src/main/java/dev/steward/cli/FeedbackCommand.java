package dev.steward.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.spi.StewardException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code steward feedback send|show}: ground truth and rewards for a deployment's predictions
 * from a JSON Lines file, and the live figures they make.
 */
@Command(name = "feedback", description = "Feedback on a deployment's predictions: send labels, values and rewards; show the live figures.",
        subcommands = {FeedbackCommand.Send.class, FeedbackCommand.Show.class})
final class FeedbackCommand extends CommandGroup {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> ITEM = new TypeReference<>() {};

    @Command(name = "send", description = "Send feedback from a JSON Lines file: one {request_id, row, label | value | reward} a line.")
    static final class Send extends ClientCommand<JsonNode> {
        @Parameters(index = "0", paramLabel = "DEPLOYMENT", description = "The deployment that answered the requests.")
        String deployment;

        @Parameters(index = "1", paramLabel = "FILE", description = "JSON Lines: {\"request_id\": \"...\", \"row\": 0, \"label\": \"Gentoo\"} a line.")
        Path file;

        @Option(names = "--batch", paramLabel = "N", defaultValue = "1000", description = "Items per request (default ${DEFAULT-VALUE}, the"
                + " server's default feedback.max-batch).")
        int batch;

        @Override
        JsonNode request() throws IOException {
            if (batch < 1) {
                throw StewardException.invalid("batch", "--batch must be 1 or more");
            }
            Tally tally = new Tally();
            List<Map<String, Object>> items = new ArrayList<>(batch);
            try (BufferedReader in = Files.newBufferedReader(file)) {
                int number = 0;
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    number++;
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        items.add(JSON.readValue(line, ITEM));
                    } catch (JsonProcessingException e) {
                        throw StewardException.invalid("file", file + " line " + number + " is not a JSON object: " + e.getOriginalMessage());
                    }
                    if (items.size() == batch) {
                        tally.add(client().sendFeedback(deployment, items));
                        items.clear();
                    }
                }
            }
            if (!items.isEmpty()) {
                tally.add(client().sendFeedback(deployment, items));
            }
            return tally.json();
        }

        @Override
        void print(JsonNode answer, PrintWriter out) {
            out.println("accepted " + answer.get("accepted").asLong() + ", duplicates " + answer.get("duplicates").asLong() + ", unknown "
                    + answer.get("unknown").size());
            if (!answer.get("unknown").isEmpty()) {
                out.println("unknown request ids (no recent prediction of " + deployment + "): " + Cells.list(answer.get("unknown")));
            }
        }
    }

    /** The answers of several batches added up. */
    private static final class Tally {
        private long accepted;
        private long duplicates;
        private final Set<String> unknown = new LinkedHashSet<>();

        void add(JsonNode answer) {
            accepted += answer.get("accepted").asLong();
            duplicates += answer.get("duplicates").asLong();
            answer.get("unknown").forEach(id -> unknown.add(id.asText()));
        }

        JsonNode json() {
            ObjectNode total = JsonNodeFactory.instance.objectNode().put("accepted", accepted).put("duplicates", duplicates);
            ArrayNode ids = total.putArray("unknown");
            unknown.forEach(ids::add);
            return total;
        }
    }

    @Command(name = "show", description = "A deployment's live figures: accuracy, errors and rewards, overall and per version.")
    static final class Show extends ClientCommand<JsonNode> {
        @Parameters(index = "0", paramLabel = "DEPLOYMENT", description = "The deployment.")
        String deployment;

        @Override
        JsonNode request() {
            return client().feedbackFigures(deployment);
        }

        @Override
        void print(JsonNode answer, PrintWriter out) {
            Table table = new Table("VERSION", "LABELLED", "ACCURACY", "VALUED", "MAE", "REWARDED", "MEAN REWARD");
            for (JsonNode v : answer.get("versions")) {
                row(table, v.get("model").asText() + "/" + v.get("version").asInt(), v);
            }
            row(table, "all", answer);
            table.print(out);
        }

        private static void row(Table table, String what, JsonNode f) {
            table.row(what, f.get("labelled").asLong(), Cells.number(f, "accuracy"), f.get("valued").asLong(), Cells.number(f, "mean_absolute_error"),
                    f.get("rewarded").asLong(), Cells.number(f, "mean_reward"));
        }
    }
}
