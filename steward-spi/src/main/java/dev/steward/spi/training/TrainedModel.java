package dev.steward.spi.training;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * A trained model: its ONNX graph (raw inputs in, preprocessing included, outputs {@code label} and
 * {@code probabilities} for classification or {@code prediction} for regression), the trainer's
 * native serialisation, and the trainer's own predictions on the validation rows (class
 * probabilities in {@code classes} order, or one value per row).
 */
public record TrainedModel(byte[] onnx, byte[] nativeModel, String nativeFormat, double[][] validationScores, Map<String, String> libraries) {
    public TrainedModel {
        requireNonNull(onnx, "onnx is null");
        requireNonNull(nativeModel, "nativeModel is null");
        requireNonNull(nativeFormat, "nativeFormat is null");
        requireNonNull(validationScores, "validationScores is null");
        libraries = Map.copyOf(libraries);
    }
}
