package dev.steward.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.client.StewardClient;
import dev.steward.spi.StewardException;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code steward evaluate --model RUN_ID --data NAME@VERSION}: scores a packaged model on a
 * dataset version in the server's ONNX Runtime and prints the metrics (and the confusion matrix
 * of a classifier); the result is kept as an evaluation run.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate a trained model (the run that holds its package) on a dataset version.")
final class EvaluateCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    ClientOptions client;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "RUN_ID", description = "The run of the training job that packaged the model.")
    String model;

    @Option(names = "--data", required = true, paramLabel = "NAME@VERSION", description = "The dataset version to evaluate on, e.g. penguins@2.")
    String data;

    @Option(names = "--override-reason", description = "Evaluate on a quarantined version anyway, for this (audited) reason.")
    String overrideReason;

    @Option(names = "--json", description = "Print the whole report as JSON.")
    boolean json;

    @Override
    public Integer call() {
        int at = data.lastIndexOf('@');
        int version;
        try {
            version = at > 0 ? Integer.parseInt(data.substring(at + 1)) : -1;
        } catch (NumberFormatException e) {
            version = -1;
        }
        if (version < 1) {
            throw StewardException.invalid("data", "--data must be NAME@VERSION, e.g. penguins@1; got '" + data + "'");
        }
        JsonNode report;
        try (StewardClient c = client.connect(main.home.resolve())) {
            report = c.evaluate(model, data.substring(0, at), version, overrideReason);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            JsonOutput.print(out, report);
            return 0;
        }
        out.println("model " + report.get("model_digest").asText().substring(0, 12) + " (run " + model + ") on " + report.get("dataset").asText()
                + " version " + report.get("version").asText() + ": " + report.get("rows").asText() + " rows; evaluation run "
                + report.get("evaluation_run_id").asText());
        Table metrics = new Table("METRIC", "VALUE");
        for (Iterator<Map.Entry<String, JsonNode>> it = report.get("metrics").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            metrics.row(e.getKey(), e.getValue().isNull() ? "undefined" : String.format("%.6f", e.getValue().asDouble()));
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
        return 0;
    }
}
