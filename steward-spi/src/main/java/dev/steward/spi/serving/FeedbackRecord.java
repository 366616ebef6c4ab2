package dev.steward.spi.serving;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One fact of feedback about one row of an answered request, stored with what it was joined to:
 * a ground truth ({@link #TRUTH}: a label or a value) or a reward ({@link #REWARD}). A row has at
 * most one of each kind; sending it again is a duplicate and changes nothing.
 *
 * @param predictedLabel what a classification predicted for the row (its top class)
 * @param predictedValue what a regression predicted
 * @param label the true label (a truth of a classification)
 * @param value the true value (a truth of a regression)
 * @param correct for a label: whether it equals the predicted label
 * @param absoluteError for a value: |value - predicted|
 * @param abstained whether the row was answered as abstained
 * @param source {@code api} (the feedback route) or {@code review} (a label given in the review queue)
 * @param predictedAt when the request was answered
 */
public record FeedbackRecord(String deployment, String requestId, int row, String kind, String model, int version, int revision, String arm,
        Optional<String> predictedLabel, OptionalDouble predictedValue, Optional<String> label, OptionalDouble value, OptionalDouble reward,
        Optional<Boolean> correct, OptionalDouble absoluteError, boolean abstained, String source, long predictedAt, long createdAt,
        String createdBy) {
    public static final String TRUTH = "truth";
    public static final String REWARD = "reward";
    public static final String API = "api";
    public static final String REVIEW = "review";

    public FeedbackRecord {
        requireNonNull(deployment, "deployment is null");
        requireNonNull(requestId, "requestId is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(model, "model is null");
        requireNonNull(arm, "arm is null");
        requireNonNull(predictedLabel, "predictedLabel is null");
        requireNonNull(predictedValue, "predictedValue is null");
        requireNonNull(label, "label is null");
        requireNonNull(value, "value is null");
        requireNonNull(reward, "reward is null");
        requireNonNull(correct, "correct is null");
        requireNonNull(absoluteError, "absoluteError is null");
        requireNonNull(source, "source is null");
        requireNonNull(createdBy, "createdBy is null");
    }
}
