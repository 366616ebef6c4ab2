package dev.steward.client;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A live run. Params, tags and metrics are buffered and sent as batches (within MLflow's batch
 * limits) when a buffer fills, on {@link #flush()}, and on {@link #close()}, which also ends the
 * run: FINISHED unless {@link #markFailed()} or {@link #markKilled()} was called.
 *
 * <pre>{@code
 * try (Run run = client.startRun(experimentId, "forest-42")) {
 *     run.logParam("max_depth", 7);
 *     run.logMetric("acc", 0.93, 1);
 * }
 * }</pre>
 *
 * Thread-safe.
 */
public final class Run implements AutoCloseable {
    private static final int MAX_METRICS = 1000;
    private static final int MAX_PARAMS_OR_TAGS = 100;

    private final StewardClient client;
    private final RunDetails started;
    private final List<MetricPoint> metrics = new ArrayList<>();
    private final Map<String, String> params = new LinkedHashMap<>();
    private final Map<String, String> tags = new LinkedHashMap<>();
    private String endStatus = "FINISHED";
    private boolean closed;

    Run(StewardClient client, RunDetails started) {
        this.client = client;
        this.started = started;
    }

    public String id() {
        return started.id();
    }

    public String experimentId() {
        return started.experimentId();
    }

    public String name() {
        return started.name();
    }

    public String artifactUri() {
        return started.artifactUri();
    }

    public synchronized Run logParam(String key, Object value) {
        requireOpen();
        params.put(requireNonNull(key, "key is null"), String.valueOf(value));
        if (params.size() >= MAX_PARAMS_OR_TAGS) {
            flush();
        }
        return this;
    }

    public synchronized Run logParams(Map<String, ?> values) {
        values.forEach(this::logParam);
        return this;
    }

    public Run logMetric(String key, double value) {
        return logMetric(key, value, 0);
    }

    public synchronized Run logMetric(String key, double value, long step) {
        requireOpen();
        metrics.add(new MetricPoint(requireNonNull(key, "key is null"), value, System.currentTimeMillis(), step));
        if (metrics.size() >= MAX_METRICS) {
            flush();
        }
        return this;
    }

    public synchronized Run setTag(String key, String value) {
        requireOpen();
        tags.put(requireNonNull(key, "key is null"), requireNonNull(value, "value is null"));
        if (tags.size() >= MAX_PARAMS_OR_TAGS) {
            flush();
        }
        return this;
    }

    /** Uploads a file into the run's artifacts, under {@code directory} ("" for the root). */
    public void logArtifact(Path file, String directory) {
        requireOpen();
        client.uploadRunArtifact(started, file, directory);
    }

    public void logArtifact(Path file) {
        logArtifact(file, "");
    }

    /** Sends everything buffered, as as many batches as MLflow's limits require. */
    public synchronized void flush() {
        while (!metrics.isEmpty() || !params.isEmpty() || !tags.isEmpty()) {
            List<MetricPoint> metricBatch = take(metrics, MAX_METRICS - Math.min(params.size(), MAX_PARAMS_OR_TAGS)
                    - Math.min(tags.size(), MAX_PARAMS_OR_TAGS));
            Map<String, String> paramBatch = take(params);
            Map<String, String> tagBatch = take(tags);
            client.logBatch(started.id(), metricBatch, paramBatch, tagBatch);
        }
    }

    /** The run will end FAILED when closed. */
    public synchronized void markFailed() {
        endStatus = "FAILED";
    }

    /** The run will end KILLED when closed. */
    public synchronized void markKilled() {
        endStatus = "KILLED";
    }

    /** Flushes and ends the run; calling it again does nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            flush();
        } catch (RuntimeException e) {
            endStatus = "FAILED";
            closed = true;
            client.endRun(started.id(), endStatus);
            throw e;
        }
        closed = true;
        client.endRun(started.id(), endStatus);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("run " + started.id() + " is closed");
        }
    }

    private static List<MetricPoint> take(List<MetricPoint> from, int max) {
        List<MetricPoint> batch = new ArrayList<>(from.subList(0, Math.min(from.size(), Math.max(max, 0))));
        from.subList(0, batch.size()).clear();
        return batch;
    }

    private static Map<String, String> take(Map<String, String> from) {
        Map<String, String> batch = new LinkedHashMap<>();
        var iterator = from.entrySet().iterator();
        while (iterator.hasNext() && batch.size() < MAX_PARAMS_OR_TAGS) {
            var entry = iterator.next();
            batch.put(entry.getKey(), entry.getValue());
            iterator.remove();
        }
        return batch;
    }
}
