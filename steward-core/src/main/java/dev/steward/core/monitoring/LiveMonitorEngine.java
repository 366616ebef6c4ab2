package dev.steward.core.monitoring;

import static java.util.Objects.requireNonNull;

import dev.steward.core.data.DatasetService;
import dev.steward.core.serving.DeploymentDirectory;
import dev.steward.core.serving.DeploymentSpec;
import dev.steward.core.serving.DeploymentState;
import dev.steward.core.serving.LoggedRequest;
import dev.steward.core.serving.ModelSource;
import dev.steward.core.serving.log.RequestLogReader;
import dev.steward.spi.StewardException;
import dev.steward.spi.serving.ModelRuntime;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The monitoring engine of a server: {@link MonitorEngine} over the request log's tap.
 *
 * <p><b>Windows.</b> A request window closes as its {@code window.requests}-th row is written;
 * a request's rows are never split, so a window may hold up to one request's rows more. A time
 * window {@code n} holds the entries received in [n·duration, (n + 1)·duration) and is closed by
 * {@link #tick} once its end plus {@code schedule.grace} has passed; an entry that arrives for a
 * window already closed is counted as late ({@link #figures}) and dropped (the rebuilt window
 * holds it: the difference is the late count). Time windows close in order and are reported even
 * when empty (so that an alert on {@code rows} sees traffic stop), except that after a gap of
 * more than {@value #MAX_EMPTY_WINDOWS} empty windows (a server that was down, a clock that
 * jumped) only the last {@value #MAX_EMPTY_WINDOWS} are reported. The first time window of an
 * activation starts at the window the activation falls in.
 *
 * <p><b>Threads.</b> {@link #annotate} and {@link #written} run on the log's writer thread,
 * {@link #tick} on the service's scheduler, the rest on request threads. Each active monitor has
 * its own lock, held while its entries are folded and while a window is closed: closing only
 * serialises the profile and hands it to the {@link WindowSink}; evaluation runs on the caller's
 * thread. The layout of a served version (where its tensors carry the features) is read from its
 * package once, by {@link #activate} and {@link #tick} for the versions a deployment serves, and
 * on the writer thread only for a version that appeared in between.
 *
 * <p><b>Costs.</b> The reference holds at most {@value Reference#MAX_ROWS} rows per feature; a
 * window holds sketches of fixed size, exact values below {@code drift.large-window} rows, the
 * category counts, and {@code multivariate.sample} rows.
 */
public final class LiveMonitorEngine implements MonitorEngine {
    /** After a longer run of empty time windows only this many are reported. */
    static final int MAX_EMPTY_WINDOWS = 1_000;
    private static final int PARSED_REFERENCES = 32;

    private final ReferenceBuilder builder;
    private final DeploymentDirectory deployments;
    private final ServedVersions served;
    private final RequestLogReader log;
    private final Clock clock;
    private final Map<String, Watch> watches = new ConcurrentHashMap<>();
    private final Map<MonitorEngine.PreparedReference, Reference> parsed = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<MonitorEngine.PreparedReference, Reference> eldest) {
            return size() > PARSED_REFERENCES;
        }
    };
    private volatile WindowSink sink;

    /**
     * @param references the dataset versions references are read from
     * @param deployments what each deployment serves
     * @param models the packages of served versions (their signatures, and the primary version's graph to score the reference)
     * @param runtime runs the primary version's graph on the reference
     * @param log the request log's segments, for {@link #rebuild}
     */
    public LiveMonitorEngine(ReferenceTables references, DeploymentDirectory deployments, ModelSource models, ModelRuntime runtime,
            RequestLogReader log, Clock clock) {
        this.deployments = requireNonNull(deployments, "deployments is null");
        this.served = new ServedVersions(models);
        this.builder = new ReferenceBuilder(references, deployments, served, runtime);
        this.log = requireNonNull(log, "log is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** An engine whose references are versions of {@code datasets}. */
    public LiveMonitorEngine(DatasetService datasets, DeploymentDirectory deployments, ModelSource models, ModelRuntime runtime,
            RequestLogReader log, Clock clock) {
        this(ReferenceTables.of(datasets), deployments, models, runtime, log, clock);
    }

    /** What the engine saw of a monitor's entries since it was activated. */
    public record Figures(long entries, long rows, long late, long unreadable, Optional<String> unreadableBecause) {
        public Figures {
            requireNonNull(unreadableBecause, "unreadableBecause is null");
        }
    }

    // ---- MonitorEngine -----------------------------------------------------------------------

    @Override
    public PreparedReference prepare(String deployment, MonitorSpec spec) {
        Reference reference = builder.build(deployment, spec);
        return new PreparedReference(reference.dataset, reference.version, reference.rows, reference.featureNames(), reference.toBytes());
    }

    @Override
    public void activate(ActiveMonitor monitor) {
        requireNonNull(monitor, "monitor is null");
        if (sink == null) {
            throw new IllegalStateException("onClose must be called before the first activation");
        }
        Watch watch = new Watch(monitor, new WindowFolder(reference(monitor.reference()), monitor.spec()), clock.millis());
        DeploymentState state = deployments.current().get(monitor.deployment());
        if (state != null) {
            for (DeploymentSpec.ServedVersion v : state.spec().versions()) {
                watch.layout(v.model(), v.version());
            }
        }
        watches.put(monitor.deployment(), watch);
    }

    @Override
    public void deactivate(String deployment) {
        watches.remove(requireNonNull(deployment, "deployment is null"));
    }

    @Override
    public void onClose(WindowSink sink) {
        this.sink = requireNonNull(sink, "sink is null");
    }

    @Override
    public Optional<ClosedWindow> current(String deployment) {
        Watch watch = watches.get(requireNonNull(deployment, "deployment is null"));
        return watch == null ? Optional.empty() : Optional.of(watch.current(clock.millis()));
    }

    @Override
    public void tick(long nowMillis) {
        Map<String, DeploymentState> current = deployments.current();
        for (Watch watch : watches.values()) {
            DeploymentState state = current.get(watch.monitor.deployment());
            if (state != null) {
                for (DeploymentSpec.ServedVersion v : state.spec().versions()) {
                    watch.layout(v.model(), v.version());
                }
            }
            if (watch.monitor.spec().window().kind() == MonitorSpec.WindowKind.TIME) {
                hand(watch.closeTimeWindows(nowMillis));
            }
        }
    }

    @Override
    public byte[] merge(byte[] profile, byte[] other) {
        return WindowProfile.fromBytes(profile).merge(WindowProfile.fromBytes(other)).toBytes();
    }

    @Override
    public WindowReport evaluate(ActiveMonitor monitor, ClosedWindow window, LabelCounts labels, boolean partial, String source) {
        requireNonNull(monitor, "monitor is null");
        requireNonNull(window, "window is null");
        requireNonNull(labels, "labels is null");
        requireNonNull(source, "source is null");
        WindowProfile profile = WindowProfile.fromBytes(window.profile());
        Reference reference = reference(monitor.reference());
        if (!profile.names().equals(reference.featureNames())) {
            throw StewardException.invalid("window", "the window profile watches " + profile.names() + ", the monitor's reference "
                    + reference.featureNames() + ": they are of different monitors");
        }
        return WindowEvaluator.evaluate(monitor.deployment(), monitor.revision(), window, reference, monitor.spec(), profile, labels, partial, source);
    }

    @Override
    public ClosedWindow rebuild(ActiveMonitor monitor, long window, long startMillis, long endMillis) {
        requireNonNull(monitor, "monitor is null");
        Watch watch = new Watch(monitor, new WindowFolder(reference(monitor.reference()), monitor.spec()), startMillis);
        WindowProfile profile = watch.folder.empty();
        log.read(monitor.deployment(), entry -> {
            if (entry.receivedAtMillis() >= startMillis && entry.receivedAtMillis() < endMillis && WindowFolder.counts(entry)) {
                VersionLayout layout = watch.layout(entry.model(), entry.version());
                if (layout != null) {
                    watch.folder.fold(profile, entry, layout);
                }
            }
        });
        return new ClosedWindow(monitor.deployment(), monitor.revision(), window, startMillis, endMillis, profile.rows(), profile.toBytes());
    }

    // ---- the tap -----------------------------------------------------------------------------

    @Override
    public LoggedRequest annotate(LoggedRequest entry) {
        Watch watch = watches.get(entry.deployment());
        if (watch == null || !watch.folder.scoresOutliers() || !WindowFolder.counts(entry)) {
            return entry;
        }
        VersionLayout layout = watch.layout(entry.model(), entry.version());
        if (layout == null) {
            return entry;
        }
        return entry.withScores(watch.folder.score(entry, layout).asScores());
    }

    @Override
    public void written(List<LoggedRequest> entries) {
        List<ClosedWindow> closed = new ArrayList<>();
        Watch held = null;
        try {
            for (LoggedRequest entry : entries) {
                Watch watch = watches.get(entry.deployment());
                if (watch == null || !WindowFolder.counts(entry)) {
                    continue;
                }
                VersionLayout layout = watch.layout(entry.model(), entry.version());
                if (watch != held) {
                    if (held != null) {
                        held.lock.unlock();
                    }
                    held = watch;
                    held.lock.lock();
                }
                watch.add(entry, layout, closed);
            }
        } finally {
            if (held != null) {
                held.lock.unlock();
            }
        }
        hand(closed);
    }

    // ---- more --------------------------------------------------------------------------------

    /** What the engine saw of a deployment's entries since its monitor was activated; empty when none is active. */
    public Optional<Figures> figures(String deployment) {
        Watch watch = watches.get(requireNonNull(deployment, "deployment is null"));
        if (watch == null) {
            return Optional.empty();
        }
        watch.lock.lock();
        try {
            return Optional.of(new Figures(watch.entries, watch.rows, watch.late, watch.unreadable, Optional.ofNullable(watch.unreadableBecause)));
        } finally {
            watch.lock.unlock();
        }
    }

    private void hand(List<ClosedWindow> closed) {
        WindowSink target = sink;
        for (ClosedWindow window : closed) {
            target.closed(window);
        }
    }

    private Reference reference(PreparedReference prepared) {
        synchronized (parsed) {
            Reference known = parsed.get(prepared);
            if (known != null) {
                return known;
            }
        }
        Reference reference = Reference.fromBytes(prepared.bytes());
        synchronized (parsed) {
            parsed.put(prepared, reference);
        }
        return reference;
    }

    private record Last(String model, int version, VersionLayout layout) {
    }

    /** An active monitor: its folder, its open window(s), its counters and the layouts of the versions it has seen. */
    private final class Watch {
        final ActiveMonitor monitor;
        final WindowFolder folder;
        final ReentrantLock lock = new ReentrantLock();
        private final Map<String, VersionLayout.Layout> layouts = new ConcurrentHashMap<>();
        /** The layout asked for last: nearly every entry is of the version before it, and this finds it without building a key. */
        private volatile Last last;
        // Request windows: the open one. Time windows: the open ones by number, and the next to close.
        private WindowProfile open;
        private final TreeMap<Long, WindowProfile> openByNumber = new TreeMap<>();
        private long nextToClose;
        private final long duration;
        long entries;
        long rows;
        long late;
        long unreadable;
        String unreadableBecause;

        Watch(ActiveMonitor monitor, WindowFolder folder, long activatedAt) {
            this.monitor = monitor;
            this.folder = folder;
            this.open = folder.empty();
            this.duration = monitor.spec().window().duration().toMillis();
            this.nextToClose = duration > 0 ? Math.floorDiv(activatedAt, duration) : 0;
        }

        boolean timed() {
            return monitor.spec().window().kind() == MonitorSpec.WindowKind.TIME;
        }

        /** The layout of a version's entries (read from its package the first time), or null when its entries cannot be read. */
        VersionLayout layout(String model, int version) {
            Last seen = last;
            if (seen != null && seen.version() == version && seen.model().equals(model)) {
                return seen.layout();
            }
            String key = ServedVersions.key(model, version);
            VersionLayout.Layout layout = layouts.get(key);
            if (layout == null) {
                try {
                    layout = VersionLayout.of(key, served.signature(model, version), folder.reference());
                } catch (StewardException e) {
                    layout = new VersionLayout.Layout(Optional.empty(), Optional.of("the package of " + key + " cannot be read: " + e.getMessage()));
                }
                layouts.put(key, layout);
            }
            if (layout.layout().isPresent()) {
                last = new Last(model, version, layout.layout().get());
            }
            return layout.layout().orElse(null);
        }

        /** Folds a counted entry; a request window that fills up is closed into {@code closed}. Holds the lock. */
        void add(LoggedRequest entry, VersionLayout layout, List<ClosedWindow> closed) {
            if (layout == null) {
                unreadable++;
                unreadableBecause = layouts.get(ServedVersions.key(entry.model(), entry.version())).problem().orElse(null);
                return;
            }
            if (timed()) {
                long number = Math.floorDiv(entry.receivedAtMillis(), duration);
                if (number < nextToClose) {
                    late++;
                    return;
                }
                folder.fold(openByNumber.computeIfAbsent(number, n -> folder.empty()), entry, layout);
            } else {
                folder.fold(open, entry, layout);
                if (open.rows() >= monitor.spec().window().requests()) {
                    closed.add(requestWindow(open));
                    open = folder.empty();
                }
            }
            entries++;
            rows += entry.rows();
        }

        private ClosedWindow requestWindow(WindowProfile profile) {
            long start = profile.rows() == 0 ? clock.millis() : profile.firstReceived();
            long end = profile.rows() == 0 ? start : profile.lastReceived() + 1;
            return new ClosedWindow(monitor.deployment(), monitor.revision(), -1, start, end, profile.rows(), profile.toBytes());
        }

        private ClosedWindow timeWindow(long number, WindowProfile profile) {
            return new ClosedWindow(monitor.deployment(), monitor.revision(), number, number * duration, (number + 1) * duration, profile.rows(),
                    profile.toBytes());
        }

        /** Closes the time windows whose end plus grace is before {@code now}, in order. */
        List<ClosedWindow> closeTimeWindows(long now) {
            List<ClosedWindow> closed = new ArrayList<>();
            long grace = monitor.spec().schedule().grace().toMillis();
            lock.lock();
            try {
                // The last window n with (n + 1)·duration + grace < now.
                long last = Math.floorDiv(now - grace - 1, duration) - 1;
                if (last < nextToClose) {
                    return closed;
                }
                long firstEmpty = Math.max(nextToClose, last - MAX_EMPTY_WINDOWS + 1);
                while (!openByNumber.isEmpty() && openByNumber.firstKey() < firstEmpty) {
                    Map.Entry<Long, WindowProfile> e = openByNumber.pollFirstEntry();
                    closed.add(timeWindow(e.getKey(), e.getValue()));
                }
                for (long n = firstEmpty; n <= last; n++) {
                    WindowProfile profile = openByNumber.remove(n);
                    closed.add(timeWindow(n, profile == null ? folder.empty() : profile));
                }
                nextToClose = last + 1;
            } finally {
                lock.unlock();
            }
            return closed;
        }

        ClosedWindow current(long now) {
            lock.lock();
            try {
                if (!timed()) {
                    return requestWindow(open);
                }
                long number = Math.max(nextToClose, Math.floorDiv(now, duration));
                WindowProfile profile = openByNumber.get(number);
                if (profile == null && !openByNumber.isEmpty()) {
                    number = openByNumber.lastKey();
                    profile = openByNumber.get(number);
                }
                return timeWindow(number, profile == null ? folder.empty() : profile);
            } finally {
                lock.unlock();
            }
        }
    }
}
