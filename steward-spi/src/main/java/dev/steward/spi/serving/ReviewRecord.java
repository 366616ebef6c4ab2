package dev.steward.spi.serving;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One row of a classification answered as abstained, queued for a person to label: its inputs
 * and what the model predicted, with how confident it was. Once labelled it leaves the open queue;
 * the label is also stored as feedback for that request's row.
 *
 * @param id {@code rev_} + 16 hex
 * @param inputsJson the row's inputs, a JSON object of input name to value (a list for an input of several elements per row)
 * @param status {@link #OPEN} or {@link #LABELLED}
 */
public record ReviewRecord(String id, String deployment, String requestId, int row, int revision, String model, int version, String arm,
        String predictedLabel, OptionalDouble confidence, String inputsJson, long predictedAt, long createdAt, String status,
        Optional<String> label, Optional<Long> labelledAt, Optional<String> labelledBy, Optional<String> labelledByName) {
    public static final String OPEN = "open";
    public static final String LABELLED = "labelled";

    public ReviewRecord {
        requireNonNull(id, "id is null");
        requireNonNull(deployment, "deployment is null");
        requireNonNull(requestId, "requestId is null");
        requireNonNull(model, "model is null");
        requireNonNull(arm, "arm is null");
        requireNonNull(predictedLabel, "predictedLabel is null");
        requireNonNull(confidence, "confidence is null");
        requireNonNull(inputsJson, "inputsJson is null");
        requireNonNull(status, "status is null");
        requireNonNull(label, "label is null");
        requireNonNull(labelledAt, "labelledAt is null");
        requireNonNull(labelledBy, "labelledBy is null");
        requireNonNull(labelledByName, "labelledByName is null");
    }

    public boolean open() {
        return status.equals(OPEN);
    }
}
