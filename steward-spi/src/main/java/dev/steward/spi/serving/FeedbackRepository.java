package dev.steward.spi.serving;

import java.util.List;
import java.util.Optional;

/** Store port of feedback on predictions and of the human review queue. Used inside one transaction. */
public interface FeedbackRepository {
    /**
     * Stores a fact unless the row already has one of its kind.
     *
     * @return false for a duplicate (nothing changed)
     */
    boolean insert(FeedbackRecord feedback);

    /** The fact of {@code kind} about a row, if any. */
    Optional<FeedbackRecord> find(String deployment, String requestId, int row, String kind);

    /** The sums of a deployment's feedback, per served version (by model, then version). */
    List<FeedbackTotals> totals(String deployment);

    /** The sums of a version's feedback on the answers it gave at or after {@code predictedSince} (zeros when there is none). */
    FeedbackTotals totals(String deployment, String model, int version, long predictedSince);

    /** The sums of every deployment's feedback, per deployment and served version. */
    List<FeedbackTotals> totals();

    /**
     * Queues a row for review unless that request's row is queued already.
     *
     * @return false when it was queued before (nothing changed)
     */
    boolean insertReview(ReviewRecord review);

    Optional<ReviewRecord> findReview(String id);

    /**
     * A deployment's reviews, oldest first.
     *
     * @param statuses the statuses wanted ({@link ReviewRecord#OPEN}, {@link ReviewRecord#LABELLED})
     */
    List<ReviewRecord> reviews(String deployment, List<String> statuses, int limit);

    /** How many of a deployment's reviews have that status. */
    long countReviews(String deployment, String status);

    /**
     * Labels an open review (compare-and-set on its status).
     *
     * @return false when it is not open any more (someone labelled it first)
     */
    boolean label(String id, String label, long at, String by, String byName);
}
