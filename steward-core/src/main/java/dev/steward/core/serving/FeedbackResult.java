package dev.steward.core.serving;

import java.util.List;

/**
 * What became of a feedback batch.
 *
 * @param accepted items that stored something new
 * @param duplicates items whose every fact was stored before (sent again: nothing changed)
 * @param unknown the request ids of items joined to no recent prediction of the deployment, each once, in the order sent
 */
public record FeedbackResult(int accepted, int duplicates, List<String> unknown) {
    public FeedbackResult {
        unknown = List.copyOf(unknown);
    }
}
