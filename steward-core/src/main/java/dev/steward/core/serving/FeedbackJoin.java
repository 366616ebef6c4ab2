package dev.steward.core.serving;

import dev.steward.core.util.NulCharacters;
import dev.steward.spi.StewardException;
import dev.steward.spi.serving.FeedbackRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * How a feedback item is checked and joined to the prediction it is about: a label to a
 * classification's row (right or wrong), a value to a regression's row (its absolute error), a
 * reward to any row. Errors name the item's field, {@code feedback[i].label}.
 */
final class FeedbackJoin {
    static final int MAX_REQUEST_ID = 200;
    static final int MAX_LABEL = 1_000;

    private FeedbackJoin() {}

    /** What can be checked without the prediction: the item's shape. */
    static void check(int index, FeedbackItem item) {
        String at = "feedback[" + index + "]";
        if (item.requestId() == null || item.requestId().isBlank()) {
            throw StewardException.invalid(at + ".request_id", at + " needs 'request_id': the id the prediction's response carried");
        }
        if (item.requestId().length() > MAX_REQUEST_ID) {
            throw StewardException.invalid(at + ".request_id", at + ".request_id is longer than " + MAX_REQUEST_ID + " characters");
        }
        NulCharacters.refuse(at + ".request_id", at + ".request_id", item.requestId());
        if (item.row() < 0) {
            throw StewardException.invalid(at + ".row", at + ".row must be 0 or more (the row of the request, 0 for the first)");
        }
        if (item.label().isEmpty() && item.value().isEmpty() && item.reward().isEmpty()) {
            throw StewardException.invalid(at, at + " has neither 'label' (the true class), 'value' (the true number) nor 'reward'");
        }
        if (item.label().isPresent() && item.value().isPresent()) {
            throw StewardException.invalid(at, at + " has both 'label' and 'value': a row's truth is a label (classification) or a value"
                    + " (regression)");
        }
        item.label().ifPresent(label -> {
            if (label.isBlank() || label.length() > MAX_LABEL) {
                throw StewardException.invalid(at + ".label", at + ".label must be 1 to " + MAX_LABEL + " characters");
            }
            NulCharacters.refuse(at + ".label", at + ".label", label);
        });
        finite(item.value(), at + ".value");
        finite(item.reward(), at + ".reward");
    }

    /**
     * The facts an item stores about a prediction's row: its truth, its reward, or both.
     *
     * @param classes the model's classes, or empty when unknown (any label is taken)
     */
    static List<FeedbackRecord> join(int index, FeedbackItem item, RecordedPrediction p, List<String> classes, String source, long now, String by) {
        String at = "feedback[" + index + "]";
        if (item.row() >= p.rows()) {
            throw StewardException.invalid(at + ".row", at + ".row is " + item.row() + ", but request " + p.requestId() + " had "
                    + p.rows() + (p.rows() == 1 ? " row" : " rows") + " (0 to " + (p.rows() - 1) + ")");
        }
        if (item.label().isPresent() && !p.classification()) {
            throw StewardException.invalid(at + ".label", "request " + p.requestId() + " was answered by a regression (" + p.model() + "/"
                    + p.version() + "): send its true 'value', not a label");
        }
        if (item.value().isPresent() && p.classification()) {
            throw StewardException.invalid(at + ".value", "request " + p.requestId() + " was answered by a classification (" + p.model() + "/"
                    + p.version() + "): send its true 'label', not a value");
        }
        item.label().ifPresent(label -> checkClass(at + ".label", label, classes, p.model(), p.version()));
        int row = item.row();
        Optional<String> predictedLabel = p.classification() ? Optional.of(p.labels()[row]) : Optional.empty();
        OptionalDouble predictedValue = p.classification() ? OptionalDouble.empty() : OptionalDouble.of(p.values()[row]);
        List<FeedbackRecord> facts = new ArrayList<>(2);
        if (item.label().isPresent() || item.value().isPresent()) {
            Optional<Boolean> correct = item.label().map(label -> label.equals(predictedLabel.orElseThrow()));
            OptionalDouble error = item.value().isPresent() ? OptionalDouble.of(Math.abs(item.value().getAsDouble()
                    - predictedValue.getAsDouble())) : OptionalDouble.empty();
            facts.add(new FeedbackRecord(p.deployment(), p.requestId(), row, FeedbackRecord.TRUTH, p.model(), p.version(), p.revision(), p.arm(),
                    predictedLabel, predictedValue, item.label(), item.value(), OptionalDouble.empty(), correct, error, p.abstained(row), source,
                    p.atMillis(), now, by));
        }
        if (item.reward().isPresent()) {
            facts.add(new FeedbackRecord(p.deployment(), p.requestId(), row, FeedbackRecord.REWARD, p.model(), p.version(), p.revision(), p.arm(),
                    predictedLabel, predictedValue, Optional.empty(), OptionalDouble.empty(), item.reward(), Optional.empty(),
                    OptionalDouble.empty(), p.abstained(row), source, p.atMillis(), now, by));
        }
        return facts;
    }

    /** A label must be one of the model's classes (when they are known). */
    static void checkClass(String field, String label, List<String> classes, String model, int version) {
        if (!classes.isEmpty() && !classes.contains(label)) {
            throw StewardException.invalid(field, "'" + label + "' is not a class of " + model + "/" + version + ": its classes are "
                    + String.join(", ", classes));
        }
    }

    private static void finite(OptionalDouble number, String field) {
        if (number.isPresent() && !Double.isFinite(number.getAsDouble())) {
            throw StewardException.invalid(field, field + " must be a finite number, not " + number.getAsDouble());
        }
    }
}
