package dev.steward.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.client.FeasibilityRequest;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code steward feasibility NAME@VERSION --target COL}: before anything is trained, how well the
 * version's features can predict the target at all: Bayes error bounds (the best accuracy any
 * model can reach), FeeBee's self-check of the estimate and a learning curve. The study is kept as
 * a run in {@code feasibility/NAME}. With {@code --target-accuracy}, the exit status is 1 when the
 * target is above what the data can support.
 */
@Command(name = "feasibility", description = "Estimate the best accuracy a dataset version can support for a target, before training.")
final class FeasibilityCommand extends ClientCommand<JsonNode> {
    @Parameters(index = "0", paramLabel = "NAME@VERSION", description = "The dataset version to study, e.g. penguins@1.")
    String data;

    @Option(names = "--target", required = true, paramLabel = "COLUMN", description = "The column of classes to predict.")
    String target;

    @Option(names = "--feature", paramLabel = "COLUMN", description = "A feature column (repeat it for more); default: every column but the"
            + " target and the subject column.")
    List<String> features = new ArrayList<>();

    @Option(names = "--target-accuracy", paramLabel = "X", description = "The accuracy the project promises, as a fraction (0.95 for 95%):"
            + " exit 1 when the data cannot support it.")
    Double targetAccuracy;

    @Option(names = "--max-rows", paramLabel = "N", description = "Rows to sample from the version (default 20000, at most 200000).")
    Integer maxRows;

    @Option(names = "--seed", paramLabel = "S", description = "The seed of the sample, the split, the projections and the label noise"
            + " (default 1).")
    Long seed;

    @Option(names = "--override-reason", description = "Study a quarantined version anyway, for this (audited) reason.")
    String overrideReason;

    @Override
    JsonNode request() {
        DatasetVersionName version = DatasetVersionName.parse("data", "the dataset version", data);
        FeasibilityRequest request = FeasibilityRequest.of(version.name(), version.version(), target).features(features);
        if (targetAccuracy != null) {
            request = request.targetAccuracy(targetAccuracy);
        }
        if (maxRows != null) {
            request = request.maxRows(maxRows);
        }
        if (seed != null) {
            request = request.seed(seed);
        }
        if (overrideReason != null) {
            request = request.overrideReason(overrideReason);
        }
        return client().feasibility(request);
    }

    @Override
    int status(JsonNode report) {
        return report.path("target_supported").asBoolean(true) ? 0 : Main.FAILED;
    }

    @Override
    void print(JsonNode report, PrintWriter out) {
        JsonNode rows = report.get("rows");
        JsonNode estimate = report.get("estimate");
        out.println(report.get("dataset").asText() + " version " + report.get("version").asText() + ", target " + report.get("target").asText()
                + " (" + report.get("class_count").asText() + " classes) from " + report.get("features").size() + " features: "
                + rows.get("labelled").asText() + " labelled rows of " + rows.get("in_version").asText() + " studied, " + rows.get("train")
                .asText() + " to search, " + rows.get("test").asText() + " held out");
        out.println();
        out.println(sentence(report.get("ceiling_sentence").asText()));
        if (report.has("target_sentence")) {
            out.println(sentence(report.get("target_sentence").asText()));
        }
        out.println();
        out.println("Bayes error between " + percent(estimate, "ber_lower") + " (Cover-Hart bound, 95% interval " + interval(estimate
                .get("ber_lower_interval")) + ") and " + percent(estimate, "ber_upper") + " (the 1-NN error), on " + estimate.get("transform")
                .asText() + " features");
        Table candidates = new Table("TRANSFORM", "DIMENSIONS", "TRAIN ROWS", "1-NN ERROR", "BER LOWER", "OUTCOME");
        for (JsonNode candidate : report.get("candidates")) {
            JsonNode last = candidate.get("evaluations").get(candidate.get("evaluations").size() - 1);
            candidates.row(candidate.get("name").asText(), candidate.get("dimensions").asInt(), last.get("train_rows").asInt(),
                    Cells.number(last, "knn_error"), Cells.number(last, "ber_lower"), candidate.get("selected").asBoolean() ? "selected"
                            : candidate.hasNonNull("dropped_after_train_rows") ? "dropped by halving" : "not the lowest");
        }
        candidates.print(out);
        out.println();
        out.println(sentence(report.at("/feebee/sentence").asText()));
        out.println(sentence(report.at("/learning_curve/sentence").asText()));
        out.println();
        out.println("kept as run " + report.get("run_id").asText() + " in experiment feasibility/" + report.get("dataset").asText());
    }

    private static String sentence(String clause) {
        String text = Character.toUpperCase(clause.charAt(0)) + clause.substring(1);
        return text.endsWith(".") ? text : text + ".";
    }

    private static String percent(JsonNode node, String field) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * node.get(field).asDouble());
    }

    private static String interval(JsonNode pair) {
        return String.format(Locale.ROOT, "%.1f%% to %.1f%%", 100 * pair.get(0).asDouble(), 100 * pair.get(1).asDouble());
    }
}
