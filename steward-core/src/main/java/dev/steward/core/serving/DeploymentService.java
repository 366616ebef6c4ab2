package dev.steward.core.serving;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.core.audit.AuditLog;
import dev.steward.core.registry.ModelUri;
import dev.steward.core.registry.PromotionService;
import dev.steward.core.registry.RegistryService;
import dev.steward.core.tracking.TrackingService;
import dev.steward.core.util.Ids;
import dev.steward.core.webhooks.EventPublisher;
import dev.steward.core.webhooks.EventType;
import dev.steward.spi.Caller;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.Role;
import dev.steward.spi.StewardException;
import dev.steward.spi.registry.ModelVersionRecord;
import dev.steward.spi.registry.PromotionRecord;
import dev.steward.spi.serving.DeploymentRecord;
import dev.steward.spi.serving.DeploymentRepository;
import dev.steward.spi.serving.DeploymentRevisionRecord;
import dev.steward.spi.store.MetadataStore;
import dev.steward.spi.store.StoreTransaction;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deployments: named endpoints serving registered versions. Every change of a spec is a new
 * revision (audited in the same transaction, and published to webhooks); any earlier revision can
 * be restored. A deployment serves only versions that are ready and were promoted to its
 * environment, unless an admin overrides with a reason (audited). A revoked version is taken out
 * of every deployment (its weight goes to the others; with none left the deployment is stopped),
 * audited as the system. The emergency stop and resume change no revision; both are audited.
 *
 * <p>As the {@link DeploymentDirectory} of this server it keeps a snapshot of every live
 * deployment, replaced at once after a change made here and, for changes made by other replicas
 * sharing the store, by polling every {@code pollInterval}. Thread-safe.
 */
public final class DeploymentService implements DeploymentDirectory, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeploymentService.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final int MAX_REASON = 1_000;
    private static final int ATTEMPTS = 5;

    private final MetadataStore store;
    private final RegistryService registry;
    private final PromotionService promotions;
    private final AuditLog audit;
    private final EventPublisher events;
    private final Clock clock;
    private final Duration pollInterval;
    private final List<Consumer<Map<String, DeploymentState>>> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService notifier = Executors.newSingleThreadExecutor(daemon("steward-deployments-notify"));
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(daemon("steward-deployments-poll"));
    private final Object publishLock = new Object();
    private volatile Map<String, DeploymentState> snapshot = Map.of();

    public DeploymentService(MetadataStore store, RegistryService registry, PromotionService promotions, AuditLog audit, EventPublisher events,
            Clock clock, Duration pollInterval) {
        this.store = requireNonNull(store, "store is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.promotions = requireNonNull(promotions, "promotions is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.events = requireNonNull(events, "events is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.pollInterval = requireNonNull(pollInterval, "pollInterval is null");
    }

    /** Loads the deployments (as they were when the server stopped) and starts following changes. */
    public void start() {
        refresh();
        poller.scheduleWithFixedDelay(this::poll, pollInterval.toMillis(), pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        poller.shutdownNow();
        notifier.shutdownNow();
    }

    // ---- the directory -----------------------------------------------------------------------

    @Override
    public Map<String, DeploymentState> current() {
        return snapshot;
    }

    @Override
    public void onChange(Consumer<Map<String, DeploymentState>> listener) {
        listeners.add(requireNonNull(listener, "listener is null"));
    }

    /** Reads every live deployment from the store and publishes a new snapshot when anything changed. */
    public void refresh() {
        List<DeploymentRecord> records = store.read(tx -> repo(tx).list());
        synchronized (publishLock) {
            Map<String, DeploymentState> next = new LinkedHashMap<>();
            boolean changed = records.size() != snapshot.size();
            for (DeploymentRecord r : records) {
                DeploymentState known = snapshot.get(r.name());
                if (known != null && known.revision() == r.revision() && known.updatedAt() == r.changedAt() && known.stopped() == r.stopped()) {
                    next.put(r.name(), known);
                } else {
                    next.put(r.name(), state(r));
                    changed = true;
                }
            }
            if (!changed) {
                return;
            }
            Map<String, DeploymentState> published = Map.copyOf(next);
            snapshot = published;
            for (Consumer<Map<String, DeploymentState>> listener : listeners) {
                notifier.execute(() -> {
                    try {
                        listener.accept(published);
                    } catch (RuntimeException e) {
                        LOG.error("a deployment listener failed", e);
                    }
                });
            }
        }
    }

    private void poll() {
        try {
            refresh();
            removeRevoked();
        } catch (RuntimeException e) {
            LOG.warn("could not read the deployments: {}", e.toString());
        }
    }

    // ---- changes -----------------------------------------------------------------------------

    /** Creates a deployment; its spec is revision 1. */
    public DeploymentState create(Caller caller, String name, DeploymentSpec spec) {
        requireNonNull(caller, "caller is null");
        requireNonNull(spec, "spec is null");
        checkName(name);
        check(caller, spec);
        long now = clock.millis();
        DeploymentRecord record = new DeploymentRecord(Ids.randomHex("dep_", 8), name, 1, DeploymentSpecs.toJson(spec), false, Optional.empty(),
                now, caller.actor().id(), now, Optional.empty());
        store.write(tx -> {
            repo(tx).insert(record);
            repo(tx).insertRevision(new DeploymentRevisionRecord(record.id(), 1, record.specJson(), DeploymentRevisionRecord.CREATE,
                    Optional.empty(), Optional.empty(), now, caller.actor().id(), caller.actor().name()));
            audit.record(tx, caller, "deployment.create", "deployment", name, details(spec, Map.of("revision", "1")));
            events.publish(tx, EventType.DEPLOYMENT_CREATED, "deployment", name, data(caller, record.name(), 1, spec));
            return null;
        });
        refresh();
        return require(name);
    }

    /** A new revision with another spec. */
    public DeploymentState update(Caller caller, String name, DeploymentSpec spec, Optional<String> reason) {
        requireNonNull(spec, "spec is null");
        reason.ifPresent(DeploymentService::checkReason);
        check(caller, spec);
        return revise(caller, name, current -> spec, DeploymentRevisionRecord.UPDATE, reason, Optional.empty(), "deployment.update");
    }

    /** A new revision holding an earlier revision's spec (checked again: a version revoked since is refused). */
    public DeploymentState restore(Caller caller, String name, int revision, Optional<String> reason) {
        reason.ifPresent(DeploymentService::checkReason);
        DeploymentRecord head = head(name);
        DeploymentRevisionRecord old = store.read(tx -> repo(tx).revision(head.id(), revision)).orElseThrow(() -> StewardException.notFound(
                "deployment '" + name + "' has no revision " + revision + " (it has 1 to " + head.revision() + ")").withField("revision"));
        DeploymentSpec spec = DeploymentSpecs.fromJson(old.specJson());
        check(caller, spec);
        return revise(caller, name, current -> spec, DeploymentRevisionRecord.RESTORE, reason, Optional.of(revision), "deployment.restore");
    }

    /** The emergency cut-out: every request to the deployment is refused with 503 and the reason until it is resumed. */
    public DeploymentState stop(Caller caller, String name, String reason) {
        checkReason(reason);
        return setStopped(caller, name, true, Optional.of(reason), "deployment.stop", EventType.DEPLOYMENT_STOPPED);
    }

    public DeploymentState resume(Caller caller, String name, Optional<String> reason) {
        reason.ifPresent(DeploymentService::checkReason);
        return setStopped(caller, name, false, reason, "deployment.resume", EventType.DEPLOYMENT_RESUMED);
    }

    public void delete(Caller caller, String name) {
        requireNonNull(caller, "caller is null");
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            DeploymentRecord head = head(name);
            long now = Math.max(clock.millis(), head.changedAt() + 1);
            boolean done = store.write(tx -> {
                DeploymentRecord gone = new DeploymentRecord(head.id(), head.name(), head.revision(), head.specJson(), head.stopped(),
                        head.stopReason(), head.createdAt(), head.createdBy(), now, Optional.of(now));
                if (!repo(tx).update(head, gone)) {
                    return false;
                }
                audit.record(tx, caller, "deployment.delete", "deployment", name, Map.of("revision", Integer.toString(head.revision())));
                events.publish(tx, EventType.DEPLOYMENT_DELETED, "deployment", name, actor(caller).put("name", name));
                return true;
            });
            if (done) {
                refresh();
                return;
            }
        }
        throw busy(name);
    }

    // ---- reads -------------------------------------------------------------------------------

    public List<DeploymentState> list() {
        return store.read(tx -> repo(tx).list()).stream().map(this::state).toList();
    }

    public DeploymentState get(String name) {
        return state(head(name));
    }

    public List<DeploymentRevisionRecord> history(String name) {
        DeploymentRecord head = head(name);
        return store.read(tx -> repo(tx).revisions(head.id()));
    }

    /** Resolves a model URI ({@code models:/penguins@production}) or a name and a version to a registered version. */
    public DeploymentSpecs.ResolvedVersion resolve(String model, Optional<Integer> version) {
        if (model.startsWith("models:/")) {
            if (version.isPresent()) {
                throw StewardException.invalid("version", "give either a model URI or a name with a version, not both");
            }
            ModelUri parsed = ModelUri.parse(model);
            if (!(parsed instanceof ModelUri.Registered registered)) {
                throw StewardException.invalid("model", "'" + model + "' names no registered model version");
            }
            ModelVersionRecord v = registry.resolve(registered).version();
            return new DeploymentSpecs.ResolvedVersion(v.modelName(), v.version());
        }
        if (model.contains(":/")) {
            throw StewardException.invalid("model", "'" + model + "' is not a registered model: deploy models:/NAME/VERSION or models:/NAME@ALIAS");
        }
        int number = version.orElseThrow(() -> StewardException.invalid("version", "'" + model + "' needs a version: write"
                + " models:/" + model + "@production, models:/" + model + "/3 or model plus version"));
        ModelVersionRecord v = registry.version(model, number).version();
        return new DeploymentSpecs.ResolvedVersion(v.modelName(), v.version());
    }

    // ---- the checks and the writes -----------------------------------------------------------

    /** Every served version is ready and was promoted to the environment, or an admin overrides with a reason. */
    private void check(Caller caller, DeploymentSpec spec) {
        requireNonNull(caller, "caller is null");
        registry.environment(spec.environment());
        for (int i = 0; i < spec.versions().size(); i++) {
            DeploymentSpec.ServedVersion served = spec.versions().get(i);
            String field = "versions[" + i + "].model";
            ModelVersionRecord version = registry.version(served.model(), served.version()).version();
            if (!version.ready()) {
                throw StewardException.invalidState(served.uri() + " is " + version.status() + version.statusMessage().map(m -> " (" + m + ")")
                        .orElse("") + ": only ready versions are served").withField(field);
            }
            if (version.pkg().isEmpty()) {
                throw StewardException.invalidState(served.uri() + " has no model package to serve").withField(field);
            }
            boolean promoted = promotions.history(served.model(), Optional.of(spec.environment())).stream().anyMatch(p -> p.version()
                    .equals(Optional.of(served.version())) && !p.action().equals(PromotionRecord.CLEAR));
            if (promoted) {
                continue;
            }
            if (served.overrideReason().isEmpty()) {
                throw StewardException.invalidState(served.uri() + " was never promoted to " + spec.environment() + ": promote it first"
                        + " (steward models promote), or, as an admin, deploy it anyway with an override reason").withField(field);
            }
            if (!caller.actor().role().includes(Role.ADMIN)) {
                throw StewardException.of(ErrorCode.PERMISSION_DENIED, "only an admin may serve " + served.uri() + ", which was never promoted"
                        + " to " + spec.environment()).withField(field.replace(".model", ".override_reason"));
            }
        }
    }

    /**
     * A move decided on revision {@code expectedRevision} (a canary's step, promotion or rollback):
     * made only if the deployment is still at that revision, so that two replicas never make it twice.
     *
     * @throws StewardException {@code INVALID_STATE} when the deployment moved on meanwhile
     */
    public DeploymentState rollout(Caller caller, String name, int expectedRevision, DeploymentSpec spec, String kind, String reason, String action,
            EventType type) {
        requireNonNull(spec, "spec is null");
        return revise(caller, name, current -> spec, kind, Optional.of(reason), Optional.empty(), action, type, Optional.of(expectedRevision));
    }

    private DeploymentState revise(Caller caller, String name, UnaryOperator<DeploymentSpec> change, String kind, Optional<String> reason,
            Optional<Integer> restoredFrom, String action) {
        return revise(caller, name, change, kind, reason, restoredFrom, action, EventType.DEPLOYMENT_UPDATED, Optional.empty());
    }

    private DeploymentState revise(Caller caller, String name, UnaryOperator<DeploymentSpec> change, String kind, Optional<String> reason,
            Optional<Integer> restoredFrom, String action, EventType type, Optional<Integer> expectedRevision) {
        requireNonNull(caller, "caller is null");
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            DeploymentRecord head = head(name);
            if (expectedRevision.isPresent() && head.revision() != expectedRevision.get()) {
                throw StewardException.invalidState("deployment '" + name + "' moved on to revision " + head.revision());
            }
            DeploymentSpec spec = change.apply(DeploymentSpecs.fromJson(head.specJson()));
            long now = Math.max(clock.millis(), head.changedAt() + 1);
            int revision = head.revision() + 1;
            DeploymentRecord next = new DeploymentRecord(head.id(), head.name(), revision, DeploymentSpecs.toJson(spec), head.stopped(),
                    head.stopReason(), head.createdAt(), head.createdBy(), now, Optional.empty());
            boolean done = store.write(tx -> {
                if (!repo(tx).update(head, next)) {
                    return false;
                }
                repo(tx).insertRevision(new DeploymentRevisionRecord(head.id(), revision, next.specJson(), kind, reason, restoredFrom, now,
                        caller.actor().id(), caller.actor().name()));
                Map<String, String> extra = new LinkedHashMap<>();
                extra.put("revision", Integer.toString(revision));
                restoredFrom.ifPresent(r -> extra.put("restored_from", Integer.toString(r)));
                reason.ifPresent(r -> extra.put("reason", r));
                audit.record(tx, caller, action, "deployment", name, details(spec, extra));
                ObjectNode data = data(caller, name, revision, spec).put("change", kind);
                restoredFrom.ifPresent(r -> data.put("restored_from", r));
                reason.ifPresent(r -> data.put("reason", r));
                events.publish(tx, type, "deployment", name, data);
                return true;
            });
            if (done) {
                refresh();
                return require(name);
            }
        }
        throw busy(name);
    }

    private DeploymentState setStopped(Caller caller, String name, boolean stopped, Optional<String> reason, String action, EventType type) {
        requireNonNull(caller, "caller is null");
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            DeploymentRecord head = head(name);
            if (head.stopped() == stopped) {
                throw StewardException.invalidState("deployment '" + name + "' is " + (stopped ? "already stopped" + head.stopReason()
                        .map(r -> " (" + r + ")").orElse("") : "not stopped"));
            }
            long now = Math.max(clock.millis(), head.changedAt() + 1);
            DeploymentRecord next = new DeploymentRecord(head.id(), head.name(), head.revision(), head.specJson(), stopped,
                    stopped ? reason : Optional.empty(), head.createdAt(), head.createdBy(), now, Optional.empty());
            boolean done = store.write(tx -> {
                if (!repo(tx).update(head, next)) {
                    return false;
                }
                Map<String, String> extra = new LinkedHashMap<>();
                extra.put("revision", Integer.toString(head.revision()));
                reason.ifPresent(r -> extra.put("reason", r));
                audit.record(tx, caller, action, "deployment", name, extra);
                ObjectNode data = actor(caller).put("name", name).put("revision", head.revision());
                reason.ifPresent(r -> data.put("reason", r));
                events.publish(tx, type, "deployment", name, data);
                return true;
            });
            if (done) {
                refresh();
                return require(name);
            }
        }
        throw busy(name);
    }

    /** Takes revoked (or failed) versions out of every deployment, as the system; a deployment left with none is stopped. */
    void removeRevoked() {
        for (DeploymentState state : snapshot.values()) {
            List<DeploymentSpec.ServedVersion> gone = new ArrayList<>();
            for (DeploymentSpec.ServedVersion served : state.spec().versions()) {
                try {
                    if (!registry.version(served.model(), served.version()).version().ready()) {
                        gone.add(served);
                    }
                } catch (StewardException e) {
                    if (e.code() != ErrorCode.RESOURCE_DOES_NOT_EXIST) {
                        throw e;
                    }
                    gone.add(served);
                }
            }
            if (gone.isEmpty()) {
                continue;
            }
            String what = String.join(", ", gone.stream().map(DeploymentSpec.ServedVersion::uri).toList());
            List<DeploymentSpec.ServedVersion> kept = new ArrayList<>(state.spec().versions());
            kept.removeAll(gone);
            Caller system = TrackingService.system();
            try {
                if (kept.isEmpty()) {
                    if (!state.stopped()) {
                        setStopped(system, state.name(), true, Optional.of("no servable version is left: " + what + " revoked"), "deployment.stop",
                                EventType.DEPLOYMENT_STOPPED);
                    }
                    continue;
                }
                if (kept.stream().mapToDouble(DeploymentSpec.ServedVersion::weight).sum() <= 0) {
                    DeploymentSpec.ServedVersion first = kept.get(0);
                    kept.set(0, new DeploymentSpec.ServedVersion(first.model(), first.version(), 1, first.overrideReason()));
                }
                DeploymentSpec old = state.spec();
                // A canary or a shadow that names a revoked version ends: what is left serves by its weights.
                Optional<DeploymentSpec.Traffic> traffic = old.traffic().filter(t -> gone.stream().noneMatch(g -> names(t, g.uri())));
                DeploymentSpec spec = old.withVersions(kept).withTraffic(traffic);
                revise(system, state.name(), current -> spec, DeploymentRevisionRecord.REVOCATION, Optional.of(what + " revoked: taken out of"
                        + " the deployment"), Optional.empty(), "deployment.revocation");
            } catch (StewardException e) {
                LOG.debug("another replica handled the revocation in {} first: {}", state.name(), e.getMessage());
            }
        }
    }

    private static boolean names(DeploymentSpec.Traffic traffic, String uri) {
        if (traffic instanceof DeploymentSpec.Canary c) {
            return c.candidate().equals(uri) || c.stable().equals(uri);
        }
        if (traffic instanceof DeploymentSpec.Shadow s) {
            return s.primary().equals(uri) || s.shadow().equals(uri);
        }
        return false;
    }

    private DeploymentRecord head(String name) {
        requireNonNull(name, "name is null");
        return store.read(tx -> repo(tx).find(name)).orElseThrow(() -> StewardException.notFound("no deployment named '" + name + "'"));
    }

    private DeploymentState require(String name) {
        DeploymentState state = snapshot.get(name);
        return state != null ? state : get(name);
    }

    private DeploymentState state(DeploymentRecord r) {
        return new DeploymentState(r.name(), r.revision(), DeploymentSpecs.fromJson(r.specJson()), r.stopped(), r.stopReason(), r.changedAt());
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw StewardException.invalid("name", "a deployment name is 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or a"
                    + " digit (it is part of the URLs /v2/models/NAME and /deployments/NAME/invocations)");
        }
    }

    private static void checkReason(String reason) {
        if (reason == null || reason.isBlank() || reason.length() > MAX_REASON) {
            throw StewardException.invalid("reason", "a reason of 1 to " + MAX_REASON + " characters is required");
        }
    }

    private static StewardException busy(String name) {
        return StewardException.of(ErrorCode.TEMPORARILY_UNAVAILABLE, "deployment '" + name + "' kept changing under this change; try again");
    }

    private static Map<String, String> details(DeploymentSpec spec, Map<String, String> extra) {
        Map<String, String> details = new LinkedHashMap<>(extra);
        details.put("environment", spec.environment());
        details.put("versions", String.join(", ", spec.versions().stream().map(v -> v.uri() + " weight " + v.weight()).toList()));
        List<String> overrides = spec.versions().stream().filter(v -> v.overrideReason().isPresent()).map(v -> v.uri() + ": "
                + v.overrideReason().get()).toList();
        if (!overrides.isEmpty()) {
            details.put("overrides", String.join("; ", overrides));
        }
        return details;
    }

    private static ObjectNode actor(Caller caller) {
        ObjectNode data = DeploymentSpecs.JSON.createObjectNode();
        data.putObject("actor").put("id", caller.actor().id()).put("name", caller.actor().name());
        return data;
    }

    private static ObjectNode data(Caller caller, String name, int revision, DeploymentSpec spec) {
        ObjectNode data = actor(caller).put("name", name).put("revision", revision);
        ArrayNode versions = data.putArray("versions");
        spec.versions().forEach(v -> versions.addObject().put("model", v.model()).put("version", v.version()).put("weight", v.weight()));
        data.put("environment", spec.environment());
        return data;
    }

    private static DeploymentRepository repo(StoreTransaction tx) {
        return tx.repository(DeploymentRepository.class);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
