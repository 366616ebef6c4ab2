package dev.steward.core.serving;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.serving.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The answer to a prediction request: who answered (deployment, revision, registered model and
 * version, and why that version: its traffic arm) and what.
 *
 * @param versionLabel the version as the deployment's protocols name it ({@code 3}, or {@code model:3})
 * @param arm {@code pinned} (the path named the version), {@code sticky} (the caller's key chose it), {@code weighted} (the split chose it)
 * @param outputs the graph outputs the request asked for (all of them when it named none), in the graph's order; with a confidence
 *     threshold, a BYTES label output carries the fallback label (or the empty string) on abstained rows, and a BOOL output
 *     {@value #ABSTAINED} says which rows abstained
 * @param classification for a classifier: labels, probabilities and abstentions by row
 * @param values for a regression model: the prediction of each row
 */
public record Prediction(String requestId, String deployment, int revision, String model, int version, String versionLabel, String arm, int rows,
        Map<String, Tensor> outputs, Optional<Classification> classification, Optional<double[]> values) {
    /** The name of the output that says which rows abstained, when the deployment has a confidence threshold. */
    public static final String ABSTAINED = "abstained";

    public Prediction {
        requireNonNull(requestId, "requestId is null");
        requireNonNull(deployment, "deployment is null");
        requireNonNull(model, "model is null");
        requireNonNull(versionLabel, "versionLabel is null");
        requireNonNull(arm, "arm is null");
        outputs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(outputs));
        requireNonNull(classification, "classification is null");
        requireNonNull(values, "values is null");
    }

    /**
     * A classifier's answer by row.
     *
     * @param labels the answer: the predicted class; on an abstained row the fallback label, or {@code null} when there is none
     * @param predicted the class the model predicted, abstained or not
     * @param probabilities row-major, {@code rows x classes.size()}, in the order of {@code classes}
     * @param confidence the top class probability of each row
     * @param abstained whether the row fell below the deployment's confidence threshold
     */
    public record Classification(List<String> classes, String[] labels, String[] predicted, double[] probabilities, double[] confidence,
            boolean[] abstained) {
        public Classification {
            classes = List.copyOf(classes);
            requireNonNull(labels, "labels is null");
            requireNonNull(predicted, "predicted is null");
            requireNonNull(probabilities, "probabilities is null");
            requireNonNull(confidence, "confidence is null");
            requireNonNull(abstained, "abstained is null");
        }
    }
}
