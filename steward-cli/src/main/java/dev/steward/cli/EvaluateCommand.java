package dev.steward.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code steward evaluate --model MODEL --data NAME@VERSION}: scores a model on a dataset version in
 * the server's ONNX Runtime and prints the metrics (and the confusion matrix of a classifier); the
 * result is kept as an evaluation run. MODEL is a model URI or the run that packaged it.
 */
@Command(name = "evaluate", description = "Evaluate a model on a dataset version.")
final class EvaluateCommand extends ClientCommand<JsonNode> {
    @Option(names = "--model", required = true, paramLabel = "MODEL", description = "A model URI (models:/NAME/VERSION, models:/NAME@ALIAS,"
            + " models:/NAME@ENVIRONMENT, runs:/RUN_ID/model) or the run of the training job that packaged the model.")
    String model;

    @Option(names = "--data", required = true, paramLabel = "NAME@VERSION", description = "The dataset version to evaluate on, e.g. penguins@2.")
    String data;

    @Option(names = "--override-reason", description = "Evaluate on a quarantined version anyway, for this (audited) reason.")
    String overrideReason;

    @Override
    JsonNode request() {
        DatasetVersionName version = DatasetVersionName.parse("data", "--data", data);
        return model.contains(":/") ? client().evaluateModel(model, version.name(), version.version(), overrideReason)
                : client().evaluate(model, version.name(), version.version(), overrideReason);
    }

    @Override
    void print(JsonNode report, PrintWriter out) {
        out.println("model " + report.get("model_digest").asText().substring(0, 12) + " (" + (model.contains(":/") ? model : "run " + model) + ") on " + report.get("dataset").asText()
                + " version " + report.get("version").asText() + ": " + report.get("rows").asText() + " rows; evaluation run "
                + report.get("evaluation_run_id").asText());
        Table metrics = new Table("METRIC", "VALUE");
        for (Iterator<Map.Entry<String, JsonNode>> it = report.get("metrics").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            metrics.row(e.getKey(), e.getValue().isNull() ? "undefined" : String.format(Locale.ROOT, "%.6f", e.getValue().asDouble()));
        }
        metrics.print(out);
        if (report.has("confusion_matrix")) {
            out.println();
            out.println("confusion matrix (rows: true class, columns: predicted)");
            String[] header = new String[report.get("classes").size() + 1];
            header[0] = "";
            for (int k = 0; k < report.get("classes").size(); k++) {
                header[k + 1] = report.get("classes").get(k).asText();
            }
            Table matrix = new Table(header);
            for (int k = 0; k < report.get("classes").size(); k++) {
                Object[] row = new Object[header.length];
                row[0] = header[k + 1];
                for (int j = 0; j < header.length - 1; j++) {
                    row[j + 1] = report.get("confusion_matrix").get(k).get(j).asLong();
                }
                matrix.row(row);
            }
            matrix.print(out);
        }
    }
}
