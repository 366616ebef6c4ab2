package dev.steward.core.training;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.StewardException;
import dev.steward.spi.serving.ModelRuntime;
import dev.steward.spi.serving.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Scores rows with a package's loaded graph, the one way evaluation and batch scoring do it: the
 * rows' columns fed to the graph's inputs as the {@link ModelSignature} maps them (see
 * {@link TensorFeed}), categories unseen in training refused where the package says
 * {@code unknown_categories: error}, and the output of the {@code probabilities} role (a
 * classifier) or the {@code prediction} role (a regression) read back as doubles. A graph
 * exported with a fixed batch size gets batches of exactly that size. Errors name the row (by
 * {@link ColumnarRows#rowNumber}) and the column. Thread-safe if the loaded graph is; the caller
 * owns and closes the graph.
 */
public final class PackageScorer {
    /** Rows per call of the graph when it takes any number. */
    static final int BATCH = 10_000;

    private final ModelSignature signature;
    private final ModelRuntime.LoadedModel graph;
    private final ModelSignature.Output output;
    private final Set<String> wanted;
    private final int width;
    private final int fixedBatch;
    private final List<ModelSignature.Input> refusing;
    private final List<Set<String>> known = new ArrayList<>();

    public PackageScorer(ModelSignature signature, ModelRuntime.LoadedModel graph) {
        this.signature = requireNonNull(signature, "signature is null");
        this.graph = requireNonNull(graph, "graph is null");
        this.output = signature.output(signature.classification() ? ModelSignature.Role.PROBABILITIES : ModelSignature.Role.PREDICTION)
                .orElseThrow();
        this.wanted = Set.of(output.name());
        this.width = signature.classification() ? signature.classes().size() : 1;
        // A graph exported with a fixed batch size (torch.onnx.export without dynamic axes) gets batches of exactly that size.
        this.fixedBatch = Math.toIntExact(signature.inputs().stream().mapToLong(ModelSignature.Input::fixedBatch).filter(b -> b > 0).findFirst()
                .orElse(0));
        this.refusing = signature.inputs().stream().filter(ModelSignature.Input::refusesUnknownCategories).toList();
        refusing.forEach(input -> known.add(new HashSet<>(input.categories())));
    }

    public ModelSignature signature() {
        return signature;
    }

    /** The scores per row: the number of classes of a classifier (their probabilities, in the order of its classes), else 1. */
    public int width() {
        return width;
    }

    /**
     * Refuses, naming the row, the column and the category, a category unseen in training in a
     * column of an input that says {@code unknown_categories: error}; a missing value passes.
     */
    public void checkCategories(ColumnarRows table, int[] rows, int count) {
        for (int k = 0; k < refusing.size(); k++) {
            Set<String> categories = known.get(k);
            for (String column : refusing.get(k).columns()) {
                String[] values = table.strings(column);
                for (int i = 0; i < count; i++) {
                    String value = values[rows[i]];
                    if (!value.isEmpty() && !categories.contains(value)) {
                        throw StewardException.invalid("dataset", "row " + table.rowNumber(rows[i]) + ": '" + column + "' holds the category '" + value
                                + "', unseen in training, and the model refuses unknown categories (handle_unknown: error)");
                    }
                }
            }
        }
    }

    /**
     * The scores of the first {@code count} of {@code rows} (indexes into {@code table}), flat:
     * {@link #width()} values per row, in the order of {@code rows}. Checks the categories of
     * those rows first ({@link #checkCategories}).
     */
    public double[] score(ColumnarRows table, int[] rows, int count) {
        checkCategories(table, rows, count);
        TensorFeed feed = new TensorFeed(signature.inputs(), table);
        int batch = fixedBatch > 0 ? fixedBatch : Math.min(BATCH, Math.max(1, count));
        double[] scores = new double[count * width];
        int[] indexes = new int[batch];
        for (int start = 0; start < count; start += batch) {
            int end = Math.min(count, start + batch);
            int size = fixedBatch > 0 ? batch : end - start;
            for (int i = 0; i < size; i++) {
                // The last rows are repeated to fill a fixed batch; their scores are dropped.
                indexes[i] = rows[Math.min(start + i, end - 1)];
            }
            Tensor out = graph.run(feed.batch(indexes, size), wanted).get(output.name());
            if (out.size() != size * width) {
                throw StewardException.invalid("model", "the graph's output " + output.name() + " has the shape " + Arrays.toString(out.shape())
                        + " for " + size + " rows, where the package expects " + width + " value(s) per row");
            }
            for (int i = 0; i < (end - start) * width; i++) {
                scores[start * width + i] = out.number(i);
            }
        }
        return scores;
    }

    /** The class a classifier predicts for row {@code row} of {@link #score}'s result: the most probable, the first of equals. */
    public int predictedClass(double[] scores, int row) {
        int from = row * width;
        int best = 0;
        for (int k = 1; k < width; k++) {
            if (scores[from + k] > scores[from + best]) {
                best = k;
            }
        }
        return best;
    }
}
