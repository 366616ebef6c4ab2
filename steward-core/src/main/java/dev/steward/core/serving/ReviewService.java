package dev.steward.core.serving;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.core.audit.AuditLog;
import dev.steward.core.util.Ids;
import dev.steward.core.util.NulCharacters;
import dev.steward.spi.Caller;
import dev.steward.spi.StewardException;
import dev.steward.spi.serving.FeedbackRecord;
import dev.steward.spi.serving.FeedbackRepository;
import dev.steward.spi.serving.ReviewRecord;
import dev.steward.spi.serving.Tensor;
import dev.steward.spi.store.MetadataStore;
import dev.steward.spi.store.StoreTransaction;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The human review queue. As the engine's {@link ReviewQueue} it buffers abstained rows (at most
 * {@code capacity}; beyond that they are dropped and counted) and writes them on a thread of its
 * own, with their inputs as JSON, so that serving never waits on the store. A label given to a
 * review is audited and stored, in the same transaction, as the feedback (the truth) of that
 * request's row; the review then leaves the open queue. Thread-safe.
 */
public final class ReviewService implements ReviewQueue, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReviewService.class);
    private static final Pattern ID = Pattern.compile("rev_[0-9a-f]{16}");
    private static final int WRITE_BATCH = 256;
    private static final long CLOSE_MILLIS = 5_000;
    public static final int MAX_LIST = 1_000;

    private final MetadataStore store;
    private final FeedbackService feedback;
    private final AuditLog audit;
    private final Clock clock;
    private final BlockingQueue<Pending> pending;
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer = new Thread(this::write, "steward-review-writer");
    private volatile boolean closed;

    private record Pending(RecordedPrediction prediction, List<Tensor> inputs, int row) {}

    /** A label given to a review, and whether it counted as new feedback (false when that row already had a truth). */
    public record Labelled(ReviewRecord review, boolean counted) {}

    public ReviewService(MetadataStore store, FeedbackService feedback, AuditLog audit, Clock clock, int capacity) {
        this.store = requireNonNull(store, "store is null");
        this.feedback = requireNonNull(feedback, "feedback is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.pending = new ArrayBlockingQueue<>(capacity);
        writer.setDaemon(true);
    }

    /** Starts writing queued rows to the store. */
    public void start() {
        writer.start();
    }

    /** Writes what is buffered (for a few seconds at most), then stops. */
    @Override
    public void close() {
        closed = true;
        if (writer.isAlive()) {
            try {
                writer.join(CLOSE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean offer(RecordedPrediction prediction, List<Tensor> inputs) {
        requireNonNull(prediction, "prediction is null");
        requireNonNull(inputs, "inputs is null");
        boolean all = true;
        for (int row = 0; row < prediction.rows(); row++) {
            if (prediction.abstained(row) && (closed || !pending.offer(new Pending(prediction, inputs, row)))) {
                dropped.incrementAndGet();
                all = false;
            }
        }
        return all;
    }

    @Override
    public long dropped() {
        return dropped.get();
    }

    // ---- reads and labels --------------------------------------------------------------------

    /**
     * A deployment's reviews, oldest first.
     *
     * @param status {@code open}, {@code labelled} or {@code all}
     */
    public List<ReviewRecord> list(String deployment, String status, int limit) {
        feedback.requireDeployment(deployment);
        List<String> statuses = switch (requireNonNull(status, "status is null")) {
            case ReviewRecord.OPEN -> List.of(ReviewRecord.OPEN);
            case ReviewRecord.LABELLED -> List.of(ReviewRecord.LABELLED);
            case "all" -> List.of(ReviewRecord.OPEN, ReviewRecord.LABELLED);
            default -> throw StewardException.invalid("status", "'status' is open, labelled or all, not '" + status + "'");
        };
        if (limit < 1 || limit > MAX_LIST) {
            throw StewardException.invalid("max_results", "'max_results' must be between 1 and " + MAX_LIST);
        }
        return store.read(tx -> repo(tx).reviews(deployment, statuses, limit));
    }

    /** How many of a deployment's reviews wait for a label. */
    public long open(String deployment) {
        feedback.requireDeployment(deployment);
        return store.read(tx -> repo(tx).countReviews(deployment, ReviewRecord.OPEN));
    }

    public ReviewRecord get(String id) {
        checkId(id);
        return store.read(tx -> repo(tx).findReview(id)).orElseThrow(() -> StewardException.notFound("no review '" + id + "'"));
    }

    /**
     * Labels an open review: the label (one of the model's classes) is stored, audited, and counted
     * as the truth of that request's row.
     */
    public Labelled label(Caller caller, String id, String label) {
        requireNonNull(caller, "caller is null");
        if (label == null || label.isBlank() || label.length() > FeedbackJoin.MAX_LABEL) {
            throw StewardException.invalid("label", "'label' is required: the true class, 1 to " + FeedbackJoin.MAX_LABEL + " characters");
        }
        NulCharacters.refuse("label", "'label'", label);
        ReviewRecord review = get(id);
        if (!review.open()) {
            throw alreadyLabelled(review);
        }
        feedback.checkLabel("label", review.model(), review.version(), label);
        long now = clock.millis();
        FeedbackRecord truth = new FeedbackRecord(review.deployment(), review.requestId(), review.row(), FeedbackRecord.TRUTH, review.model(),
                review.version(), review.revision(), review.arm(), Optional.of(review.predictedLabel()), OptionalDouble.empty(), Optional.of(label),
                OptionalDouble.empty(), OptionalDouble.empty(), Optional.of(label.equals(review.predictedLabel())), OptionalDouble.empty(), true,
                FeedbackRecord.REVIEW, review.predictedAt(), now, caller.actor().id());
        boolean counted = store.write(tx -> {
            if (!repo(tx).label(id, label, now, caller.actor().id(), caller.actor().name())) {
                throw alreadyLabelled(repo(tx).findReview(id).orElse(review));
            }
            boolean stored = feedback.store(tx, truth);
            Map<String, String> details = new LinkedHashMap<>();
            details.put("deployment", review.deployment());
            details.put("request_id", review.requestId());
            details.put("row", Integer.toString(review.row()));
            details.put("model", review.model() + "/" + review.version());
            details.put("predicted", review.predictedLabel());
            details.put("label", label);
            details.put("feedback", stored ? "accepted" : "duplicate");
            audit.record(tx, caller, "review.label", "review", id, details);
            return stored;
        });
        if (counted) {
            feedback.count(truth);
        }
        return new Labelled(get(id), counted);
    }

    // ---- the writer --------------------------------------------------------------------------

    private void write() {
        List<Pending> batch = new ArrayList<>(WRITE_BATCH);
        while (!closed || !pending.isEmpty()) {
            try {
                Pending first = pending.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                pending.drainTo(batch, WRITE_BATCH - 1);
                List<ReviewRecord> reviews = new ArrayList<>(batch.size());
                long now = clock.millis();
                for (Pending p : batch) {
                    reviews.add(review(p, now));
                }
                insert(reviews);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // A bug, not the store (insert handles that): the writer must live on.
                dropped.addAndGet(batch.size());
                LOG.error("could not queue {} abstained rows for review", batch.size(), e);
            } finally {
                batch.clear();
            }
        }
    }

    /** Writes a batch in one transaction; when that fails, each review on its own, so that one bad row loses only itself. */
    private void insert(List<ReviewRecord> reviews) {
        try {
            store.write(tx -> {
                reviews.forEach(repo(tx)::insertReview);
                return null;
            });
        } catch (RuntimeException batchFailed) {
            for (ReviewRecord review : reviews) {
                try {
                    store.write(tx -> repo(tx).insertReview(review));
                } catch (RuntimeException e) {
                    dropped.incrementAndGet();
                    LOG.warn("could not queue row {} of request {} of {} for review: {}", review.row(), review.requestId(), review.deployment(),
                            e.toString());
                }
            }
        }
    }

    private static ReviewRecord review(Pending p, long now) {
        RecordedPrediction prediction = p.prediction();
        double[] confidences = prediction.confidences();
        OptionalDouble confidence = confidences.length == 0 ? OptionalDouble.empty() : OptionalDouble.of(confidences[p.row()]);
        return new ReviewRecord(Ids.randomHex("rev_", 8), prediction.deployment(), prediction.requestId(), p.row(), prediction.revision(),
                prediction.model(), prediction.version(), prediction.arm(), prediction.labels()[p.row()], confidence,
                inputs(p.inputs(), prediction.rows(), p.row()), prediction.atMillis(), now, ReviewRecord.OPEN, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    /** A row's inputs as a JSON object: each input's elements of that row (a value for one element, a list for several; NaN as null). */
    static String inputs(List<Tensor> inputs, int rows, int row) {
        ObjectNode object = JsonNodeFactory.instance.objectNode();
        for (Tensor tensor : inputs) {
            if (tensor.rank() == 0 || tensor.dimension(0) != rows) {
                continue;
            }
            int width = tensor.size() / rows;
            if (width == 1) {
                object.set(tensor.name(), element(tensor, row));
            } else {
                ArrayNode values = object.putArray(tensor.name());
                for (int i = row * width; i < (row + 1) * width; i++) {
                    values.add(element(tensor, i));
                }
            }
        }
        return object.toString();
    }

    private static JsonNode element(Tensor tensor, int i) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        return switch (tensor.datatype()) {
            case BYTES -> nodes.textNode(tensor.strings()[i]);
            case BOOL -> nodes.booleanNode(tensor.booleans()[i]);
            case INT32 -> nodes.numberNode(tensor.ints()[i]);
            case INT64 -> nodes.numberNode(tensor.longs()[i]);
            case FP32 -> Float.isFinite(tensor.floats()[i]) ? nodes.numberNode(tensor.floats()[i]) : nodes.nullNode();
            case FP64 -> Double.isFinite(tensor.doubles()[i]) ? nodes.numberNode(tensor.doubles()[i]) : nodes.nullNode();
        };
    }

    private static void checkId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw StewardException.invalid("id", "a review id is rev_ and 16 hex digits (see steward review list)");
        }
    }

    private static StewardException alreadyLabelled(ReviewRecord review) {
        return StewardException.invalidState("review " + review.id() + " was labelled '" + review.label().orElse("?") + "' by "
                + review.labelledByName().orElse("someone") + review.labelledAt().map(at -> " at " + Instant.ofEpochMilli(at)).orElse("")
                + ": a review is labelled once");
    }

    private static FeedbackRepository repo(StoreTransaction tx) {
        return tx.repository(FeedbackRepository.class);
    }
}
