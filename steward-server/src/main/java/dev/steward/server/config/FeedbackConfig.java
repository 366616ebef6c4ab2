package dev.steward.server.config;

import static java.util.Objects.requireNonNull;

import dev.steward.core.serving.FeedbackService;
import java.time.Duration;

/**
 * Feedback on predictions and the review queue.
 *
 * @param indexPredictions the recent predictions kept for joining feedback to ({@code feedback.index-predictions}) ...
 * @param indexRows ... holding at most this many rows in all ({@code feedback.index-rows}) ...
 * @param indexAge ... none older than this ({@code feedback.index-hours}): feedback for an older prediction is reported unknown
 * @param maxBatch the most items one feedback request may hold ({@code feedback.max-batch})
 * @param reviewBuffer abstained rows waiting to be written to the review queue before new ones are dropped and counted ({@code feedback.review-buffer})
 */
public record FeedbackConfig(int indexPredictions, long indexRows, Duration indexAge, int maxBatch, int reviewBuffer) {
    public FeedbackConfig {
        requireNonNull(indexAge, "indexAge is null");
        if (indexPredictions < 1 || indexRows < 1 || maxBatch < 1 || reviewBuffer < 1) {
            throw new IllegalArgumentException("bad feedback settings");
        }
    }

    public FeedbackService.Settings settings() {
        return new FeedbackService.Settings(indexPredictions, indexRows, indexAge, maxBatch);
    }
}
