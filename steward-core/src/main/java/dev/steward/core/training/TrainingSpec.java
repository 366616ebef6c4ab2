package dev.steward.core.training;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.training.Task;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A validated training spec (see {@code docs/training.md}). Hyperparameters hold every default of
 * the algorithm, so the spec alone says how the model was made.
 *
 * @param features the feature columns, in order; empty means every column but the target and the
 *     dataset's subject column
 * @param preprocessing the declared steps, applied to their columns in order
 */
public record TrainingSpec(String dataset, OptionalInt version, Optional<String> digest, String target, Task task, List<String> features,
        List<Step> preprocessing, Split split, String algorithm, Map<String, Object> hyperparameters, long seed, Objective metric,
        Guardrails guardrails, Optional<String> experiment, Optional<String> runName, Optional<String> overrideReason) {
    public TrainingSpec {
        requireNonNull(dataset, "dataset is null");
        features = List.copyOf(features);
        preprocessing = List.copyOf(preprocessing);
        hyperparameters = Map.copyOf(hyperparameters);
    }

    /**
     * One declared preprocessing step: {@code impute} (strategy mean, median, most_frequent or
     * constant with {@code value}), {@code standardize}, {@code min_max}, {@code bucketize} (bins or
     * boundaries), {@code one_hot} (handle_unknown ignore or error).
     */
    public record Step(int index, String kind, List<String> columns, Optional<String> strategy, Optional<String> value, OptionalInt bins,
            Optional<double[]> boundaries, boolean errorOnUnknown) {
        public Step {
            columns = List.copyOf(columns);
        }
    }

    /** A holdout fraction, or k folds (then the final model is trained on every row). */
    public record Split(double holdout, int folds, boolean stratify) {
        public boolean crossValidation() {
            return folds > 1;
        }
    }

    /** The metric to optimise (sweeps pick the best trial by it) and which way is better. */
    public record Objective(String name, boolean maximize) {
    }

    /**
     * @param maxWallTimeSeconds stop training after this long (0: no limit)
     * @param maxMemoryMb refuse to start when the estimated memory exceeds this, and the heap limit of the training (0: none)
     * @param divergenceAfter stop when the validation loss is worse than the baseline's after this
     *     many iterations (0: only NaN or infinite losses stop training)
     * @param notAfter stop at this time, epoch milliseconds (0: never; set by sweeps for their deadline)
     */
    public record Guardrails(long maxWallTimeSeconds, long maxMemoryMb, int divergenceAfter, long notAfter) {
    }
}
