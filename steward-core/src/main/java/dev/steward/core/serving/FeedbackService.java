package dev.steward.core.serving;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.core.audit.AuditLog;
import dev.steward.core.registry.RegistryService;
import dev.steward.spi.Caller;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import dev.steward.spi.serving.FeedbackRecord;
import dev.steward.spi.serving.FeedbackRepository;
import dev.steward.spi.serving.FeedbackTotals;
import dev.steward.spi.store.MetadataStore;
import dev.steward.spi.store.StoreTransaction;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feedback on predictions: ground truth (a label or a value) and rewards, joined to what was
 * predicted. As the engine's {@link PredictionRecorder} it keeps the recent predictions in a
 * bounded in-memory index ({@link Settings}: by count, rows and age); a feedback item whose request
 * is not (or no longer) there is reported unknown. Joined facts are stored with what they were
 * joined to, one of each kind per request row, so sending an item again is an idempotent
 * duplicate. A batch is one transaction, audited once.
 *
 * <p>Live figures come two ways: {@link #figures} sums the store (every replica's feedback), and
 * {@link #live} / {@link #liveAccuracy} read in-memory sums (loaded from the store at
 * {@link #start}, then kept up to date with what this server accepts) for code on the hot path.
 * For the canary it answers the labels since a step began ({@link #since}, from the store); bandits
 * hear each reward through {@link #onFeedback}. Thread-safe.
 */
public final class FeedbackService implements PredictionRecorder, CanaryController.LiveAccuracy {
    private static final Logger LOG = LoggerFactory.getLogger(FeedbackService.class);

    private final MetadataStore store;
    private final DeploymentDirectory deployments;
    private final RegistryService registry;
    private final AuditLog audit;
    private final Clock clock;
    private final Settings settings;
    private final PredictionIndex index;
    private final Map<VersionKey, FeedbackFigures> live = new ConcurrentHashMap<>();
    private final Map<ModelVersion, List<String>> classes = new ConcurrentHashMap<>();
    private final List<Consumer<FeedbackRecord>> listeners = new CopyOnWriteArrayList<>();

    private record VersionKey(String deployment, String model, int version) {}

    private record ModelVersion(String model, int version) {}

    /**
     * @param maxPredictions the index holds at most this many predictions ...
     * @param maxRows ... of at most this many rows in all ...
     * @param maxAge ... none older than this
     * @param maxBatch the most items one feedback batch may hold
     */
    public record Settings(int maxPredictions, long maxRows, Duration maxAge, int maxBatch) {
        public Settings {
            requireNonNull(maxAge, "maxAge is null");
            if (maxPredictions < 1 || maxRows < 1 || maxAge.toMillis() < 1 || maxBatch < 1) {
                throw new IllegalArgumentException("bad feedback settings");
            }
        }
    }

    public FeedbackService(MetadataStore store, DeploymentDirectory deployments, RegistryService registry, AuditLog audit, Clock clock,
            Settings settings) {
        this.store = requireNonNull(store, "store is null");
        this.deployments = requireNonNull(deployments, "deployments is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.index = new PredictionIndex(settings.maxPredictions(), settings.maxRows(), settings.maxAge().toMillis(), clock);
    }

    /** Loads the live figures of every deployment from the store. */
    public void start() {
        for (FeedbackTotals t : store.read(tx -> repo(tx).totals())) {
            live.merge(new VersionKey(t.deployment(), t.model(), t.version()), FeedbackFigures.of(t), FeedbackFigures::plus);
        }
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public void record(RecordedPrediction prediction) {
        index.put(requireNonNull(prediction, "prediction is null"));
    }

    /** Predictions in the index now. */
    public int indexed() {
        return index.size();
    }

    /**
     * Joins a batch of feedback to the deployment's recent predictions and stores what is new. The
     * batch is checked whole first: one bad item refuses it all, naming the item
     * ({@code feedback[3].label}), and nothing is stored.
     */
    public FeedbackResult submit(Caller caller, String deployment, List<FeedbackItem> items) {
        requireNonNull(caller, "caller is null");
        requireNonNull(items, "items is null");
        requireDeployment(deployment);
        if (items.isEmpty()) {
            throw StewardException.invalid("feedback", "'feedback' is empty: send at least one item");
        }
        if (items.size() > settings.maxBatch()) {
            throw StewardException.of(ErrorCode.REQUEST_TOO_LARGE, "a feedback batch holds at most " + settings.maxBatch() + " items, not "
                    + items.size() + ": send it in several batches").withField("feedback");
        }
        long now = clock.millis();
        Set<String> unknown = new LinkedHashSet<>();
        List<List<FeedbackRecord>> joined = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            FeedbackItem item = requireNonNull(items.get(i), "item is null");
            FeedbackJoin.check(i, item);
            Optional<RecordedPrediction> prediction = index.find(deployment, item.requestId());
            if (prediction.isEmpty()) {
                unknown.add(item.requestId());
                continue;
            }
            RecordedPrediction p = prediction.get();
            joined.add(FeedbackJoin.join(i, item, p, classes(p.model(), p.version()), FeedbackRecord.API, now,
                    caller.actor().id()));
        }
        List<FeedbackRecord> stored = new ArrayList<>();
        int accepted = joined.isEmpty() ? 0 : store.write(tx -> {
            int count = 0;
            for (List<FeedbackRecord> facts : joined) {
                boolean any = false;
                for (FeedbackRecord fact : facts) {
                    if (repo(tx).insert(fact)) {
                        stored.add(fact);
                        any = true;
                    }
                }
                count += any ? 1 : 0;
            }
            if (count > 0) {
                Map<String, String> details = new LinkedHashMap<>();
                details.put("accepted", Integer.toString(count));
                details.put("duplicates", Integer.toString(joined.size() - count));
                details.put("unknown", Integer.toString(unknown.size()));
                audit.record(tx, caller, "feedback.record", "deployment", deployment, details);
            }
            return count;
        });
        stored.forEach(this::count);
        return new FeedbackResult(accepted, joined.size() - accepted, List.copyOf(unknown));
    }

    /** The deployment's figures as the store has them: every replica's feedback, overall and per version. */
    public DeploymentFeedback figures(String deployment) {
        requireDeployment(deployment);
        List<FeedbackTotals> totals = store.read(tx -> repo(tx).totals(deployment));
        FeedbackFigures total = FeedbackFigures.NONE;
        List<DeploymentFeedback.VersionFeedback> versions = new ArrayList<>();
        for (FeedbackTotals t : totals) {
            FeedbackFigures figures = FeedbackFigures.of(t);
            total = total.plus(figures);
            versions.add(new DeploymentFeedback.VersionFeedback(t.model(), t.version(), figures));
        }
        return new DeploymentFeedback(deployment, total, versions);
    }

    /**
     * The live figures of a version in a deployment, from memory: what the store held at start plus
     * what this server accepted since. Cheap (one map read); for the canary and bandit code.
     */
    public FeedbackFigures live(String deployment, String model, int version) {
        return live.getOrDefault(new VersionKey(deployment, model, version), FeedbackFigures.NONE);
    }

    /** The live accuracy of a version in a deployment; empty before its first label. */
    public OptionalDouble liveAccuracy(String deployment, String model, int version) {
        return live(deployment, model, version).accuracy();
    }

    /**
     * For the canary's accuracy guardrail: the labels on the answers a version ({@code models:/NAME/V})
     * gave since a time (the step's start), from the store, so every replica's feedback counts.
     */
    @Override
    public CanaryController.Labelled since(String deployment, String versionUri, long sinceMillis) {
        requireNonNull(deployment, "deployment is null");
        int slash = versionUri.lastIndexOf('/');
        if (!versionUri.startsWith("models:/") || slash <= "models:/".length()) {
            throw new IllegalArgumentException("not a model version URI: " + versionUri);
        }
        String model = versionUri.substring("models:/".length(), slash);
        int version = Integer.parseInt(versionUri.substring(slash + 1));
        FeedbackTotals t = store.read(tx -> repo(tx).totals(deployment, model, version, sinceMillis));
        return new CanaryController.Labelled(t.labelled(), t.correct());
    }

    /**
     * Hears every fact this server stores (a truth or a reward), after its transaction committed,
     * on the thread that stored it: how bandits get their rewards. Must be quick and must not throw
     * (what it throws is logged and ignored: the feedback is stored either way).
     */
    public void onFeedback(Consumer<FeedbackRecord> listener) {
        listeners.add(requireNonNull(listener, "listener is null"));
    }

    // ---- for the review queue ----------------------------------------------------------------

    /** Checks that {@code label} is a class of the model (when its classes are known). */
    void checkLabel(String field, String model, int version, String label) {
        FeedbackJoin.checkClass(field, label, classes(model, version), model, version);
    }

    /** Stores a fact inside the caller's transaction; false for a duplicate. Call {@link #count} after the commit. */
    boolean store(StoreTransaction tx, FeedbackRecord fact) {
        return repo(tx).insert(fact);
    }

    /** Adds a stored fact to the live figures and tells the listeners. */
    void count(FeedbackRecord fact) {
        live.merge(new VersionKey(fact.deployment(), fact.model(), fact.version()), FeedbackFigures.of(fact), FeedbackFigures::plus);
        for (Consumer<FeedbackRecord> listener : listeners) {
            try {
                listener.accept(fact);
            } catch (RuntimeException e) {
                LOG.error("a feedback listener failed", e);
            }
        }
    }

    void requireDeployment(String deployment) {
        requireNonNull(deployment, "deployment is null");
        if (!deployments.current().containsKey(deployment)) {
            throw StewardException.notFound("no deployment named '" + deployment + "'");
        }
    }

    /** A version's classes, read once from the registry (they never change); empty when it has none or is gone. */
    private List<String> classes(String model, int version) {
        return classes.computeIfAbsent(new ModelVersion(model, version), key -> {
            try {
                JsonNode parsed = DeploymentSpecs.JSON.readTree(registry.version(model, version).version().classesJson());
                List<String> names = new ArrayList<>();
                parsed.forEach(c -> names.add(c.asText()));
                return List.copyOf(names);
            } catch (JsonProcessingException e) {
                throw StewardException.internal("reading the classes of " + model + "/" + version, e);
            } catch (StewardException e) {
                if (e.code() != ErrorCode.RESOURCE_DOES_NOT_EXIST) {
                    throw e;
                }
                return List.of();
            }
        });
    }

    private static FeedbackRepository repo(StoreTransaction tx) {
        return tx.repository(FeedbackRepository.class);
    }
}
