package dev.steward.spi.training;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Everything a {@link Trainer} needs: preprocessed features (row-major, no missing values), the
 * target (a class index into {@code classes}, or the value for regression), the fitted
 * preprocessing of the raw inputs (to put in front of the exported graph), and validated
 * hyperparameters with every default filled in.
 *
 * @param validationFeatures rows the trainer predicts after training (and may score per iteration)
 * @param validationTarget their targets, for per-iteration metrics
 * @param maxHeapMb the memory the training may use, in MB (0: the trainer's default)
 */
public record TrainingRequest(Task task, String algorithm, Map<String, Object> hyperparameters, long seed, List<FittedColumn> inputs,
        List<String> classes, List<String> featureNames, double[][] features, double[] target, double[][] validationFeatures,
        double[] validationTarget, long maxHeapMb, IterationListener listener, BooleanSupplier cancelled) {
    public TrainingRequest {
        requireNonNull(task, "task is null");
        requireNonNull(algorithm, "algorithm is null");
        hyperparameters = Map.copyOf(hyperparameters);
        inputs = List.copyOf(inputs);
        classes = List.copyOf(classes);
        featureNames = List.copyOf(featureNames);
        requireNonNull(features, "features is null");
        requireNonNull(target, "target is null");
        requireNonNull(validationFeatures, "validationFeatures is null");
        requireNonNull(validationTarget, "validationTarget is null");
        requireNonNull(listener, "listener is null");
        requireNonNull(cancelled, "cancelled is null");
        if (features.length != target.length) {
            throw new IllegalArgumentException(features.length + " rows of features but " + target.length + " targets");
        }
    }

    /** Receives metrics per training iteration (boosting round, epoch) as the trainer computes them. */
    public interface IterationListener {
        IterationListener NONE = (step, metrics) -> true;

        /** Returns false to ask the trainer to stop (a guardrail tripped). */
        boolean iteration(int step, Map<String, Double> metrics);
    }
}
