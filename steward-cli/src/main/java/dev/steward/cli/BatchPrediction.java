package dev.steward.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.core.training.ColumnBatch;
import dev.steward.core.training.ModelPackage;
import dev.steward.core.training.ModelSignature;
import dev.steward.core.training.PackageScorer;
import dev.steward.data.duckdb.DuckDbBatchFile;
import dev.steward.runtime.onnx.OnnxModelRuntime;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import dev.steward.spi.data.ColumnType;
import dev.steward.spi.data.DataFormat;
import dev.steward.spi.serving.ModelRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * What {@code steward predict} does once it holds a model's package: scores a file in ONNX Runtime
 * batch by batch, as evaluation scores a dataset version ({@link PackageScorer}: the same
 * signature, the same columns fed to the same tensors, the same refusals), reading and writing it
 * with DuckDB ({@link DuckDbBatchFile}) so that only one batch is ever in the heap. The output goes
 * to a temporary file beside it, renamed into place only when everything was written, so a
 * failure leaves no output behind. This is the only class of the command line's client commands
 * that loads the core, DuckDB and ONNX Runtime (as {@link Offline} is for the stores): other
 * commands never load them and start fast.
 */
final class BatchPrediction {
    /** DuckDB's memory for reading and writing the files, outside the Java heap; beyond it DuckDB spills to a temporary directory. */
    private static final String DUCKDB_MEMORY = "512MB";
    private static final String PREDICTION = "prediction";
    private static final String PROBABILITY = "probability_";
    private static final String CONFIDENCE = "confidence";

    private BatchPrediction() {}

    /**
     * What to score and where to write it.
     *
     * @param keep the input's columns to copy into the output, in that order; empty for all of them
     */
    record Request(Path input, Optional<DataFormat> inputFormat, Path output, Optional<DataFormat> outputFormat, Optional<List<String>> keep,
            boolean onlyPredictions, int batchSize) {
    }

    /** What was written: the rows and the output's columns. */
    record Result(long rows, List<String> columns, DataFormat outputFormat) {
    }

    /**
     * Scores {@code request.input()} with the package of this manifest and graph (both checked
     * against their digests already: {@code graphDigest} is the graph's).
     */
    static Result run(byte[] manifestBytes, byte[] graph, String graphDigest, Request request) {
        JsonNode manifest = ModelPackage.readManifest(manifestBytes);
        if (!manifest.path("model_digest").asText().equals(graphDigest)) {
            throw StewardException.of(ErrorCode.DATA_CORRUPTED, "the ONNX graph " + graphDigest + " is not the one the manifest names ("
                    + manifest.path("model_digest").asText() + ")");
        }
        ModelSignature signature = ModelSignature.of(manifest);
        DataFormat outputFormat = request.outputFormat().or(() -> DataFormat.fromFileName(request.output().getFileName().toString()))
                .orElseThrow(() -> StewardException.invalid("output_format", "cannot tell the output format from the name "
                        + request.output().getFileName() + "; pass --output-format (csv, jsonl or parquet)"));
        if (outputFormat == DataFormat.JSON) {
            throw StewardException.invalid("output_format", "predictions are written as JSON Lines, not as one JSON array: name the output"
                    + " .jsonl or pass --output-format jsonl");
        }
        if (Files.exists(request.output())) {
            throw StewardException.invalid("output", request.output() + " already exists; choose another file");
        }
        if (!Files.isDirectory(request.output().toAbsolutePath().getParent())) {
            throw StewardException.invalid("output", "there is no directory " + request.output().toAbsolutePath().getParent() + " to write "
                    + request.output().getFileName() + " into");
        }
        Path partial = partial(request.output());
        try (ModelRuntime.LoadedModel loaded = new OnnxModelRuntime(0).load(graph)) {
            PackageScorer scorer = new PackageScorer(signature, loaded);
            String inputName = request.input().getFileName().toString();
            Result result;
            try (DuckDbBatchFile file = DuckDbBatchFile.open(request.input(), inputName, request.inputFormat(), DUCKDB_MEMORY)) {
                result = score(file, "'" + inputName + "'", scorer, request, outputFormat, partial);
            }
            Files.move(partial, request.output(), StandardCopyOption.ATOMIC_MOVE);
            return result;
        } catch (IOException e) {
            throw StewardException.invalid("output", "cannot write " + request.output() + ": " + e.getMessage());
        } catch (StewardException e) {
            throw e.field().equals(Optional.of("dataset")) ? e.withField("input") : e;
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // Reporting the failure that left it matters more than this leftover.
            }
        }
    }

    private static Result score(DuckDbBatchFile file, String where, PackageScorer scorer, Request request, DataFormat outputFormat,
            Path partial) {
        ModelSignature signature = scorer.signature();
        // Each column is read as its input needs, value by value (see DuckDbBatchFile); a value that cannot be is an error naming its row.
        Map<String, ColumnType> schema = new LinkedHashMap<>(file.columns());
        Map<String, ModelSignature.Input> feeds = new LinkedHashMap<>();
        for (ModelSignature.Input input : signature.inputs()) {
            for (String column : input.columns()) {
                if (schema.containsKey(column) && feeds.putIfAbsent(column, input) == null) {
                    switch (input.datatype()) {
                        case BYTES -> { }
                        case BOOL -> schema.put(column, ColumnType.BOOLEAN);
                        default -> schema.put(column, ColumnType.FLOAT);
                    }
                }
            }
        }
        Map<String, Boolean> read = signature.columnsToRead(schema, where);
        List<String> kept = kept(file, request);
        Map<String, ColumnType> outputs = outputColumns(signature);
        for (String column : kept) {
            if (outputs.containsKey(column)) {
                throw StewardException.invalid("keep", where + " has a column '" + column + "', as the predictions do: leave it out with --keep"
                        + " (or --only-predictions)");
            }
        }
        file.addColumns(outputs);
        List<String> names = List.copyOf(read.keySet());
        List<DuckDbBatchFile.Reading> readings = names.stream().map(name -> switch (feeds.get(name).datatype()) {
            case BYTES -> DuckDbBatchFile.Reading.VALUE;
            case BOOL -> DuckDbBatchFile.Reading.BOOLEAN;
            default -> DuckDbBatchFile.Reading.NUMBER;
        }).toList();
        ColumnBatch batch = new ColumnBatch(read, request.batchSize());
        int[] rows = IntStream.range(0, request.batchSize()).toArray();
        Object[] values = new Object[outputs.size()];
        List<String> classes = signature.classes();
        long count = file.scan(names, readings, batch.columns(names), request.batchSize(), new DuckDbBatchFile.Batches() {
            @Override
            public void begin(long firstRow) {
                batch.start(firstRow);
            }

            @Override
            public void end(int size) {
                batch.end(size);
                double[] scores = scorer.score(batch, rows, size);
                int width = scorer.width();
                for (int i = 0; i < size; i++) {
                    if (signature.classification()) {
                        int best = scorer.predictedClass(scores, i);
                        values[0] = classes.get(best);
                        for (int k = 0; k < width; k++) {
                            values[k + 1] = scores[i * width + k];
                        }
                        values[width + 1] = scores[i * width + best];
                    } else {
                        values[0] = scores[i];
                    }
                    file.append(values);
                }
            }

            @Override
            public void unreadable(long row, String column, String text, DuckDbBatchFile.Reading reading) {
                ModelSignature.Input input = feeds.get(column);
                throw StewardException.invalid("input", "row " + row + ": '" + column + "' holds '" + abbreviate(text) + "', which the model's "
                        + input.datatype() + " input " + input.name() + " cannot represent (it needs "
                        + (reading == DuckDbBatchFile.Reading.BOOLEAN ? "true or false" : "a number") + ")");
            }
        });
        file.write(partial, outputFormat, kept);
        List<String> columns = new ArrayList<>(kept);
        columns.addAll(outputs.keySet());
        return new Result(count, columns, outputFormat);
    }

    private static List<String> kept(DuckDbBatchFile file, Request request) {
        if (request.onlyPredictions()) {
            return List.of();
        }
        List<String> all = List.copyOf(file.columns().keySet());
        List<String> kept = request.keep().orElse(all);
        for (String column : kept) {
            if (!all.contains(column)) {
                throw StewardException.invalid("keep", "--keep names '" + column + "', which " + request.input().getFileName()
                        + " does not have; its columns are " + all);
            }
            if (kept.indexOf(column) != kept.lastIndexOf(column)) {
                throw StewardException.invalid("keep", "--keep names '" + column + "' twice");
            }
        }
        return kept;
    }

    /** {@code prediction}; for a classifier, also {@code probability_<class>} for each class and {@code confidence}. */
    private static Map<String, ColumnType> outputColumns(ModelSignature signature) {
        Map<String, ColumnType> columns = new LinkedHashMap<>();
        if (!signature.classification()) {
            columns.put(PREDICTION, ColumnType.FLOAT);
            return columns;
        }
        columns.put(PREDICTION, ColumnType.STRING);
        for (String label : signature.classes()) {
            if (columns.put(PROBABILITY + label, ColumnType.FLOAT) != null) {
                throw StewardException.of(ErrorCode.DATA_CORRUPTED, "the model names the class '" + label + "' twice");
            }
        }
        columns.put(CONFIDENCE, ColumnType.FLOAT);
        return columns;
    }

    private static Path partial(Path output) {
        Path absolute = output.toAbsolutePath();
        return absolute.resolveSibling("." + absolute.getFileName() + ".part");
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
