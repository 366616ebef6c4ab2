package dev.steward.spi.training;

import java.util.List;

/**
 * Trains models from preprocessed features and exports them, preprocessing included, as ONNX.
 * Training is deterministic: the same request gives byte-identical ONNX. Thread-safe.
 */
public interface Trainer {
    /** The algorithms on offer, with their tasks and hyperparameters. */
    List<Algorithm> algorithms();

    /**
     * Trains one model. A request the algorithm cannot honour is an {@code INVALID_PARAMETER_VALUE}
     * naming {@code hyperparameters.<name>}; a model that cannot be exported to ONNX is never
     * returned.
     */
    TrainedModel train(TrainingRequest request);
}
