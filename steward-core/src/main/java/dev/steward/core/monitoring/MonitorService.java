package dev.steward.core.monitoring;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.core.audit.AuditLog;
import dev.steward.core.data.DatasetService;
import dev.steward.core.jobs.JobService;
import dev.steward.core.monitoring.MonitorEngine.ActiveMonitor;
import dev.steward.core.monitoring.MonitorEngine.ClosedWindow;
import dev.steward.core.monitoring.MonitorEngine.PreparedReference;
import dev.steward.core.registry.RegistryService;
import dev.steward.core.serving.DeploymentService;
import dev.steward.core.serving.DeploymentSpec;
import dev.steward.core.serving.DeploymentState;
import dev.steward.core.tracking.TrackingService;
import dev.steward.core.util.Digests;
import dev.steward.core.util.Ids;
import dev.steward.core.webhooks.EventPublisher;
import dev.steward.core.webhooks.EventType;
import dev.steward.spi.Actor;
import dev.steward.spi.Caller;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.Role;
import dev.steward.spi.StewardException;
import dev.steward.spi.artifact.ArtifactRef;
import dev.steward.spi.artifact.ArtifactStore;
import dev.steward.spi.data.DatasetVersion;
import dev.steward.spi.jobs.JobRecord;
import dev.steward.spi.monitoring.MonitorAlertRecord;
import dev.steward.spi.monitoring.MonitorRecord;
import dev.steward.spi.monitoring.MonitorRepository;
import dev.steward.spi.monitoring.MonitorRevisionRecord;
import dev.steward.spi.monitoring.MonitorRunRecord;
import dev.steward.spi.monitoring.MonitorWindowRecord;
import dev.steward.spi.monitoring.WindowLabelsRecord;
import dev.steward.spi.monitoring.WindowPartRecord;
import dev.steward.spi.registry.ModelVersionRecord;
import dev.steward.spi.serving.DeploymentRevisionRecord;
import dev.steward.spi.serving.FeedbackRecord;
import dev.steward.spi.store.MetadataStore;
import dev.steward.spi.store.StoreTransaction;
import dev.steward.spi.tracking.KeyValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Monitors of deployments: their specs (revisions, audited, sent to webhooks), their windows as
 * they close, the labels feedback brings to each window, on-demand runs, rebuilds from the request
 * log, and alerts with their actions. The data path is the {@link MonitorEngine}'s; this service
 * owns what is stored.
 *
 * <p><b>Windows.</b> The engine hands each closed window to {@link #closed} on its own thread; the
 * service evaluates it on its single worker thread, never the engine's. A request window takes the
 * next number of its deployment (numbers go on across revisions; two replicas racing for a number
 * are decided by the window row's primary key, the loser takes the next) and is stored at once. A
 * time window is stored as this replica's part; once {@code schedule.grace} has passed after the
 * engine handed it over (its end plus twice the grace), whichever replica first stores the window
 * row merges every part present and closes it (a part arriving later is kept but not merged). Each
 * window is stored with its report and audited ({@code monitor.window.close}) in one transaction,
 * then the alert rules run on it.
 *
 * <p><b>Labels.</b> Feedback truths ({@link #label}) are added to the counters of the stored window
 * that holds the request's {@code predictedAt}; one still open is kept in memory until its window
 * is stored. {@link #report} shows a window with the labels it has now: when more arrived since it
 * closed, its stored profile is evaluated again (not stored: the stored report stays what the
 * window closed with, as audited; alert rules run only as windows close).
 *
 * <p><b>Alerts.</b> A rule fires when its condition held on the last {@code for} stored windows of
 * the deployment (the one just closed included) and it is not firing already (one firing alert per
 * rule, decided by the store); it resolves on the first window where it does not hold. Both are
 * stored with their evidence, audited and published in one transaction. Then the rule's actions
 * run as the system, named after the monitor ({@code retrain}: a training job from the served
 * version's training spec on the newest version of its dataset; {@code rollback-canary}: the
 * canary's rollback, as {@code CanaryController} makes it; {@code cut-out}: the deployment's
 * emergency stop). Each action is audited with its effect by the service that makes it, and its
 * outcome is added to the alert ({@code monitor.alert.action}).
 *
 * <p>A scheduler ticks the engine every second, closes due time windows, files labels that waited
 * for their window, and every {@code pollInterval} picks up monitors changed by other replicas.
 * Thread-safe.
 */
public final class MonitorService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MonitorService.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ATTEMPTS = 5;
    private static final int MAX_REASON = 1_000;
    private static final int MAX_LIMIT = 1_000;
    /** Labels kept per deployment while their window is open; beyond, the oldest go. */
    static final int MAX_PENDING_LABELS = 100_000;
    /** How long a label whose request lies in no window, open or stored, waits for one before it is dropped. */
    private static final Duration PENDING_PATIENCE = Duration.ofMinutes(2);

    private final MetadataStore store;
    private final AuditLog audit;
    private final EventPublisher events;
    private final MonitorEngine engine;
    private final DeploymentService deployments;
    private final RegistryService registry;
    private final TrackingService tracking;
    private final DatasetService datasets;
    private final JobService jobs;
    private final ArtifactStore artifacts;
    private final Clock clock;
    private final String replicaId;
    private final Duration pollInterval;
    private final Map<String, ActiveMonitor> active = new ConcurrentHashMap<>();
    /** Labels waiting for their window, per deployment; touched only on the worker thread. */
    private final Map<String, Deque<Pending>> pending = new HashMap<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(daemon("steward-monitor"));
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon("steward-monitor-tick"));
    private final AtomicLong lastPoll = new AtomicLong();

    private record Pending(FeedbackRecord fact, long heardAt) {
    }

    public MonitorService(MetadataStore store, AuditLog audit, EventPublisher events, MonitorEngine engine, DeploymentService deployments,
            RegistryService registry, TrackingService tracking, DatasetService datasets, JobService jobs, ArtifactStore artifacts, Clock clock,
            String replicaId, Duration pollInterval) {
        this.store = requireNonNull(store, "store is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.events = requireNonNull(events, "events is null");
        this.engine = requireNonNull(engine, "engine is null");
        this.deployments = requireNonNull(deployments, "deployments is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.tracking = requireNonNull(tracking, "tracking is null");
        this.datasets = requireNonNull(datasets, "datasets is null");
        this.jobs = requireNonNull(jobs, "jobs is null");
        this.artifacts = requireNonNull(artifacts, "artifacts is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.replicaId = requireNonNull(replicaId, "replicaId is null");
        this.pollInterval = requireNonNull(pollInterval, "pollInterval is null");
        engine.onClose(this::closed);
    }

    /**
     * Activates every stored monitor again (references read back from the artifact store) and, when
     * {@code tick} is not zero, starts ticking: the engine, due time windows, waiting labels, and
     * other replicas' changes every {@code pollInterval}.
     */
    public void start(Duration tick) {
        refresh();
        if (!tick.isZero()) {
            ticker.scheduleWithFixedDelay(this::tickQuietly, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        worker.shutdown();
        try {
            if (!worker.awaitTermination(10, TimeUnit.SECONDS)) {
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    // ---- monitors ----------------------------------------------------------------------------

    /** Creates the monitor of a deployment (revision 1, or the next one of a monitor deleted before). */
    public MonitorView create(Caller caller, String deployment, String specText) {
        requireEditor(caller, "create a monitor");
        requireDeployment(deployment);
        MonitorSpec spec = MonitorSpecs.parse(specText);
        requireDeployerForDeploymentActions(caller, spec);
        Optional<MonitorRecord> before = store.read(tx -> repo(tx).findAny(deployment));
        if (before.isPresent() && !before.get().deleted()) {
            throw StewardException.alreadyExists("deployment '" + deployment + "' has a monitor already (revision " + before.get().revision()
                    + "): change it with update").withField("deployment");
        }
        checkNumbering(deployment, spec);
        PreparedReference reference = engine.prepare(deployment, spec);
        String sha256 = keep(reference);
        int revision = before.map(m -> m.revision() + 1).orElse(1);
        long now = Math.max(clock.millis(), before.map(m -> m.updatedAt() + 1).orElse(0L));
        MonitorRecord next = head(deployment, revision, spec, reference, sha256, before.map(MonitorRecord::createdAt).orElse(now),
                before.map(MonitorRecord::createdBy).orElse(caller.actor().id()), now, caller);
        boolean done = store.write(tx -> {
            if (before.isPresent()) {
                if (!repo(tx).update(before.get(), next)) {
                    return false;
                }
            } else {
                repo(tx).insert(next);
            }
            repo(tx).insertRevision(revisionOf(next, MonitorRevisionRecord.CREATE, Optional.empty(), caller));
            audit.record(tx, caller, "monitor.create", "monitor", deployment, details(next, Optional.empty()));
            events.publish(tx, EventType.MONITOR_CREATED, "monitor", deployment, data(caller, next));
            return true;
        });
        if (!done) {
            throw busy(deployment);
        }
        activate(new ActiveMonitor(deployment, revision, spec, reference));
        return get(deployment);
    }

    /** A new revision of a monitor with another spec (a new reference prepared); its windows go on numbering. */
    public MonitorView update(Caller caller, String deployment, String specText, Optional<String> reason) {
        requireEditor(caller, "change a monitor");
        reason.ifPresent(MonitorService::checkReason);
        MonitorRecord before = require(deployment);
        MonitorSpec spec = MonitorSpecs.parse(specText);
        requireDeployerForDeploymentActions(caller, spec);
        checkNumbering(deployment, spec);
        PreparedReference reference = engine.prepare(deployment, spec);
        String sha256 = keep(reference);
        long now = Math.max(clock.millis(), before.updatedAt() + 1);
        MonitorRecord next = head(deployment, before.revision() + 1, spec, reference, sha256, before.createdAt(), before.createdBy(), now, caller);
        boolean done = store.write(tx -> {
            if (!repo(tx).update(before, next)) {
                return false;
            }
            repo(tx).insertRevision(revisionOf(next, MonitorRevisionRecord.UPDATE, reason, caller));
            audit.record(tx, caller, "monitor.update", "monitor", deployment, details(next, reason));
            ObjectNode data = data(caller, next);
            reason.ifPresent(r -> data.put("reason", r));
            events.publish(tx, EventType.MONITOR_UPDATED, "monitor", deployment, data);
            List<String> rules = spec.alerts().stream().map(MonitorSpec.AlertRule::name).toList();
            resolveAll(tx, deployment, a -> !rules.contains(a.rule()), "its rule was removed in revision " + next.revision());
            return true;
        });
        if (!done) {
            throw busy(deployment);
        }
        activate(new ActiveMonitor(deployment, next.revision(), spec, reference));
        return get(deployment);
    }

    /** Deletes a monitor: its windows, alerts and revisions stay; its firing alerts resolve. */
    public void delete(Caller caller, String deployment) {
        requireEditor(caller, "delete a monitor");
        MonitorRecord before = require(deployment);
        long now = Math.max(clock.millis(), before.updatedAt() + 1);
        MonitorRecord gone = new MonitorRecord(before.deployment(), before.revision(), before.specJson(), before.referenceDataset(),
                before.referenceVersion(), before.referenceSha256(), before.referenceRows(), before.referenceFeaturesJson(), before.createdAt(),
                before.createdBy(), now, caller.actor().id(), true);
        boolean done = store.write(tx -> {
            if (!repo(tx).update(before, gone)) {
                return false;
            }
            audit.record(tx, caller, "monitor.delete", "monitor", deployment, Map.of("revision", Integer.toString(before.revision())));
            events.publish(tx, EventType.MONITOR_DELETED, "monitor", deployment, actor(caller).put("deployment", deployment)
                    .put("revision", before.revision()));
            resolveAll(tx, deployment, a -> true, "the monitor was deleted");
            return true;
        });
        if (!done) {
            throw busy(deployment);
        }
        active.remove(deployment);
        engine.deactivate(deployment);
    }

    public List<MonitorView> list() {
        return store.read(tx -> repo(tx).list()).stream().map(this::view).toList();
    }

    public MonitorView get(String deployment) {
        return view(require(deployment));
    }

    /** A monitor's revisions, oldest first (a deleted monitor's too). */
    public List<MonitorRevisionRecord> history(String deployment) {
        requireNonNull(deployment, "deployment is null");
        List<MonitorRevisionRecord> revisions = store.read(tx -> repo(tx).revisions(deployment));
        if (revisions.isEmpty()) {
            throw StewardException.notFound("deployment '" + deployment + "' has no monitor");
        }
        return revisions;
    }

    // ---- windows and reports -----------------------------------------------------------------

    /** A deployment's closed windows, the newest first, numbered below {@code before} when given. */
    public List<MonitorWindowRecord> windows(String deployment, Optional<Long> before, int limit) {
        requireKnown(deployment);
        checkLimit(limit);
        return store.read(tx -> repo(tx).windows(deployment, before, limit));
    }

    /** A closed window's report with the labels it has now (evaluated again when more arrived since it closed). */
    public WindowReport report(String deployment, long window) {
        MonitorWindowRecord record = window(deployment, window);
        WindowReport stored = WindowReports.fromJson(record.reportJson());
        LabelCounts labels = labels(deployment, window);
        long labelledThen = stored.performance().map(WindowReport.PerformanceSummary::labelled).orElse(0L);
        if (labels.labelled() == labelledThen) {
            return stored;
        }
        ActiveMonitor monitor = monitorAt(deployment, record.revision());
        return onWorker(() -> engine.evaluate(monitor, closedWindow(record), labels, false, record.source()));
    }

    /** The window recomputed from the request log's segments ({@code source: rebuilt}), for audit; the stored report is left as it closed. */
    public WindowReport rebuild(Caller caller, String deployment, long window) {
        requireEditor(caller, "rebuild a window");
        MonitorWindowRecord record = window(deployment, window);
        ActiveMonitor monitor = monitorAt(deployment, record.revision());
        LabelCounts labels = labels(deployment, window);
        WindowReport report = onWorker(() -> engine.evaluate(monitor, engine.rebuild(monitor, window, record.startMillis(), record.endMillis()),
                labels, false, WindowReport.REBUILT));
        String json = WindowReports.toJson(report);
        store.write(tx -> {
            Map<String, String> details = new LinkedHashMap<>();
            details.put("window", Long.toString(window));
            details.put("revision", Integer.toString(record.revision()));
            details.put("rows_live", Long.toString(record.rows()));
            details.put("rows_rebuilt", Long.toString(report.rows()));
            details.put("report_sha256", Digests.sha256Hex(json));
            audit.record(tx, caller, "monitor.window.rebuild", "monitor", deployment, details);
            return null;
        });
        return report;
    }

    /** Evaluates the open window now (a partial report), audited, kept as the deployment's latest run (never as a window). */
    public WindowReport run(Caller caller, String deployment) {
        requireEditor(caller, "run a monitor");
        MonitorRecord head = require(deployment);
        ActiveMonitor monitor = monitorAt(deployment, head.revision());
        WindowReport report = onWorker(() -> {
            ClosedWindow current = engine.current(deployment).orElseThrow(() -> StewardException.invalidState("monitor of '" + deployment
                    + "' is not watching on this server: it has no open window"));
            // An open request window has no number yet: it is the one the next close will take.
            ClosedWindow open = current.window() >= 0 ? current : new ClosedWindow(current.deployment(), current.revision(),
                    store.read(tx -> repo(tx).lastWindow(deployment)).stream().map(n -> n + 1).findFirst().orElse(0), current.startMillis(),
                    current.endMillis(), current.rows(), current.profile());
            return engine.evaluate(monitor, open, waiting(deployment, open.startMillis(), Long.MAX_VALUE), true, WindowReport.LIVE);
        });
        String json = WindowReports.toJson(report);
        store.write(tx -> {
            repo(tx).putRun(new MonitorRunRecord(deployment, head.revision(), json, clock.millis(), caller.actor().id()));
            audit.record(tx, caller, "monitor.run", "monitor", deployment, Map.of("revision", Integer.toString(head.revision()), "rows",
                    Long.toString(report.rows()), "report_sha256", Digests.sha256Hex(json)));
            return null;
        });
        return report;
    }

    /** The latest on-demand run of a deployment's monitor. */
    public Optional<MonitorRunRecord> lastRun(String deployment) {
        requireKnown(deployment);
        return store.read(tx -> repo(tx).run(deployment));
    }

    /** Alerts, the latest fired first, of one deployment and in one state ({@code firing}, {@code resolved}) when given. */
    public List<MonitorAlertRecord> alerts(Optional<String> deployment, Optional<String> state, int limit) {
        checkLimit(limit);
        state.ifPresent(s -> {
            if (!s.equals(MonitorAlertRecord.FIRING) && !s.equals(MonitorAlertRecord.RESOLVED)) {
                throw StewardException.invalid("state", "state '" + s + "' is neither firing nor resolved");
            }
        });
        return store.read(tx -> repo(tx).alerts(deployment, state, limit));
    }

    // ---- feedback ----------------------------------------------------------------------------

    /**
     * Hears a stored feedback fact (wire it to {@code FeedbackService.onFeedback}): a truth about a
     * watched deployment is added to its window's labels, on the worker thread. Quick; never throws.
     */
    public void label(FeedbackRecord fact) {
        if (!fact.kind().equals(FeedbackRecord.TRUTH) || !active.containsKey(fact.deployment())) {
            return;
        }
        long heardAt = clock.millis();
        submit(() -> file(fact, heardAt));
    }

    private void file(FeedbackRecord fact, long heardAt) {
        Optional<MonitorWindowRecord> window = store.read(tx -> repo(tx).windowAt(fact.deployment(), fact.predictedAt()));
        if (window.isPresent()) {
            store.write(tx -> {
                repo(tx).addLabels(toRecord(fact.deployment(), window.get().window(), counts(List.of(fact))));
                return null;
            });
            return;
        }
        Deque<Pending> waiting = pending.computeIfAbsent(fact.deployment(), d -> new ArrayDeque<>());
        if (waiting.size() >= MAX_PENDING_LABELS) {
            waiting.removeFirst();
            LOG.warn("monitor of {}: more than {} labels wait for their window; the oldest is dropped", fact.deployment(), MAX_PENDING_LABELS);
        }
        waiting.addLast(new Pending(fact, heardAt));
    }

    /** The labels waiting for a window of [start, end), taken out of the waiting ones. */
    private LabelCounts takeWaiting(String deployment, long start, long end) {
        Deque<Pending> waiting = pending.get(deployment);
        if (waiting == null) {
            return LabelCounts.NONE;
        }
        List<FeedbackRecord> taken = new ArrayList<>();
        for (Iterator<Pending> it = waiting.iterator(); it.hasNext(); ) {
            FeedbackRecord fact = it.next().fact();
            if (fact.predictedAt() >= start && fact.predictedAt() < end) {
                taken.add(fact);
                it.remove();
            }
        }
        return counts(taken);
    }

    private LabelCounts waiting(String deployment, long start, long end) {
        Deque<Pending> waiting = pending.get(deployment);
        if (waiting == null) {
            return LabelCounts.NONE;
        }
        return counts(waiting.stream().map(Pending::fact).filter(f -> f.predictedAt() >= start && f.predictedAt() < end).toList());
    }

    /** Files waiting labels whose window another replica stored; drops those that found none in time. */
    private void fileWaiting() {
        long now = clock.millis();
        for (Iterator<Map.Entry<String, Deque<Pending>>> entries = pending.entrySet().iterator(); entries.hasNext(); ) {
            Map.Entry<String, Deque<Pending>> entry = entries.next();
            String deployment = entry.getKey();
            Optional<ClosedWindow> open = active.containsKey(deployment) ? engine.current(deployment) : Optional.empty();
            Map<Long, List<FeedbackRecord>> found = new TreeMap<>();
            for (Iterator<Pending> it = entry.getValue().iterator(); it.hasNext(); ) {
                Pending p = it.next();
                if (open.isPresent() && p.fact().predictedAt() >= open.get().startMillis()) {
                    continue;
                }
                Optional<MonitorWindowRecord> window = store.read(tx -> repo(tx).windowAt(deployment, p.fact().predictedAt()));
                if (window.isPresent()) {
                    found.computeIfAbsent(window.get().window(), w -> new ArrayList<>()).add(p.fact());
                    it.remove();
                } else if (now - p.heardAt() > PENDING_PATIENCE.toMillis() || !active.containsKey(deployment)) {
                    it.remove();
                    LOG.debug("monitor of {}: a label of request {} found no window", deployment, p.fact().requestId());
                }
            }
            if (!found.isEmpty()) {
                store.write(tx -> {
                    found.forEach((window, facts) -> repo(tx).addLabels(toRecord(deployment, window, counts(facts))));
                    return null;
                });
            }
            if (entry.getValue().isEmpty()) {
                entries.remove();
            }
        }
    }

    static LabelCounts counts(List<FeedbackRecord> facts) {
        long labelled = 0;
        long correct = 0;
        double errors = 0;
        Map<String, Long> classes = new TreeMap<>();
        for (FeedbackRecord f : facts) {
            if (f.label().isEmpty() && f.value().isEmpty()) {
                continue;
            }
            labelled++;
            correct += f.correct().orElse(false) ? 1 : 0;
            errors += f.absoluteError().orElse(0);
            f.label().ifPresent(l -> classes.merge(l, 1L, Long::sum));
        }
        return new LabelCounts(labelled, correct, errors, classes);
    }

    private LabelCounts labels(String deployment, long window) {
        return store.read(tx -> repo(tx).labels(deployment, window)).map(l -> new LabelCounts(l.labelled(), l.correct(), l.absoluteErrorSum(),
                l.classes())).orElse(LabelCounts.NONE);
    }

    private static WindowLabelsRecord toRecord(String deployment, long window, LabelCounts counts) {
        return new WindowLabelsRecord(deployment, window, counts.labelled(), counts.correct(), counts.absoluteErrorSum(), counts.classes());
    }

    // ---- closing windows ---------------------------------------------------------------------

    /** The engine's sink: hands the window to the worker thread at once. */
    void closed(ClosedWindow window) {
        requireNonNull(window, "window is null");
        submit(() -> {
            if (!active.containsKey(window.deployment())) {
                LOG.debug("monitor of {} is not watched any more: window {} dropped", window.deployment(), window.window());
                return;
            }
            ActiveMonitor monitor = monitorAt(window.deployment(), window.revision());
            if (monitor.spec().window().kind() == MonitorSpec.WindowKind.REQUESTS) {
                closeRequestWindow(monitor, window);
            } else {
                store.write(tx -> repo(tx).insertPart(new WindowPartRecord(window.deployment(), window.revision(), window.window(), replicaId,
                        window.startMillis(), window.endMillis(), window.rows(), window.profile(), clock.millis())));
                closeDueWindows(window.deployment());
            }
        });
    }

    private void closeRequestWindow(ActiveMonitor monitor, ClosedWindow window) {
        LabelCounts labels = takeWaiting(window.deployment(), window.startMillis(), window.endMillis());
        long number = store.read(tx -> repo(tx).lastWindow(window.deployment())).stream().map(n -> n + 1).findFirst().orElse(0);
        WindowReport report = evaluate(monitor, numbered(window, number), labels);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++, number++) {
            WindowReport numbered = attempt == 0 ? report : renumbered(report, number);
            if (storeWindow(monitor, numbered(window, number), numbered, labels, 1)) {
                rules(monitor, numbered);
                return;
            }
        }
        LOG.error("monitor of {}: window closed at {} could not take a number; it is lost", window.deployment(), window.endMillis());
    }

    /** Closes every time window of the deployment whose parts are due: grace after the engine handed them over. */
    private void closeDueWindows(String deployment) {
        ActiveMonitor current = active.get(deployment);
        if (current == null) {
            return;
        }
        long now = clock.millis();
        long grace = current.spec().schedule().grace().toMillis();
        Map<List<Long>, List<WindowPartRecord>> groups = new LinkedHashMap<>();
        for (WindowPartRecord part : store.read(tx -> repo(tx).unclosedParts(deployment))) {
            groups.computeIfAbsent(List.of((long) part.revision(), part.window()), k -> new ArrayList<>()).add(part);
        }
        for (List<WindowPartRecord> parts : groups.values()) {
            long end = parts.stream().mapToLong(WindowPartRecord::endMillis).max().orElseThrow();
            if (now < end + 2 * grace) {
                continue;
            }
            WindowPartRecord first = parts.get(0);
            ActiveMonitor monitor = monitorAt(deployment, first.revision());
            byte[] profile = first.profile();
            for (WindowPartRecord part : parts.subList(1, parts.size())) {
                profile = engine.merge(profile, part.profile());
            }
            long start = parts.stream().mapToLong(WindowPartRecord::startMillis).min().orElseThrow();
            long rows = parts.stream().mapToLong(WindowPartRecord::rows).sum();
            ClosedWindow merged = new ClosedWindow(deployment, first.revision(), first.window(), start, end, rows, profile);
            LabelCounts labels = waiting(deployment, start, end);
            WindowReport report = evaluate(monitor, merged, labels);
            if (storeWindow(monitor, merged, report, labels, parts.size())) {
                takeWaiting(deployment, start, end);
                rules(monitor, report);
            }
        }
    }

    private WindowReport evaluate(ActiveMonitor monitor, ClosedWindow window, LabelCounts labels) {
        return engine.evaluate(monitor, window, labels, false, WindowReport.LIVE);
    }

    /** Stores a window with its report and labels, audited and published: false when its number was taken. */
    private boolean storeWindow(ActiveMonitor monitor, ClosedWindow window, WindowReport report, LabelCounts labels, int parts) {
        String json = WindowReports.toJson(report);
        MonitorWindowRecord record = new MonitorWindowRecord(window.deployment(), window.revision(), window.window(), window.startMillis(),
                window.endMillis(), window.rows(), report.status(), json, report.source(), parts, clock.millis(), replicaId);
        return store.write(tx -> {
            if (!repo(tx).insertWindow(record, window.profile())) {
                return false;
            }
            if (labels.labelled() > 0) {
                repo(tx).addLabels(toRecord(window.deployment(), window.window(), labels));
            }
            Map<String, String> details = new LinkedHashMap<>();
            details.put("window", Long.toString(window.window()));
            details.put("revision", Integer.toString(window.revision()));
            details.put("rows", Long.toString(window.rows()));
            details.put("status", report.status());
            details.put("drifted_features", Integer.toString(report.driftedFeatures()));
            details.put("parts", Integer.toString(parts));
            details.put("report_sha256", Digests.sha256Hex(json));
            audit.record(tx, system(monitor.deployment(), "window " + window.window()), "monitor.window.close", "monitor", window.deployment(),
                    details);
            ObjectNode data = JSON.createObjectNode().put("deployment", window.deployment()).put("revision", window.revision())
                    .put("window", window.window()).put("start_ms", window.startMillis()).put("end_ms", window.endMillis())
                    .put("rows", window.rows()).put("status", report.status()).put("compared_features", report.comparedFeatures())
                    .put("drifted_features", report.driftedFeatures());
            report.mmd().ifPresent(m -> data.put("mmd_p_value", m.pValue()));
            report.outliers().ifPresent(o -> data.put("outlier_rate", o.rate()));
            events.publish(tx, EventType.MONITOR_WINDOW_CLOSED, "monitor", window.deployment(), data);
            return true;
        });
    }

    private static ClosedWindow numbered(ClosedWindow w, long number) {
        return new ClosedWindow(w.deployment(), w.revision(), number, w.startMillis(), w.endMillis(), w.rows(), w.profile());
    }

    private static WindowReport renumbered(WindowReport r, long number) {
        return new WindowReport(r.monitor(), r.monitorRevision(), number, r.startMillis(), r.endMillis(), r.partial(), r.rows(), r.status(),
                r.referenceDataset(), r.referenceVersion(), r.method(), r.features(), r.comparedFeatures(), r.driftedFeatures(), r.mmd(),
                r.predictions(), r.labels(), r.outliers(), r.performance(), r.versions(), r.source());
    }

    private static ClosedWindow closedWindowOf(MonitorWindowRecord r, byte[] profile) {
        return new ClosedWindow(r.deployment(), r.revision(), r.window(), r.startMillis(), r.endMillis(), r.rows(), profile);
    }

    private ClosedWindow closedWindow(MonitorWindowRecord r) {
        byte[] profile = store.read(tx -> repo(tx).profile(r.deployment(), r.window())).orElseThrow(() -> StewardException.of(
                ErrorCode.DATA_CORRUPTED, "window " + r.window() + " of monitor '" + r.deployment() + "' has no profile"));
        return closedWindowOf(r, profile);
    }

    // ---- alerts ------------------------------------------------------------------------------

    /** Runs every rule of the monitor on a window just stored. */
    private void rules(ActiveMonitor monitor, WindowReport report) {
        for (MonitorSpec.AlertRule rule : monitor.spec().alerts()) {
            try {
                rule(monitor, rule, report);
            } catch (RuntimeException e) {
                LOG.error("monitor of {}: alert rule {} failed on window {}", monitor.deployment(), rule.name(), report.window(), e);
            }
        }
    }

    private void rule(ActiveMonitor monitor, MonitorSpec.AlertRule rule, WindowReport report) {
        String deployment = monitor.deployment();
        OptionalDouble value = report.metric(rule.when().metric());
        boolean holds = rule.when().holds(value);
        Optional<MonitorAlertRecord> firing = store.read(tx -> repo(tx).firing(deployment, rule.name()));
        if (!holds) {
            firing.ifPresent(alert -> resolve(alert, report, value, rule));
            return;
        }
        if (firing.isPresent()) {
            return;
        }
        List<Long> streak = new ArrayList<>();
        if (rule.forWindows() > 1) {
            List<MonitorWindowRecord> last = store.read(tx -> repo(tx).windows(deployment, Optional.of(report.window() + 1), rule.forWindows()));
            for (MonitorWindowRecord w : last) {
                WindowReport earlier = w.window() == report.window() ? report : WindowReports.fromJson(w.reportJson());
                if (!rule.when().holds(earlier.metric(rule.when().metric()))) {
                    return;
                }
                streak.add(0, w.window());
            }
            if (streak.size() < rule.forWindows()) {
                return;
            }
        } else {
            streak.add(report.window());
        }
        fire(monitor, rule, report, value.getAsDouble(), streak);
    }

    private void fire(ActiveMonitor monitor, MonitorSpec.AlertRule rule, WindowReport report, double value, List<Long> streak) {
        String deployment = monitor.deployment();
        ObjectNode evidence = JSON.createObjectNode().put("window", report.window()).put("metric", rule.when().metric().wireName())
                .put("value", value).put("condition", rule.when().text()).put("for", rule.forWindows());
        ArrayNode windows = evidence.putArray("windows");
        streak.forEach(windows::add);
        MonitorAlertRecord alert = new MonitorAlertRecord(Ids.randomHex("alr_", 8), deployment, monitor.revision(), rule.name(),
                MonitorAlertRecord.FIRING, clock.millis(), Optional.empty(), report.window(), report.window(), Optional.empty(), evidence.toString(),
                "[]");
        boolean fired = store.write(tx -> {
            if (!repo(tx).insertAlert(alert)) {
                return false;
            }
            Map<String, String> details = new LinkedHashMap<>();
            details.put("alert", alert.id());
            details.put("rule", rule.name());
            details.put("window", Long.toString(report.window()));
            details.put("metric", rule.when().metric().wireName());
            details.put("value", Double.toString(value));
            details.put("condition", rule.when().text());
            audit.record(tx, system(deployment, rule.name()), "monitor.alert.fire", "monitor", deployment, details);
            ObjectNode data = alertData(alert).set("evidence", evidence);
            events.publish(tx, EventType.MONITOR_ALERT_FIRED, "monitor", deployment, data);
            return true;
        });
        if (!fired) {
            return;
        }
        LOG.warn("monitor of {}: alert {} fired on window {} ({} = {})", deployment, rule.name(), report.window(), rule.when().metric().wireName(),
                value);
        act(monitor, rule, alert);
    }

    private void resolve(MonitorAlertRecord alert, WindowReport report, OptionalDouble value, MonitorSpec.AlertRule rule) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("window", Long.toString(report.window()));
        details.put("metric", rule.when().metric().wireName());
        details.put("value", value.isPresent() ? Double.toString(value.getAsDouble()) : "none");
        details.put("condition", rule.when().text());
        store.write(tx -> resolve(tx, alert, Optional.of(report.window()), details));
    }

    /** Resolves an alert inside {@code tx} (compare-and-set), audited and published; false when it was resolved already. */
    private boolean resolve(StoreTransaction tx, MonitorAlertRecord alert, Optional<Long> window, Map<String, String> why) {
        long last = window.flatMap(w -> repo(tx).windows(alert.deployment(), Optional.of(w), 1).stream().findFirst().map(MonitorWindowRecord::window))
                .filter(w -> w >= alert.firstWindow()).orElse(alert.lastWindow());
        MonitorAlertRecord resolved = new MonitorAlertRecord(alert.id(), alert.deployment(), alert.revision(), alert.rule(), MonitorAlertRecord.RESOLVED,
                alert.firedAt(), Optional.of(clock.millis()), alert.firstWindow(), last, window, alert.evidenceJson(), alert.actionsJson());
        if (!repo(tx).updateAlert(alert, resolved)) {
            return false;
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("alert", alert.id());
        details.put("rule", alert.rule());
        details.putAll(why);
        audit.record(tx, system(alert.deployment(), alert.rule()), "monitor.alert.resolve", "monitor", alert.deployment(), details);
        ObjectNode data = alertData(resolved);
        why.forEach(data::put);
        events.publish(tx, EventType.MONITOR_ALERT_RESOLVED, "monitor", alert.deployment(), data);
        return true;
    }

    private void resolveAll(StoreTransaction tx, String deployment, java.util.function.Predicate<MonitorAlertRecord> which, String reason) {
        for (MonitorAlertRecord alert : repo(tx).alerts(Optional.of(deployment), Optional.of(MonitorAlertRecord.FIRING), MonitorSpec.MAX_ALERTS)) {
            if (which.test(alert)) {
                resolve(tx, alert, Optional.empty(), Map.of("reason", reason));
            }
        }
    }

    private static ObjectNode alertData(MonitorAlertRecord alert) {
        ObjectNode data = JSON.createObjectNode().put("alert", alert.id()).put("deployment", alert.deployment()).put("revision", alert.revision())
                .put("rule", alert.rule()).put("state", alert.state()).put("fired_at", alert.firedAt()).put("first_window", alert.firstWindow())
                .put("last_window", alert.lastWindow());
        alert.resolvedAt().ifPresent(t -> data.put("resolved_at", t));
        alert.resolvedWindow().ifPresent(w -> data.put("resolved_window", w));
        return data;
    }

    // ---- actions -----------------------------------------------------------------------------

    private void act(ActiveMonitor monitor, MonitorSpec.AlertRule rule, MonitorAlertRecord alert) {
        Caller system = system(monitor.deployment(), rule.name());
        String reason = "alert " + rule.name() + " of the monitor of " + monitor.deployment() + " (" + alert.id() + ") fired on window "
                + alert.firstWindow() + ": " + rule.when().text();
        MonitorAlertRecord current = alert;
        for (MonitorSpec.AlertAction action : rule.actions()) {
            ObjectNode outcome;
            try {
                outcome = switch (action) {
                    case RETRAIN -> retrain(system, monitor.deployment(), rule.retrainPriority());
                    case ROLLBACK_CANARY -> rollbackCanary(system, monitor.deployment(), reason);
                    case CUT_OUT -> cutOut(system, monitor.deployment(), reason);
                };
            } catch (RuntimeException e) {
                LOG.warn("monitor of {}: action {} of alert {} failed: {}", monitor.deployment(), action.wireName(), rule.name(), e.getMessage());
                outcome = JSON.createObjectNode().put("outcome", "failed").put("reason", String.valueOf(e.getMessage()));
            }
            ObjectNode entry = JSON.createObjectNode().put("action", action.wireName());
            entry.setAll(outcome);
            current = recordAction(current, entry, system);
        }
    }

    /** Adds an action's outcome to its alert (compare-and-set, read again when the alert moved meanwhile), audited. */
    private MonitorAlertRecord recordAction(MonitorAlertRecord alert, ObjectNode entry, Caller system) {
        MonitorAlertRecord current = alert;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            ArrayNode actions = (ArrayNode) readTree(current.actionsJson());
            actions.add(entry);
            MonitorAlertRecord seen = current;
            MonitorAlertRecord next = new MonitorAlertRecord(seen.id(), seen.deployment(), seen.revision(), seen.rule(), seen.state(), seen.firedAt(),
                    seen.resolvedAt(), seen.firstWindow(), seen.lastWindow(), seen.resolvedWindow(), seen.evidenceJson(), actions.toString());
            boolean done = store.write(tx -> {
                if (!repo(tx).updateAlert(seen, next)) {
                    return false;
                }
                Map<String, String> details = new LinkedHashMap<>();
                details.put("alert", seen.id());
                details.put("rule", seen.rule());
                entry.fields().forEachRemaining(f -> details.put(f.getKey(), f.getValue().asText()));
                audit.record(tx, system, "monitor.alert.action", "monitor", seen.deployment(), details);
                return true;
            });
            if (done) {
                return next;
            }
            current = store.read(tx -> repo(tx).alert(seen.id())).orElseThrow();
        }
        LOG.warn("monitor of {}: the outcome of an action of alert {} could not be recorded", alert.deployment(), alert.id());
        return current;
    }

    /** Queues a training job from the served version's training spec, on the newest version of its dataset. */
    private ObjectNode retrain(Caller system, String deployment, int priority) {
        DeploymentState state = deployments.get(deployment);
        DeploymentSpec.ServedVersion served = primary(state.spec());
        ModelVersionRecord version = registry.version(served.model(), served.version()).version();
        if (version.runId().isEmpty()) {
            return skipped(served.uri() + " was registered from " + version.sourceKind() + " (" + version.source()
                    + "), not trained by Steward: it has no training spec to train again");
        }
        String runId = version.runId().get();
        Optional<String> jobId = tracking.getRun(runId).tags().stream().filter(t -> t.key().equals("steward.job.id")).map(KeyValue::value)
                .findFirst();
        if (jobId.isEmpty()) {
            return skipped(served.uri() + " comes from run " + runId + ", which no Steward job ran: it has no training spec to train again");
        }
        JobRecord job = jobs.get(jobId.get());
        if (!job.kind().equals("train")) {
            return skipped(served.uri() + " comes from job " + job.id() + " of kind " + job.kind() + ", not a training job");
        }
        ObjectNode spec = (ObjectNode) readTree(job.spec());
        ObjectNode dataset = spec.withObject("/dataset");
        String name = dataset.path("name").asText();
        DatasetVersion newest = datasets.versions(name).stream().max(Comparator.comparingInt(DatasetVersion::version)).orElseThrow(() ->
                StewardException.invalidState("dataset '" + name + "' has no versions left to train on"));
        dataset.remove("digest");
        dataset.put("version", newest.version());
        JobRecord queued = jobs.submit(system, "train", spec, priority);
        return JSON.createObjectNode().put("outcome", "submitted").put("job", queued.id()).put("from_job", job.id()).put("model", served.uri())
                .put("dataset", name).put("dataset_version", newest.version()).put("priority", priority);
    }

    /** The served version a retraining starts from: a canary's stable version, a shadow's primary, else the heaviest. */
    static DeploymentSpec.ServedVersion primary(DeploymentSpec spec) {
        Optional<String> uri = spec.traffic().flatMap(t -> t instanceof DeploymentSpec.Canary c ? Optional.of(c.stable())
                : t instanceof DeploymentSpec.Shadow s ? Optional.of(s.primary()) : Optional.empty());
        return uri.flatMap(spec::version).orElseGet(() -> spec.versions().stream().max(Comparator.comparingDouble(DeploymentSpec.ServedVersion::weight))
                .orElseThrow());
    }

    /** All traffic back to the canary's stable version, as the canary controller rolls back. */
    private ObjectNode rollbackCanary(Caller system, String deployment, String reason) {
        DeploymentState state = deployments.get(deployment);
        if (!(state.spec().traffic().orElse(null) instanceof DeploymentSpec.Canary canary)) {
            return skipped("deployment '" + deployment + "' has no canary in progress");
        }
        List<DeploymentSpec.ServedVersion> back = new ArrayList<>();
        for (DeploymentSpec.ServedVersion v : state.spec().versions()) {
            back.add(new DeploymentSpec.ServedVersion(v.model(), v.version(), v.uri().equals(canary.stable()) ? 1 : 0, v.overrideReason()));
        }
        String why = "canary " + canary.candidate() + " rolled back: " + reason;
        DeploymentState after = deployments.rollout(system, deployment, state.revision(), state.spec().withTraffic(Optional.empty()).withVersions(back),
                DeploymentRevisionRecord.CANARY_ROLLBACK, why, "deployment.canary.rollback", EventType.DEPLOYMENT_CANARY_ROLLED_BACK);
        return JSON.createObjectNode().put("outcome", "rolled-back").put("candidate", canary.candidate()).put("stable", canary.stable())
                .put("deployment_revision", after.revision());
    }

    private ObjectNode cutOut(Caller system, String deployment, String reason) {
        DeploymentState state = deployments.get(deployment);
        if (state.stopped()) {
            return skipped("deployment '" + deployment + "' is stopped already" + state.stopReason().map(r -> " (" + r + ")").orElse(""));
        }
        String why = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason;
        DeploymentState after = deployments.stop(system, deployment, why);
        return JSON.createObjectNode().put("outcome", "stopped").put("deployment_revision", after.revision());
    }

    private static ObjectNode skipped(String reason) {
        return JSON.createObjectNode().put("outcome", "skipped").put("reason", reason);
    }

    /** The system, named after the monitor (and its rule) in the audit log, acting with a digest of what made it act. */
    private static Caller system(String deployment, String rule) {
        return new Caller(new Actor(Actor.SYSTEM.id(), "system (monitor of " + deployment + ", " + rule + ")", Role.ADMIN),
                Digests.sha256Hex("monitor " + deployment + " " + rule));
    }

    // ---- activation and ticks ----------------------------------------------------------------

    /** One tick: the engine's (time windows due go to the sink), due windows closed, waiting labels filed, and other replicas' changes read. */
    public void tick() {
        long now = clock.millis();
        engine.tick(now);
        Future<?> done = submit(() -> {
            for (String deployment : active.keySet()) {
                closeDueWindows(deployment);
            }
            fileWaiting();
        });
        if (now - lastPoll.get() >= pollInterval.toMillis()) {
            lastPoll.set(now);
            refresh();
        }
        await(done);
    }

    private void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warn("monitoring tick failed: {}", e.toString());
        }
    }

    /** Activates what the store has that this server does not watch (or watches at an older revision), and stops watching deleted monitors. */
    public void refresh() {
        List<MonitorRecord> monitors = store.read(tx -> repo(tx).list());
        Map<String, MonitorRecord> live = new HashMap<>();
        for (MonitorRecord m : monitors) {
            live.put(m.deployment(), m);
            ActiveMonitor known = active.get(m.deployment());
            if (known != null && known.revision() == m.revision()) {
                continue;
            }
            try {
                activate(load(m.deployment(), m.revision(), m.specJson(), m.referenceDataset(), m.referenceVersion(), m.referenceRows(),
                        m.referenceFeaturesJson(), m.referenceSha256()));
            } catch (RuntimeException e) {
                LOG.error("monitor of {} (revision {}) cannot be activated: {}", m.deployment(), m.revision(), e.toString());
            }
        }
        for (String deployment : List.copyOf(active.keySet())) {
            if (!live.containsKey(deployment)) {
                active.remove(deployment);
                engine.deactivate(deployment);
            }
        }
    }

    private void activate(ActiveMonitor monitor) {
        active.put(monitor.deployment(), monitor);
        engine.activate(monitor);
    }

    /** The monitor of a deployment at a revision: the active one, or read back with its reference. */
    private ActiveMonitor monitorAt(String deployment, int revision) {
        ActiveMonitor known = active.get(deployment);
        if (known != null && known.revision() == revision) {
            return known;
        }
        MonitorRevisionRecord r = store.read(tx -> repo(tx).revision(deployment, revision)).orElseThrow(() -> StewardException.of(
                ErrorCode.DATA_CORRUPTED, "monitor of '" + deployment + "' has no revision " + revision));
        return load(deployment, revision, r.specJson(), r.referenceDataset(), r.referenceVersion(), r.referenceRows(), r.referenceFeaturesJson(),
                r.referenceSha256());
    }

    private ActiveMonitor load(String deployment, int revision, String specJson, String dataset, int version, long rows, String featuresJson,
            String sha256) {
        byte[] bytes;
        try (InputStream in = artifacts.open(sha256)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw StewardException.internal("reading the reference " + sha256 + " of the monitor of " + deployment, e);
        }
        List<String> features = new ArrayList<>();
        readTree(featuresJson).forEach(f -> features.add(f.asText()));
        return new ActiveMonitor(deployment, revision, MonitorSpecs.fromJson(specJson), new PreparedReference(dataset, version, rows, features, bytes));
    }

    // ---- helpers -----------------------------------------------------------------------------

    /** Time windows are numbered by the clock: a revision switching to them must not number below the windows already stored. */
    private void checkNumbering(String deployment, MonitorSpec spec) {
        if (spec.window().kind() != MonitorSpec.WindowKind.TIME) {
            return;
        }
        OptionalLong last = store.read(tx -> repo(tx).lastWindow(deployment));
        long first = clock.millis() / spec.window().duration().toMillis();
        if (last.isPresent() && first <= last.getAsLong()) {
            throw StewardException.invalid("window.duration", "window.duration: windows of " + MonitorSpecs.durationText(spec.window().duration())
                    + " are numbered by the clock from " + first + " on, but this monitor has stored windows up to " + last.getAsLong()
                    + " already; choose a shorter duration, or keep request windows");
        }
    }

    private String keep(PreparedReference reference) {
        ArtifactRef ref = artifacts.put(new ByteArrayInputStream(reference.bytes()), reference.bytes().length);
        return ref.sha256();
    }

    private MonitorRecord head(String deployment, int revision, MonitorSpec spec, PreparedReference reference, String sha256, long createdAt,
            String createdBy, long now, Caller caller) {
        ArrayNode features = JSON.createArrayNode();
        reference.features().forEach(features::add);
        return new MonitorRecord(deployment, revision, MonitorSpecs.toJson(spec), reference.dataset(), reference.version(), sha256, reference.rows(),
                features.toString(), createdAt, createdBy, now, caller.actor().id(), false);
    }

    private static MonitorRevisionRecord revisionOf(MonitorRecord m, String change, Optional<String> reason, Caller caller) {
        return new MonitorRevisionRecord(m.deployment(), m.revision(), m.specJson(), m.referenceDataset(), m.referenceVersion(), m.referenceSha256(),
                m.referenceRows(), m.referenceFeaturesJson(), change, reason, m.updatedAt(), caller.actor().id(), caller.actor().name());
    }

    private static Map<String, String> details(MonitorRecord m, Optional<String> reason) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("revision", Integer.toString(m.revision()));
        details.put("reference", m.referenceDataset() + "@" + m.referenceVersion());
        details.put("reference_sha256", m.referenceSha256());
        details.put("spec_sha256", Digests.sha256Hex(m.specJson()));
        reason.ifPresent(r -> details.put("reason", r));
        return details;
    }

    private static ObjectNode actor(Caller caller) {
        ObjectNode data = JSON.createObjectNode();
        data.putObject("actor").put("id", caller.actor().id()).put("name", caller.actor().name());
        return data;
    }

    private static ObjectNode data(Caller caller, MonitorRecord m) {
        ObjectNode data = actor(caller).put("deployment", m.deployment()).put("revision", m.revision());
        data.putObject("reference").put("dataset", m.referenceDataset()).put("version", m.referenceVersion());
        data.set("spec", readTree(m.specJson()));
        return data;
    }

    private MonitorView view(MonitorRecord m) {
        List<String> features = new ArrayList<>();
        readTree(m.referenceFeaturesJson()).forEach(f -> features.add(f.asText()));
        Optional<MonitorWindowRecord> latest = store.read(tx -> repo(tx).windows(m.deployment(), Optional.empty(), 1)).stream().findFirst();
        List<MonitorAlertRecord> firing = store.read(tx -> repo(tx).alerts(Optional.of(m.deployment()), Optional.of(MonitorAlertRecord.FIRING),
                MonitorSpec.MAX_ALERTS));
        ActiveMonitor watching = active.get(m.deployment());
        return new MonitorView(m, MonitorSpecs.fromJson(m.specJson()), m.specJson(), features, latest, firing,
                watching != null && watching.revision() == m.revision());
    }

    private MonitorWindowRecord window(String deployment, long window) {
        requireKnown(deployment);
        return store.read(tx -> repo(tx).window(deployment, window)).orElseThrow(() -> StewardException.notFound("monitor of '" + deployment
                + "' has no closed window " + window).withField("window"));
    }

    private MonitorRecord require(String deployment) {
        requireNonNull(deployment, "deployment is null");
        return store.read(tx -> repo(tx).find(deployment)).orElseThrow(() -> StewardException.notFound("deployment '" + deployment
                + "' has no monitor"));
    }

    /** A deployment that has (or had) a monitor. */
    private void requireKnown(String deployment) {
        requireNonNull(deployment, "deployment is null");
        if (store.read(tx -> repo(tx).findAny(deployment)).isEmpty()) {
            throw StewardException.notFound("deployment '" + deployment + "' has no monitor");
        }
    }

    private void requireDeployment(String deployment) {
        if (deployment == null || deployment.isBlank()) {
            throw StewardException.invalid("deployment", "name the deployment to monitor");
        }
        try {
            deployments.get(deployment);
        } catch (StewardException e) {
            if (e.code() == ErrorCode.RESOURCE_DOES_NOT_EXIST) {
                throw StewardException.notFound("no deployment named '" + deployment + "' to monitor").withField("deployment");
            }
            throw e;
        }
    }

    private static void requireEditor(Caller caller, String what) {
        requireNonNull(caller, "caller is null");
        if (!caller.actor().role().includes(Role.EDITOR)) {
            throw StewardException.of(ErrorCode.PERMISSION_DENIED, "only an editor, a deployer or an admin may " + what + "; "
                    + caller.actor().name() + " is " + roleName(caller));
        }
    }

    /**
     * An alert that stops a deployment or rolls its canary back acts for whoever declared it: only
     * someone who could do that by hand (a deployer) may declare it.
     */
    private static void requireDeployerForDeploymentActions(Caller caller, MonitorSpec spec) {
        for (int i = 0; i < spec.alerts().size(); i++) {
            MonitorSpec.AlertRule rule = spec.alerts().get(i);
            for (MonitorSpec.AlertAction action : rule.actions()) {
                if ((action == MonitorSpec.AlertAction.CUT_OUT || action == MonitorSpec.AlertAction.ROLLBACK_CANARY)
                        && !caller.actor().role().includes(Role.DEPLOYER)) {
                    throw StewardException.of(ErrorCode.PERMISSION_DENIED, "alert " + rule.name() + "'s action " + action.wireName()
                            + " changes the deployment, which only a deployer or an admin may do; " + caller.actor().name() + " is "
                            + roleName(caller)).withField("alerts[" + i + "].actions");
                }
            }
        }
    }

    /** The caller's role with its article: "an editor", "a viewer". */
    private static String roleName(Caller caller) {
        String role = caller.actor().role().wireName();
        return ("aeiou".indexOf(role.charAt(0)) >= 0 ? "an " : "a ") + role;
    }

    private static void checkReason(String reason) {
        if (reason.isBlank() || reason.length() > MAX_REASON) {
            throw StewardException.invalid("reason", "a reason is 1 to " + MAX_REASON + " characters");
        }
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw StewardException.invalid("limit", "limit must be between 1 and " + MAX_LIMIT + ", not " + limit);
        }
    }

    private static StewardException busy(String deployment) {
        return StewardException.of(ErrorCode.TEMPORARILY_UNAVAILABLE, "the monitor of '" + deployment + "' changed under this change; try again");
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw StewardException.of(ErrorCode.DATA_CORRUPTED, "stored monitoring JSON cannot be read: " + e.getOriginalMessage());
        }
    }

    private Future<?> submit(Runnable work) {
        return worker.submit(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                LOG.error("monitoring work failed", e);
            }
        });
    }

    /** Runs {@code work} on the worker thread (where evaluations and waiting labels live) and waits for it. */
    private <T> T onWorker(java.util.concurrent.Callable<T> work) {
        try {
            return worker.submit(work).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StewardException.of(ErrorCode.TEMPORARILY_UNAVAILABLE, "interrupted while evaluating");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StewardException s) {
                throw s;
            }
            throw StewardException.internal("evaluating a monitor window", e.getCause());
        }
    }

    private static void await(Future<?> done) {
        try {
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.warn("monitoring work failed: {}", e.getCause().toString());
        }
    }

    /** Waits until every piece of work handed to the worker so far is done (for tests and orderly shutdown). */
    public void drain() {
        await(worker.submit(() -> { }));
    }

    private static MonitorRepository repo(StoreTransaction tx) {
        return tx.repository(MonitorRepository.class);
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
