package dev.steward.core.serving;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One item of a feedback batch as the caller sent it: about row {@code row} of the answer to
 * {@code requestId}, a true label (classification) or a true value (regression), a reward, or a
 * truth and a reward. Checked by {@link FeedbackService#submit}.
 */
public record FeedbackItem(String requestId, int row, Optional<String> label, OptionalDouble value, OptionalDouble reward) {
    public FeedbackItem {
        requireNonNull(label, "label is null");
        requireNonNull(value, "value is null");
        requireNonNull(reward, "reward is null");
    }
}
