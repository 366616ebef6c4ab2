package dev.steward.testing;

import static java.util.Objects.requireNonNull;

import dev.steward.core.monitoring.LabelCounts;
import dev.steward.core.monitoring.MonitorEngine;
import dev.steward.core.monitoring.MonitorSpec;
import dev.steward.core.monitoring.MonitorSpecs;
import dev.steward.core.monitoring.WindowReport;
import dev.steward.core.serving.LoggedRequest;
import dev.steward.spi.StewardException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A hand-written {@link MonitorEngine} for the monitoring service's tests: the test says what each
 * window held ({@link #closeRequests}, {@link #closeTime}: rows and how many features drifted), the
 * double hands it to the service's sink as the real engine would, and evaluates a window's
 * "profile" (its rows and drift figure as text, merged by adding rows and keeping the larger drift)
 * into a {@link WindowReport} with those figures and the labels' accuracy. It never reads a log.
 */
public final class ScriptedMonitorEngine implements MonitorEngine {
    /** The features a reference compares when the spec names none. */
    public static final List<String> COLUMNS = List.of("temp_max", "temp_min", "precipitation", "wind");

    private final Map<String, ActiveMonitor> active = new ConcurrentHashMap<>();
    private final Map<String, ClosedWindow> open = new ConcurrentHashMap<>();
    /** Every activation, in order. */
    public final List<ActiveMonitor> activations = new CopyOnWriteArrayList<>();
    /** The thread of every evaluation. */
    public final List<String> evaluatedOn = new CopyOnWriteArrayList<>();
    /** The labels every evaluation was given. */
    public final List<LabelCounts> labelsSeen = new CopyOnWriteArrayList<>();
    private final Map<String, ClosedWindow> handed = new ConcurrentHashMap<>();
    private volatile WindowSink sink;
    private volatile long lostRows;
    private volatile Optional<String> failPrepare = Optional.empty();
    private volatile long ticked = -1;

    /** The next {@link #prepare} fails naming {@code field}. */
    public void failPrepare(String field) {
        failPrepare = Optional.of(field);
    }

    @Override
    public PreparedReference prepare(String deployment, MonitorSpec spec) {
        Optional<String> failing = failPrepare;
        failPrepare = Optional.empty();
        if (failing.isPresent()) {
            throw StewardException.invalid(failing.get(), failing.get() + ": no such input column in " + deployment);
        }
        String dataset = spec.reference().map(MonitorSpec.Reference::dataset).orElse("weather");
        int version = spec.reference().map(MonitorSpec.Reference::version).orElse(1);
        List<String> features = spec.features().isEmpty() ? COLUMNS : spec.features();
        byte[] bytes = ("reference of " + deployment + ": " + dataset + "@" + version + " " + MonitorSpecs.toJson(spec)).getBytes(StandardCharsets.UTF_8);
        return new PreparedReference(dataset, version, 1461, features, bytes);
    }

    @Override
    public void activate(ActiveMonitor monitor) {
        active.put(monitor.deployment(), monitor);
        activations.add(monitor);
    }

    @Override
    public void deactivate(String deployment) {
        active.remove(deployment);
        open.remove(deployment);
    }

    public Optional<ActiveMonitor> active(String deployment) {
        return Optional.ofNullable(active.get(deployment));
    }

    @Override
    public void onClose(WindowSink sink) {
        this.sink = requireNonNull(sink, "sink is null");
    }

    /** What the open window of a deployment holds so far. */
    public void open(String deployment, long startMillis, long endMillis, long rows, int drifted) {
        ActiveMonitor monitor = requireActive(deployment);
        open.put(deployment, new ClosedWindow(deployment, monitor.revision(), -1, startMillis, endMillis, rows, profile(rows, drifted)));
    }

    @Override
    public Optional<ClosedWindow> current(String deployment) {
        return Optional.ofNullable(open.get(deployment));
    }

    /** A request window closes: handed to the sink numbered -1, as request windows are. */
    public void closeRequests(String deployment, long startMillis, long endMillis, long rows, int drifted) {
        ActiveMonitor monitor = requireActive(deployment);
        open.remove(deployment);
        hand(new ClosedWindow(deployment, monitor.revision(), -1, startMillis, endMillis, rows, profile(rows, drifted)));
    }

    /** This replica's part of time window {@code number} is handed over (its end plus grace has passed). */
    public void closeTime(String deployment, long number, long rows, int drifted) {
        ActiveMonitor monitor = requireActive(deployment);
        long duration = monitor.spec().window().duration().toMillis();
        hand(new ClosedWindow(deployment, monitor.revision(), number, number * duration, (number + 1) * duration, rows, profile(rows, drifted)));
    }

    private void hand(ClosedWindow window) {
        handed.put(window.deployment() + " " + window.startMillis() + " " + window.endMillis(), window);
        sink.closed(window);
    }

    @Override
    public void tick(long nowMillis) {
        ticked = nowMillis;
    }

    public long lastTick() {
        return ticked;
    }

    @Override
    public byte[] merge(byte[] profile, byte[] other) {
        long[] a = figures(profile);
        long[] b = figures(other);
        return profile(a[0] + b[0], (int) Math.max(a[1], b[1]));
    }

    @Override
    public WindowReport evaluate(ActiveMonitor monitor, ClosedWindow window, LabelCounts labels, boolean partial, String source) {
        evaluatedOn.add(Thread.currentThread().getName());
        labelsSeen.add(labels);
        long[] figures = figures(window.profile());
        boolean small = figures[0] < monitor.spec().window().minRows();
        int compared = monitor.reference().features().size();
        int drifted = small ? 0 : (int) Math.min(figures[1], compared);
        OptionalDouble accuracy = labels.labelled() == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) labels.correct() / labels.labelled());
        WindowReport.PerformanceSummary performance = new WindowReport.PerformanceSummary("multiclass_classification", labels.labelled(), accuracy,
                OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(), Map.of());
        return new WindowReport(monitor.deployment(), monitor.revision(), window.window(), window.startMillis(), window.endMillis(), partial,
                figures[0], small ? WindowReport.TOO_SMALL : WindowReport.EVALUATED, monitor.reference().dataset(), monitor.reference().version(),
                "test", List.of(), small ? 0 : compared, drifted, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(performance), Map.of("weather-model/1", figures[0]), source);
    }

    /** Rows the log lost (a segment gone): a rebuilt window holds what was handed over for its range, minus these. */
    public void loseRows(long rows) {
        lostRows = rows;
    }

    @Override
    public ClosedWindow rebuild(ActiveMonitor monitor, long window, long startMillis, long endMillis) {
        ClosedWindow live = handed.get(monitor.deployment() + " " + startMillis + " " + endMillis);
        long[] figures = live == null ? new long[] {0, 0} : figures(live.profile());
        long rows = Math.max(0, figures[0] - lostRows);
        return new ClosedWindow(monitor.deployment(), monitor.revision(), window, startMillis, endMillis, rows, profile(rows, (int) figures[1]));
    }

    @Override
    public LoggedRequest annotate(LoggedRequest entry) {
        return entry;
    }

    @Override
    public void written(List<LoggedRequest> entries) {
    }

    private ActiveMonitor requireActive(String deployment) {
        ActiveMonitor monitor = active.get(deployment);
        if (monitor == null) {
            throw new IllegalStateException(deployment + " is not watched");
        }
        return monitor;
    }

    static byte[] profile(long rows, int drifted) {
        return ("rows=" + rows + ";drifted=" + drifted).getBytes(StandardCharsets.UTF_8);
    }

    static long[] figures(byte[] profile) {
        String[] parts = new String(profile, StandardCharsets.UTF_8).split(";");
        return new long[] {Long.parseLong(parts[0].substring("rows=".length())), Long.parseLong(parts[1].substring("drifted=".length()))};
    }
}
