package dev.steward.core.serving;

import static java.util.Objects.requireNonNull;

/**
 * One answered request of a classification or a regression deployment, as the serving engine
 * hands it to the {@link PredictionRecorder}: which version answered, why (the traffic arm), and
 * per row what the model predicted. Feedback is joined to it by request id and row.
 *
 * <p>The arrays are handed over, not copied (this is the serving hot path): whoever builds a
 * prediction must not change them afterwards. A classification has {@code labels} and no
 * {@code values}; a regression the other way round. {@code confidences} (the top class's
 * probability per row) and {@code abstained} (rows answered below the deployment's minimum
 * confidence) are empty when there are none; otherwise they have one element per row.
 *
 * @param requestId the id the response carried (feedback names it: at most 200 characters)
 * @param revision the deployment's revision that answered
 * @param arm why this version answered: {@code pinned}, {@code weighted}, {@code sticky}, {@code canary}, ...
 * @param labels per row, the label the model predicted (the top class, also for an abstained row)
 * @param values per row, the value a regression predicted
 * @param atMillis when the request was received, epoch milliseconds (the request log's {@code received_ms})
 */
public record RecordedPrediction(String requestId, String deployment, int revision, String model, int version, String arm, String[] labels,
        double[] values, double[] confidences, boolean[] abstained, long atMillis) {
    private static final String[] NO_LABELS = {};
    private static final double[] NO_VALUES = {};
    private static final boolean[] NO_FLAGS = {};

    public RecordedPrediction {
        requireNonNull(requestId, "requestId is null");
        requireNonNull(deployment, "deployment is null");
        requireNonNull(model, "model is null");
        requireNonNull(arm, "arm is null");
        requireNonNull(labels, "labels is null");
        requireNonNull(values, "values is null");
        requireNonNull(confidences, "confidences is null");
        requireNonNull(abstained, "abstained is null");
        if ((labels.length == 0) == (values.length == 0)) {
            throw new IllegalArgumentException("a prediction has either labels (classification) or values (regression), for at least one row");
        }
        int rows = Math.max(labels.length, values.length);
        if ((confidences.length != 0 && confidences.length != rows) || (abstained.length != 0 && abstained.length != rows)) {
            throw new IllegalArgumentException("prediction " + requestId + " has " + rows + " rows but " + confidences.length + " confidences and "
                    + abstained.length + " abstained flags");
        }
    }

    /**
     * A classification's answer.
     *
     * @param confidences the top class's probability per row, or an empty array when the model gives none
     * @param abstained per row whether it was answered as abstained (or with the fallback label), or an empty array when none was
     */
    public static RecordedPrediction classification(String requestId, String deployment, int revision, String model, int version, String arm,
            String[] labels, double[] confidences, boolean[] abstained, long atMillis) {
        return new RecordedPrediction(requestId, deployment, revision, model, version, arm, labels, NO_VALUES, confidences, abstained, atMillis);
    }

    /** A regression's answer. */
    public static RecordedPrediction regression(String requestId, String deployment, int revision, String model, int version, String arm,
            double[] values, long atMillis) {
        return new RecordedPrediction(requestId, deployment, revision, model, version, arm, NO_LABELS, values, NO_VALUES, NO_FLAGS, atMillis);
    }

    public boolean classification() {
        return labels.length > 0;
    }

    public int rows() {
        return classification() ? labels.length : values.length;
    }

    public boolean abstained(int row) {
        return abstained.length != 0 && abstained[row];
    }

    public boolean anyAbstained() {
        for (boolean a : abstained) {
            if (a) {
                return true;
            }
        }
        return false;
    }
}
