package dev.steward.core.serving;

import static java.util.Objects.requireNonNull;

import dev.steward.core.serving.DeploymentSpec.ServedVersion;
import dev.steward.core.training.ModelSignature;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import dev.steward.spi.serving.Datatype;
import dev.steward.spi.serving.ModelRuntime;
import dev.steward.spi.serving.Tensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the deployments of a {@link DeploymentDirectory}: one runtime session per registered
 * version (shared by the deployments that serve it), loaded and warmed before it takes traffic;
 * each request admitted (the deployment exists, is not stopped, the caller is within its rate
 * limit and the body within its size), routed (a pinned version, else the caller's sticky key or
 * the weights), checked against the version's signature, batched with its neighbours and
 * answered, then handed to the {@link RequestLog}. Thread-safe.
 *
 * <p>Changes never fail a request. The directory's listener publishes a new routing at once,
 * using only versions already loaded (so a revoked version is out from the next request on); a
 * loader thread loads and warms what is missing, then publishes again. Until a deployment's new
 * versions are loaded its previous routing keeps serving. A session no routing refers to any
 * more is let go of, and closes when its last in-flight call returns. Whether a deployment is
 * stopped is read from the directory's own snapshot on every request, so an emergency stop
 * holds from the request after the directory publishes it.
 */
public final class ServingEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServingEngine.class);
    /** How often a request reads the routing again when the version it chose was let go of between its read and its call. */
    private static final int ROUTING_ATTEMPTS = 8;
    /** Runtime calls one version of a deployment runs at once: one per core, each on its caller's thread. */
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private final DeploymentDirectory directory;
    private final ModelSource source;
    private final ModelRuntime runtime;
    private final RequestLog log;
    private final PredictionRecorder recorder;
    private final ReviewQueue reviews;
    private final ServingMetrics metrics;
    private final TokenBuckets buckets = new TokenBuckets();
    private final LiveTraffic traffic;
    private final TrafficPolicies policies = new TrafficPolicies();
    private final Thread loader;
    /** Guards the fields below it. */
    private final Object lock = new Object();
    private final Map<VersionKey, ServedModel> pool = new HashMap<>();
    /** Why a version could not be loaded, and the generation of the directory at which it was tried. */
    private final Map<VersionKey, Failure> failures = new HashMap<>();
    private long generation;
    private long settled = -1;
    private boolean started;
    private boolean closed;
    /** What requests route by: read without locking. */
    private volatile Map<String, Live> published = Map.of();

    /**
     * @param log where every request and its answer (or error) goes
     * @param recorder where every answered classification or regression goes, for feedback to join
     * @param reviews where classifications answered as abstained go, for people to label
     */
    public ServingEngine(DeploymentDirectory directory, ModelSource source, ModelRuntime runtime, RequestLog log, PredictionRecorder recorder,
            ReviewQueue reviews, ServingMetrics metrics) {
        this(directory, source, runtime, log, recorder, reviews, metrics, new LiveTraffic(java.time.Clock.systemUTC()));
    }

    /** @param traffic where every answer and failure of a served version is counted (canaries and cut-outs judge by it) */
    public ServingEngine(DeploymentDirectory directory, ModelSource source, ModelRuntime runtime, RequestLog log, PredictionRecorder recorder,
            ReviewQueue reviews, ServingMetrics metrics, LiveTraffic traffic) {
        this.traffic = requireNonNull(traffic, "traffic is null");
        this.directory = requireNonNull(directory, "directory is null");
        this.source = requireNonNull(source, "source is null");
        this.runtime = requireNonNull(runtime, "runtime is null");
        this.log = requireNonNull(log, "log is null");
        this.recorder = requireNonNull(recorder, "recorder is null");
        this.reviews = requireNonNull(reviews, "reviews is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.loader = new Thread(this::load, "steward-serving-loader");
        loader.setDaemon(true);
    }

    private record Failure(String reason, long generation) {
    }

    /** A version of a deployment as requests reach it: its session, its batcher, its meters, the name the protocols give it. */
    /** A served version of one deployment: its session, batcher, meters, its URI ({@code models:/name/3}) and live counter. */
    private record Lane(VersionKey key, String label, ServedModel model, DeploymentSpec.Batching batching, Batcher batcher,
            ServingMetrics.Lane meters, String uri, LiveTraffic.Counter live) {
    }

    /** A deployment's routing, built from one revision: the loaded versions among its own, and how traffic divides among them. */
    private record Live(DeploymentState state, List<Lane> lanes, Map<String, Lane> byLabel, TrafficSplit split, boolean complete) {
        Optional<Lane> lane(VersionKey key) {
            return lanes.stream().filter(l -> l.key.equals(key)).findFirst();
        }
    }

    /** Starts following the directory: loads what it serves (in the background) and every change after. */
    public void start() {
        synchronized (lock) {
            if (started) {
                throw new IllegalStateException("the serving engine is started already");
            }
            started = true;
        }
        directory.onChange(this::changed);
        changed(directory.current());
        loader.start();
    }

    private void changed(Map<String, DeploymentState> snapshot) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            generation++;
            publish(snapshot);
            lock.notifyAll();
        }
    }

    /**
     * Waits until every version the directory names was loaded (or failed to load) and the routing
     * follows the directory's latest snapshot; true if so within {@code timeout}.
     */
    public boolean awaitSettled(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (settled != generation) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                lock.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    // ---- loading ---------------------------------------------------------------------------------

    private void load() {
        while (true) {
            long target;
            synchronized (lock) {
                while (settled == generation && !closed) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                target = generation;
            }
            for (VersionKey key : wanted(directory.current())) {
                synchronized (lock) {
                    if (closed) {
                        return;
                    }
                    Failure failure = failures.get(key);
                    if (pool.containsKey(key) || failure != null && failure.generation == target) {
                        continue;
                    }
                }
                loadOne(key, target);
            }
            synchronized (lock) {
                publish(directory.current());
                if (generation == target) {
                    settled = target;
                }
                lock.notifyAll();
            }
        }
    }

    private void loadOne(VersionKey key, long target) {
        long start = System.nanoTime();
        ServedModel model = null;
        try {
            ModelSource.ServablePackage pkg = source.fetch(key.model(), key.version());
            ModelSignature signature = ModelSignature.of(pkg.pkg().manifest());
            ModelRuntime.LoadedModel session = runtime.load(pkg.graph());
            try {
                model = new ServedModel(key, signature, session);
                model.warm();
            } catch (RuntimeException e) {
                session.close();
                throw e;
            }
            LOG.info("serving model version {}: loaded and warmed in {} ms", key, (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException e) {
            String reason = e instanceof StewardException ? e.getMessage() : e.toString();
            LOG.warn("model version {} cannot be served: {}", key, reason);
            synchronized (lock) {
                failures.put(key, new Failure(reason, target));
                publish(directory.current());
            }
            return;
        }
        synchronized (lock) {
            if (closed) {
                model.release();
                return;
            }
            pool.put(key, model);
            failures.remove(key);
            publish(directory.current());
        }
    }

    private static Set<VersionKey> wanted(Map<String, DeploymentState> snapshot) {
        Set<VersionKey> keys = new LinkedHashSet<>();
        for (DeploymentState state : snapshot.values()) {
            state.spec().versions().forEach(v -> keys.add(VersionKey.of(v)));
        }
        return keys;
    }

    /** Builds the routing of every deployment from what is loaded, publishes it, then lets go of the sessions nothing refers to. Holds the lock. */
    private void publish(Map<String, DeploymentState> snapshot) {
        Map<String, Live> before = published;
        Map<String, Live> next = new HashMap<>();
        for (DeploymentState state : snapshot.values()) {
            Live previous = before.get(state.name());
            List<ServedVersion> loaded = state.spec().versions().stream().filter(v -> pool.containsKey(VersionKey.of(v))).toList();
            if (loaded.isEmpty() && previous != null && !previous.lanes.isEmpty()) {
                next.put(state.name(), previous);
            } else if (previous != null && previous.state.equals(state) && previous.lanes.size() == loaded.size()) {
                next.put(state.name(), previous);
            } else {
                next.put(state.name(), build(state, previous, loaded));
            }
        }
        published = Collections.unmodifiableMap(next);
        policies.retain(next.keySet());
        Map<ServedModel, Boolean> used = new IdentityHashMap<>();
        next.values().forEach(live -> live.lanes.forEach(lane -> used.put(lane.model, true)));
        for (Iterator<ServedModel> models = pool.values().iterator(); models.hasNext(); ) {
            ServedModel model = models.next();
            if (!used.containsKey(model)) {
                models.remove();
                LOG.info("serving model version {}: unloaded (closes when its last call returns)", model.key);
                model.release();
            }
        }
        for (Map.Entry<String, Live> entry : next.entrySet()) {
            if (entry.getValue() != before.get(entry.getKey())) {
                Map<String, Double> shares = new LinkedHashMap<>();
                List<Lane> lanes = entry.getValue().lanes;
                for (int i = 0; i < lanes.size(); i++) {
                    shares.put(lanes.get(i).key.qualified(), entry.getValue().split.share(i));
                }
                metrics.split(entry.getKey(), shares);
            }
        }
        for (String gone : before.keySet()) {
            if (!next.containsKey(gone)) {
                metrics.split(gone, Map.of());
                buckets.forget(gone);
            }
        }
    }

    private Live build(DeploymentState state, Live previous, List<ServedVersion> loaded) {
        boolean oneModel = state.spec().versions().stream().map(ServedVersion::model).distinct().count() == 1;
        List<Lane> lanes = new ArrayList<>();
        Map<String, Lane> byLabel = new HashMap<>();
        List<String> ids = new ArrayList<>();
        double[] weights = new double[loaded.size()];
        DeploymentSpec.Batching batching = state.spec().batching();
        for (ServedVersion served : loaded) {
            VersionKey key = VersionKey.of(served);
            ServedModel model = pool.get(key);
            String label = oneModel ? Integer.toString(key.version()) : key.qualified();
            Lane lane = previous == null ? null : previous.lane(key).filter(l -> l.model == model && l.batching.equals(batching)
                    && l.label.equals(label)).orElse(null);
            if (lane == null) {
                ServingMetrics.Lane meters = metrics.lane(state.name(), key.model(), key.version());
                String uri = "models:/" + key.model() + "/" + key.version();
                lane = new Lane(key, label, model, batching, new Batcher(model, batching, CORES, meters), meters, uri,
                        traffic.counter(state.name(), uri));
            }
            weights[lanes.size()] = served.weight();
            lanes.add(lane);
            ids.add(key.qualified());
            byLabel.put(label, lane);
            byLabel.put(key.qualified(), lane);
        }
        return new Live(state, List.copyOf(lanes), Map.copyOf(byLabel), new TrafficSplit(ids, weights),
                loaded.size() == state.spec().versions().size());
    }

    // ---- state -----------------------------------------------------------------------------------

    /** A version of a deployment as the protocols describe it. */
    public record ServedVersionView(String label, String model, int version, double weight, ModelSignature signature) {
        public ServedVersionView {
            requireNonNull(label, "label is null");
            requireNonNull(model, "model is null");
            requireNonNull(signature, "signature is null");
        }
    }

    /**
     * A deployment as its protocols describe it: the labels of the versions it serves, and the
     * version a request without one would most likely get (the heaviest; the one named, when
     * {@code version} names one), with its signature.
     *
     * @throws StewardException not found for an unknown deployment or version; unavailable while it loads
     */
    public DeploymentDescription describe(String deployment, Optional<String> version) {
        DeploymentState state = state(deployment);
        Live live = published.get(deployment);
        List<String> labels = labels(state);
        if (version.isPresent()) {
            Lane lane = live == null ? null : live.byLabel.get(version.get());
            if (lane == null) {
                throw missingVersion(state, version.get());
            }
            return new DeploymentDescription(state, labels, view(live, lane));
        }
        if (live == null || live.lanes.isEmpty()) {
            throw notServing(state);
        }
        int heaviest = 0;
        for (int i = 1; i < live.lanes.size(); i++) {
            if (live.split.share(i) > live.split.share(heaviest)) {
                heaviest = i;
            }
        }
        return new DeploymentDescription(state, labels, view(live, live.lanes.get(heaviest)));
    }

    /** A deployment's state, the labels of its versions and one of them described. */
    public record DeploymentDescription(DeploymentState state, List<String> versions, ServedVersionView version) {
        public DeploymentDescription {
            requireNonNull(state, "state is null");
            versions = List.copyOf(versions);
            requireNonNull(version, "version is null");
        }
    }

    private static ServedVersionView view(Live live, Lane lane) {
        double weight = live.state.spec().versions().stream().filter(v -> VersionKey.of(v).equals(lane.key)).mapToDouble(ServedVersion::weight)
                .findFirst().orElse(0);
        return new ServedVersionView(lane.label, lane.key.model(), lane.key.version(), weight, lane.model.signature);
    }

    /**
     * Why the server is not ready, if it is not: a deployment whose versions are not all loaded and
     * routed by its latest revision (a stopped deployment is ready: its versions stay loaded).
     */
    public Optional<String> notReady() {
        for (DeploymentState state : directory.current().values()) {
            if (!current(state)) {
                return Optional.of(notServing(state).getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * Why a deployment does not take traffic, if it does not: it is stopped, or its versions (or
     * the one named) are not all loaded and routed by its latest revision.
     *
     * @throws StewardException not found for an unknown deployment, or a version it does not serve
     */
    public Optional<String> notReady(String deployment, Optional<String> version) {
        DeploymentState state = state(deployment);
        if (version.isPresent() && findServed(state, version.get()).isEmpty()) {
            throw missingVersion(state, version.get());
        }
        if (state.stopped()) {
            return Optional.of(stopped(state).getMessage());
        }
        Live live = published.get(deployment);
        if (version.isPresent()) {
            boolean ready = live != null && live.state.revision() == state.revision() && live.byLabel.containsKey(version.get());
            return ready ? Optional.empty() : Optional.of(missingVersion(state, version.get()).getMessage());
        }
        return current(state) ? Optional.empty() : Optional.of(notServing(state).getMessage());
    }

    private boolean current(DeploymentState state) {
        Live live = published.get(state.name());
        return live != null && live.state.revision() == state.revision() && live.complete;
    }

    /** Seconds a caller refused by a deployment's rate limit should wait before retrying. */
    public long retryAfterSeconds(String deployment) {
        DeploymentState state = directory.current().get(deployment);
        return state == null ? 1 : TokenBuckets.retryAfterSeconds(state.spec().limits().requestsPerSecond().orElse(1));
    }

    private DeploymentState state(String deployment) {
        DeploymentState state = directory.current().get(deployment);
        if (state == null) {
            throw StewardException.notFound("no deployment named '" + deployment + "'");
        }
        return state;
    }

    private static List<String> labels(DeploymentState state) {
        List<ServedVersion> versions = state.spec().versions();
        boolean oneModel = versions.stream().map(ServedVersion::model).distinct().count() == 1;
        return versions.stream().map(v -> oneModel ? Integer.toString(v.version()) : VersionKey.of(v).qualified()).toList();
    }

    private static Optional<ServedVersion> findServed(DeploymentState state, String label) {
        List<String> labels = labels(state);
        List<ServedVersion> versions = state.spec().versions();
        for (int i = 0; i < versions.size(); i++) {
            if (labels.get(i).equals(label) || VersionKey.of(versions.get(i)).qualified().equals(label)) {
                return Optional.of(versions.get(i));
            }
        }
        return Optional.empty();
    }

    private StewardException missingVersion(DeploymentState state, String label) {
        Optional<ServedVersion> served = findServed(state, label);
        if (served.isEmpty()) {
            return StewardException.notFound("deployment '" + state.name() + "' serves the versions " + labels(state) + ", not '" + label + "'");
        }
        return unavailable(state, List.of(VersionKey.of(served.get())));
    }

    private StewardException notServing(DeploymentState state) {
        return unavailable(state, state.spec().versions().stream().map(VersionKey::of).toList());
    }

    private StewardException unavailable(DeploymentState state, List<VersionKey> keys) {
        synchronized (lock) {
            for (VersionKey key : keys) {
                Failure failure = failures.get(key);
                if (failure != null) {
                    return StewardException.of(ErrorCode.TEMPORARILY_UNAVAILABLE, "deployment '" + state.name() + "' cannot serve model version "
                            + key + ": " + failure.reason);
                }
            }
        }
        return StewardException.of(ErrorCode.TEMPORARILY_UNAVAILABLE, "deployment '" + state.name() + "' is loading model version"
                + (keys.size() == 1 ? " " + keys.get(0) : "s " + keys) + "; retry in a moment");
    }

    private static StewardException stopped(DeploymentState state) {
        return StewardException.of(ErrorCode.TEMPORARILY_UNAVAILABLE, "deployment '" + state.name() + "' is stopped: "
                + state.stopReason().orElse("no reason given"));
    }

    // ---- predictions -----------------------------------------------------------------------------

    /**
     * Answers a prediction request.
     *
     * @throws StewardException not found (deployment, version), unavailable (stopped, loading), too large (body), rate limited,
     *     or invalid (the request does not fit the version's signature, naming the input or column)
     */
    public Prediction predict(PredictionRequest request) {
        long start = System.nanoTime();
        DeploymentState state = directory.current().get(request.deployment());
        if (state == null) {
            metrics.refused("", request.protocol(), "not_found");
            throw StewardException.notFound("no deployment named '" + request.deployment() + "'");
        }
        Lane lane = null;
        String arm = "";
        try {
            if (state.stopped()) {
                throw stopped(state);
            }
            Optional<String> trip = policies.tripped(state);
            if (trip.isPresent()) {
                throw StewardException.of(ErrorCode.TEMPORARILY_UNAVAILABLE, "deployment '" + state.name() + "' is stopped by its automatic"
                        + " cut-out: " + trip.get());
            }
            DeploymentSpec.Limits limits = state.spec().limits();
            if (request.bodyBytes() > limits.maxRequestBytes()) {
                throw StewardException.of(ErrorCode.REQUEST_TOO_LARGE, "the request has " + request.bodyBytes() + " bytes; deployment '"
                        + state.name() + "' takes at most " + limits.maxRequestBytes() + " (limits.max_request_bytes)");
            }
            if (limits.requestsPerSecond().isPresent() && !buckets.take(state.name(), request.caller(), limits.requestsPerSecond().getAsDouble(),
                    limits.burst(), start)) {
                throw StewardException.of(ErrorCode.REQUEST_LIMIT_EXCEEDED, "deployment '" + state.name() + "' takes at most "
                        + limits.requestsPerSecond().getAsDouble() + " requests per second per token (burst " + Math.max(1, limits.burst())
                        + "); retry after " + TokenBuckets.retryAfterSeconds(limits.requestsPerSecond().getAsDouble()) + " s");
            }
            RequestInput input = request.body().read();
            for (int attempt = 0; attempt < ROUTING_ATTEMPTS; attempt++) {
                Live live = published.get(state.name());
                Lane chosen;
                if (request.version().isPresent()) {
                    chosen = live == null ? null : live.byLabel.get(request.version().get());
                    if (chosen == null) {
                        throw missingVersion(state, request.version().get());
                    }
                    arm = "pinned";
                } else {
                    if (live == null || live.lanes.isEmpty()) {
                        throw notServing(state);
                    }
                    if (!live.split.routable()) {
                        throw StewardException.of(ErrorCode.TEMPORARILY_UNAVAILABLE, "no version of deployment '" + state.name() + "' takes"
                                + " unpinned traffic (every weight is 0): name a version in the path");
                    }
                    Optional<String> key = stickyKey(live.state.spec(), request, input);
                    if (key.isEmpty() && live.state.spec().traffic().orElse(null) instanceof DeploymentSpec.Bandit bandit && live.lanes.size() > 1) {
                        BanditAllocator allocator = policies.bandit(state.name(), bandit, live.lanes.stream().map(Lane::uri).toList());
                        chosen = live.lanes.get(allocator.choose());
                        arm = "bandit";
                    } else {
                        chosen = live.lanes.get(key.isPresent() ? live.split.sticky(key.get()) : live.split.weighted());
                        // A shadow's copies are logged as "shadow"; the answers a canary's weights route are "canary".
                        arm = key.isPresent() ? "sticky" : live.state.spec().traffic().orElse(null) instanceof DeploymentSpec.Canary ? "canary"
                                : "weighted";
                    }
                }
                if (!chosen.model.acquire()) {
                    continue;
                }
                lane = chosen;
                Prediction prediction;
                try {
                    prediction = answer(request, live.state, lane, arm, input, start);
                } finally {
                    lane.model.release();
                }
                shadow(live, lane, request, input, prediction);
                return prediction;
            }
            throw StewardException.of(ErrorCode.TEMPORARILY_UNAVAILABLE, "deployment '" + state.name() + "' is changing versions; retry");
        } catch (StewardException e) {
            String kind = state.stopped() && e.code() == ErrorCode.TEMPORARILY_UNAVAILABLE ? "stopped" : ServingMetrics.kind(e.code());
            failed(request, state, lane, arm, kind, e.getMessage(), start);
            throw e;
        } catch (RuntimeException e) {
            failed(request, state, lane, arm, "internal", e.toString(), start);
            throw e;
        }
    }

    private void failed(PredictionRequest request, DeploymentState state, Lane lane, String arm, String kind, String message, long start) {
        long nanos = System.nanoTime() - start;
        if (lane != null) {
            lane.meters.failed(request.protocol(), kind, nanos);
            lane.live.record(nanos, true);
        } else {
            metrics.refused(state.name(), request.protocol(), kind);
        }
        log.offer(new LoggedRequest(request.requestId(), state.name(), state.revision(), lane == null ? "" : lane.key.model(),
                lane == null ? 0 : lane.key.version(), arm, request.caller(), request.protocol(), request.receivedAtMillis(), nanos, 0, List.of(),
                Map.of(), Optional.of(kind + ": " + message)));
    }

    private static Optional<String> stickyKey(DeploymentSpec spec, PredictionRequest request, RequestInput input) {
        if (spec.stickyKey().isEmpty()) {
            return Optional.empty();
        }
        // header:NAME reads a request header, field:NAME a request parameter (OIP parameters, MLflow params, the records API's parameters).
        String key = spec.stickyKey().get();
        Optional<String> value = key.startsWith("header:") ? request.headers().apply(key.substring("header:".length()))
                : Optional.ofNullable(input.parameters().get(key.startsWith("field:") ? key.substring("field:".length()) : key));
        return value.filter(v -> !v.isEmpty());
    }

    private Prediction answer(PredictionRequest request, DeploymentState state, Lane lane, String arm, RequestInput input, long start) {
        ServedModel model = lane.model;
        int maxRows = state.spec().limits().maxRows();
        ServedModel.Decoded decoded = input instanceof RequestInput.Tensors tensors ? model.decode(tensors, maxRows)
                : model.decode((RequestInput.Table) input, maxRows);
        Optional<DeploymentSpec.Threshold> threshold = state.spec().threshold();
        boolean classifier = model.signature.classification() && model.probabilitiesOutput.isPresent();
        Set<String> computed = decoded.outputs();
        if (threshold.isPresent() && classifier && !computed.containsAll(model.roleOutputs)) {
            computed = new LinkedHashSet<>(computed);
            computed.addAll(model.roleOutputs);
        }
        Map<String, Tensor> all = lane.batcher.run(decoded.inputs(), decoded.rows(), computed);
        int rows = decoded.rows();
        Optional<Prediction.Classification> classification = classifier && all.containsKey(model.probabilitiesOutput.get())
                ? Optional.of(model.classify(all, rows, threshold)) : Optional.empty();
        Optional<double[]> values = model.predictionOutput.isPresent() && all.containsKey(model.predictionOutput.get())
                ? Optional.of(model.values(all, rows)) : Optional.empty();
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> output : all.entrySet()) {
            if (decoded.outputs().contains(output.getKey())) {
                outputs.put(output.getKey(), output.getValue());
            }
        }
        if (threshold.isPresent() && classification.isPresent()) {
            abstain(model, outputs, classification.get());
        }
        if (classification.isPresent() && state.spec().cutout().isPresent() && !state.spec().cutout().get().forbiddenLabels().isEmpty()) {
            List<String> forbidden = state.spec().cutout().get().forbiddenLabels();
            for (String label : classification.get().predicted()) {
                if (forbidden.contains(label)) {
                    String reason = lane.key + " answered the forbidden label '" + label + "' (cutout.forbidden_labels)";
                    policies.trip(state, reason);
                    throw StewardException.of(ErrorCode.TEMPORARILY_UNAVAILABLE, "deployment '" + state.name() + "' is stopped by its automatic"
                            + " cut-out: " + reason);
                }
            }
        }
        long nanos = System.nanoTime() - start;
        lane.live.record(nanos, false);
        Prediction prediction = new Prediction(request.requestId(), state.name(), state.revision(), lane.key.model(), lane.key.version(), lane.label,
                arm, rows, outputs, classification, values);
        lane.meters.answered(request.protocol(), rows, nanos);
        log.offer(new LoggedRequest(request.requestId(), state.name(), state.revision(), lane.key.model(), lane.key.version(), arm,
                request.caller(), request.protocol(), request.receivedAtMillis(), nanos, rows, decoded.inputs(), outputs, Optional.empty()));
        record(prediction, threshold.isPresent(), decoded.inputs(), request.receivedAtMillis());
        return prediction;
    }

    /** Hands an answer to the feedback index and its abstained rows to the review queue. */
    /** {@code receivedAt}: the time the request log keeps, so that a label finds the monitoring window its request was counted in. */
    private void record(Prediction prediction, boolean threshold, List<Tensor> inputs, long receivedAt) {
        long now = receivedAt;
        RecordedPrediction recorded;
        if (prediction.classification().isPresent()) {
            Prediction.Classification c = prediction.classification().get();
            recorded = RecordedPrediction.classification(prediction.requestId(), prediction.deployment(), prediction.revision(), prediction.model(),
                    prediction.version(), prediction.arm(), c.predicted(), c.confidence(), threshold ? c.abstained() : new boolean[0], now);
        } else if (prediction.values().isPresent()) {
            recorded = RecordedPrediction.regression(prediction.requestId(), prediction.deployment(), prediction.revision(), prediction.model(),
                    prediction.version(), prediction.arm(), prediction.values().get(), now);
        } else {
            // An OIP request that asked for neither the probabilities nor the prediction: nothing feedback could be joined to.
            return;
        }
        recorder.record(recorded);
        if (recorded.anyAbstained()) {
            reviews.offer(recorded, inputs);
        }
    }

    /** Under a threshold: a BYTES label output carries the fallback label (or "") on abstained rows, and an output says which rows abstained. */
    private static void abstain(ServedModel model, Map<String, Tensor> outputs, Prediction.Classification classification) {
        boolean[] abstained = classification.abstained();
        Optional<String> label = model.labelOutput.filter(outputs::containsKey);
        if (label.isPresent() && outputs.get(label.get()).datatype() == Datatype.BYTES) {
            Tensor original = outputs.get(label.get());
            String[] labels = original.strings().clone();
            for (int r = 0; r < abstained.length; r++) {
                if (abstained[r]) {
                    String fallback = classification.labels()[r];
                    labels[r] = fallback == null ? "" : fallback;
                }
            }
            outputs.put(label.get(), new Tensor(original.name(), Datatype.BYTES, original.shape(), labels));
        }
        outputs.put(Prediction.ABSTAINED, Tensor.of(Prediction.ABSTAINED, new long[] {abstained.length}, abstained.clone()));
    }

    /** A copy of the primary's request to the shadow, on the shadow's own thread; its answer is logged and compared, never returned. */
    private void shadow(Live live, Lane primary, PredictionRequest request, RequestInput input, Prediction answer) {
        if (!(live.state.spec().traffic().orElse(null) instanceof DeploymentSpec.Shadow shadow) || !primary.uri.equals(shadow.primary())) {
            return;
        }
        Lane lane = live.lanes.stream().filter(l -> l.uri.equals(shadow.shadow())).findFirst().orElse(null);
        if (lane == null) {
            return;
        }
        DeploymentState state = live.state;
        policies.shadow(state.name(), shadow, () -> {
            if (!lane.model.acquire()) {
                return;
            }
            long start = System.nanoTime();
            try {
                int maxRows = state.spec().limits().maxRows();
                ServedModel.Decoded decoded = input instanceof RequestInput.Tensors tensors ? lane.model.decode(tensors, maxRows)
                        : lane.model.decode((RequestInput.Table) input, maxRows);
                Set<String> computed = new LinkedHashSet<>(decoded.outputs());
                computed.addAll(lane.model.roleOutputs);
                Map<String, Tensor> outputs = lane.batcher.run(decoded.inputs(), decoded.rows(), computed);
                long nanos = System.nanoTime() - start;
                lane.live.record(nanos, false);
                if (answer.classification().isPresent() && lane.model.probabilitiesOutput.isPresent()
                        && outputs.containsKey(lane.model.probabilitiesOutput.get())) {
                    Prediction.Classification mine = lane.model.classify(outputs, decoded.rows(), Optional.empty());
                    Prediction.Classification theirs = answer.classification().get();
                    long rows = Math.min(mine.predicted().length, theirs.predicted().length);
                    long agreed = 0;
                    double gap = 0;
                    for (int i = 0; i < rows; i++) {
                        if (mine.predicted()[i].equals(theirs.predicted()[i])) {
                            agreed++;
                        }
                        gap += Math.abs(mine.confidence()[i] - theirs.confidence()[i]);
                    }
                    policies.compared(state.name(), rows, agreed, gap);
                }
                log.offer(new LoggedRequest(request.requestId(), state.name(), state.revision(), lane.key.model(), lane.key.version(), "shadow",
                        request.caller(), request.protocol(), request.receivedAtMillis(), nanos, decoded.rows(), decoded.inputs(), outputs,
                        Optional.empty()));
            } catch (RuntimeException e) {
                policies.shadowFailed(state.name());
                lane.live.record(System.nanoTime() - start, true);
                log.offer(new LoggedRequest(request.requestId(), state.name(), state.revision(), lane.key.model(), lane.key.version(), "shadow",
                        request.caller(), request.protocol(), request.receivedAtMillis(), System.nanoTime() - start, 0, List.of(), Map.of(),
                        Optional.of("shadow: " + e.getMessage())));
            } finally {
                lane.model.release();
            }
        });
    }

    /** The per-second figures of every served version (what canaries and cut-outs judge by). */
    public LiveTraffic traffic() {
        return traffic;
    }

    /** A reward for a version of a deployment, from feedback: bandits learn from it. */
    public void reward(String deployment, String versionUri, double reward) {
        policies.reward(deployment, versionUri, reward);
    }

    /** A bandit deployment's arms as they stand: evidence, mean reward, share of requests. */
    public List<BanditAllocator.Arm> bandit(String deployment) {
        return policies.bandit(deployment).map(BanditAllocator::posterior).orElse(List.of());
    }

    /** What a shadow deployment's shadow did so far: copies, drops, failures, agreement with the primary. */
    public Optional<ShadowFigures> shadow(String deployment) {
        return policies.shadowStats(deployment).map(s -> new ShadowFigures(s.primary(), s.shadow(), s.copied(), s.dropped(), s.failed(),
                s.rowsCompared(), s.rowsAgreed(), s.agreement(), s.meanConfidenceGap()));
    }

    /** A shadow's figures, as the API shows them. */
    public record ShadowFigures(String primary, String shadow, long copied, long dropped, long failed, long rowsCompared, long rowsAgreed,
            double agreement, double meanConfidenceGap) {
    }

    /** Where a tripped cut-out asks for its deployment to be stopped (the server: the deployment service's stop, as the system). */
    public void onCutout(java.util.function.BiConsumer<String, String> stop) {
        policies.onTrip(stop);
    }

    /** Trips a deployment's automatic cut-out (an error-rate rule judged elsewhere): refused here at once, stopped by {@link #onCutout}. */
    public void trip(String deployment, String reason) {
        DeploymentState state = directory.current().get(deployment);
        if (state != null && !state.stopped()) {
            policies.trip(state, reason);
        }
    }

    /** Stops following the directory and lets go of every session (each closes when its last call returns). */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            lock.notifyAll();
        }
        loader.interrupt();
        try {
            loader.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lock) {
            published = Map.of();
            pool.values().forEach(ServedModel::release);
            pool.clear();
        }
        policies.close();
    }
}
