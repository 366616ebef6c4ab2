package dev.steward.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import dev.steward.spi.data.DataFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code steward predict --model URI --input FILE --output FILE}: batch scoring on this machine. The
 * server resolves the model URI and serves the package's manifest and ONNX graph (checked here
 * against their SHA-256); the file is then scored locally, in ONNX Runtime, as evaluation and
 * serving score (see {@link BatchPrediction}, which this command loads only once it runs).
 */
@Command(name = "predict", description = "Score a file (CSV, JSON Lines or Parquet) with a registered model, on this machine.")
final class PredictCommand extends ClientCommand<PredictCommand.Summary> {
    private static final int MAX_BATCH = 1_000_000;

    @Option(names = "--model", required = true, paramLabel = "URI",
            description = "The model: models:/NAME/VERSION, models:/NAME@ALIAS, models:/NAME@ENVIRONMENT or runs:/RUN_ID/model.")
    String model;

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "The rows to score: CSV, JSON Lines, a JSON array or Parquet.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "Where to write them with their predictions (must not exist).")
    Path output;

    @Option(names = "--input-format", paramLabel = "FORMAT", description = "csv, jsonl, json or parquet (default: from the file's name or content).")
    String inputFormat;

    @Option(names = "--output-format", paramLabel = "FORMAT", description = "csv, jsonl or parquet (default: from the file's name).")
    String outputFormat;

    @Option(names = "--keep", split = ",", paramLabel = "COLUMN", description = "The input's columns to copy into the output (default: all).")
    List<String> keep;

    @Option(names = "--only-predictions", description = "Write the predictions alone, none of the input's columns.")
    boolean onlyPredictions;

    @Option(names = "--batch-size", paramLabel = "ROWS", defaultValue = "10000", description = "Rows scored at a time (default: ${DEFAULT-VALUE}).")
    int batchSize;

    /**
     * What was predicted.
     *
     * @param version the registered version, when the model is one
     */
    record Summary(String model, Optional<String> name, Optional<Integer> version, String modelDigest, String input, String output,
            String outputFormat, long rows, double seconds, List<String> columns) {
    }

    @Override
    Summary request() {
        if (keep != null && onlyPredictions) {
            throw StewardException.invalid("keep", "--keep and --only-predictions exclude each other");
        }
        if (batchSize < 1 || batchSize > MAX_BATCH) {
            throw StewardException.invalid("batch_size", "--batch-size must be 1 to " + MAX_BATCH + ", not " + batchSize);
        }
        if (!model.startsWith("models:/") && !model.startsWith("runs:/")) {
            throw StewardException.invalid("model", "'" + model + "' is not a model URI: use models:/NAME/VERSION, models:/NAME@ALIAS or"
                    + " runs:/RUN_ID/model");
        }
        long start = System.nanoTime();
        JsonNode resolved = client().resolveModel(model);
        Optional<String> name = Optional.ofNullable(resolved.path("name").textValue());
        Optional<Integer> version = resolved.path("version").isInt() ? Optional.of(resolved.get("version").asInt()) : Optional.empty();
        String status = resolved.path("status").asText("ready");
        if (!status.equals("ready")) {
            throw StewardException.invalidState(name.orElse(model) + " version " + version.map(String::valueOf).orElse("?") + " is " + status
                    + (resolved.path("status_message").isTextual() ? ": " + resolved.get("status_message").asText() : "") + "; it is not scored");
        }
        String manifestSha = resolved.path("manifest_sha256").asText();
        String graphSha = resolved.path("model_digest").asText();
        byte[] manifest = download(manifestSha, "manifest");
        byte[] graph = download(graphSha, "ONNX graph");
        BatchPrediction.Result result = BatchPrediction.run(manifest, graph, graphSha, new BatchPrediction.Request(input,
                Optional.ofNullable(inputFormat).map(DataFormat::parse), output, Optional.ofNullable(outputFormat).map(DataFormat::parse),
                Optional.ofNullable(keep).map(List::copyOf), onlyPredictions, batchSize));
        return new Summary(model, name, version, graphSha, input.toString(), output.toString(), result.outputFormat().wireName(), result.rows(),
                (System.nanoTime() - start) / 1e9, result.columns());
    }

    /** A blob of the server's artifact store, checked against its SHA-256 (the package's identity). */
    private byte[] download(String sha256, String what) {
        byte[] content;
        try (InputStream in = client().downloadArtifact(sha256)) {
            content = in.readAllBytes();
        } catch (IOException e) {
            throw StewardException.of(ErrorCode.TEMPORARILY_UNAVAILABLE, "downloading the model's " + what + " failed: " + e.getMessage(), e);
        }
        String actual;
        try {
            actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        if (!actual.equals(sha256)) {
            throw StewardException.of(ErrorCode.DATA_CORRUPTED, "the model's " + what + " arrived with SHA-256 " + actual + ", not " + sha256);
        }
        return content;
    }

    @Override
    void print(Summary summary, PrintWriter out) {
        String which = summary.version().map(v -> summary.name().orElseThrow() + " version " + v + ", ").orElse("");
        out.println("predicted " + summary.rows() + " rows of " + summary.input() + " with " + summary.model() + " (" + which + "model "
                + summary.modelDigest().substring(0, 12) + ") into " + summary.output() + String.format(Locale.ROOT, " in %.2f s (%,.0f rows/s)",
                summary.seconds(), summary.rows() / Math.max(summary.seconds(), 1e-9)));
        out.println("columns: " + String.join(", ", summary.columns()));
    }
}
