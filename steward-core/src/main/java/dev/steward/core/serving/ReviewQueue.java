package dev.steward.core.serving;

import dev.steward.spi.serving.Tensor;
import java.util.List;

/**
 * Where the serving engine sends classifications it answered as abstained (below the deployment's
 * minimum confidence): each abstained row is queued, with its inputs, its prediction and its
 * confidence, for people to label ({@code steward review list|label}); a label flows back as
 * feedback for that request's row. {@link #offer} never blocks: the rows are written to the store
 * by a thread of the queue's own; when its buffer is full they are dropped and counted.
 * Thread-safe.
 */
public interface ReviewQueue {
    /**
     * Queues the abstained rows of a prediction. {@code inputs} are the tensors the request was
     * decoded into (row-major, rows first); like the prediction's arrays they must not change
     * afterwards. A prediction without abstained rows is ignored.
     *
     * @return false when the rows were dropped (buffer full, or the queue is closed)
     */
    boolean offer(RecordedPrediction prediction, List<Tensor> inputs);

    /** Rows dropped since start. */
    long dropped();

    /** A queue that keeps nothing (tests; serving without review). */
    ReviewQueue NONE = new ReviewQueue() {
        @Override
        public boolean offer(RecordedPrediction prediction, List<Tensor> inputs) {
            return true;
        }

        @Override
        public long dropped() {
            return 0;
        }
    };
}
