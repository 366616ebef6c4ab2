package dev.steward.core.serving;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.serving.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Adaptive batching of the calls to one version in one deployment. Thread-safe; it has no thread
 * of its own, so it costs nothing while idle.
 *
 * <p>At most {@code maxCalls} runtime calls run at once (one per core: a call runs on its
 * caller's thread alone). A request that finds a call free runs at once, on its own thread: a lone
 * request waits for nothing, and a model cheaper than the HTTP around it is never queued at all.
 * Requests arriving while every call is taken queue up; when a call ends, its thread hands the
 * queue (up to {@code maxBatchSize} rows) to the thread of the first queued request, which runs
 * them as one call and hands on in turn. So batches form exactly when the model is the
 * bottleneck, and grow with the load. Before a call, its leader waits for more requests only while
 * the traffic says they are coming and the wait can pay: when recent calls already held several
 * requests and requests arrive faster than the wait, it waits until the batch is full, until no
 * request came for twice the usual gap, or until the wait is over: {@code maxWaitMicros}, and never
 * longer than a call of the model takes (waiting longer than running costs more than it saves).
 */
final class Batcher {
    /** How much one arrival or one call moves the averages the wait is decided on (1/8: a short memory). */
    private static final int SMOOTHING = 8;
    /** The gap counted for an arrival after a long quiet: anything longer says the same, "idle". */
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Requests per call, on average, above which the traffic is concurrent enough for waiting to pay. */
    private static final double CONCURRENT = 1.5;
    /** What a queued call's thread is waiting for: its turn to lead a batch, or the end of the batch it is in. */
    private static final int WAITING = 0;
    private static final int LEADING = 1;
    private static final int DONE = 2;

    private final ServedModel model;
    private final int maxRows;
    private final long maxWaitNanos;
    private final int maxCalls;
    private final ServingMetrics.Lane metrics;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<Call> queue = new ArrayDeque<>();
    /** Runtime calls running now (a batch counts once). */
    private int calls;
    private boolean leaderWaiting;
    private long lastArrival = System.nanoTime() - IDLE_NANOS;
    private long gap = IDLE_NANOS;
    private double requestsPerCall = 1;
    /** How long a call of the model takes, on average. */
    private long callNanos;

    /** {@code maxCalls}: runtime calls that may run at once (the engine gives one per core). */
    Batcher(ServedModel model, DeploymentSpec.Batching batching, int maxCalls, ServingMetrics.Lane metrics) {
        this.model = requireNonNull(model, "model is null");
        this.maxRows = batching.maxBatchSize();
        this.maxWaitNanos = TimeUnit.MICROSECONDS.toNanos(batching.maxWaitMicros());
        if (maxCalls < 1) {
            throw new IllegalArgumentException("maxCalls must be positive: " + maxCalls);
        }
        this.maxCalls = maxCalls;
        this.metrics = requireNonNull(metrics, "metrics is null");
    }

    /** One request's part of a runtime call. */
    private static final class Call {
        final List<Tensor> inputs;
        final int rows;
        final Set<String> outputs;
        final Thread thread = Thread.currentThread();
        volatile int state = WAITING;
        List<Call> batch;
        Map<String, Tensor> result;
        RuntimeException error;

        Call(List<Tensor> inputs, int rows, Set<String> outputs) {
            this.inputs = inputs;
            this.rows = rows;
            this.outputs = outputs;
        }
    }

    /** Rows waiting for a call. */
    int queuedRows() {
        lock.lock();
        try {
            return queue.stream().mapToInt(c -> c.rows).sum();
        } finally {
            lock.unlock();
        }
    }

    /** Runs the graph on one request's inputs (alone or with others), returning the outputs asked for, in the graph's order. */
    Map<String, Tensor> run(List<Tensor> inputs, int rows, Set<String> outputs) {
        if (maxRows == 1 || !model.batchable || rows >= maxRows) {
            metrics.batch(rows);
            return model.run(inputs, outputs);
        }
        Call call = new Call(inputs, rows, outputs);
        List<Call> batch;
        lock.lock();
        try {
            arrival(System.nanoTime());
            if (calls < maxCalls) {
                calls++;
                batch = new ArrayList<>(List.of(call));
            } else {
                queue.add(call);
                metrics.queued(rows);
                if (leaderWaiting) {
                    arrived.signal();
                }
                batch = null;
            }
        } finally {
            lock.unlock();
        }
        if (batch == null) {
            awaitTurn(call);
            if (call.state == DONE) {
                return outcome(call);
            }
            batch = call.batch;
        }
        lead(batch);
        return outcome(call);
    }

    private static Map<String, Tensor> outcome(Call call) {
        if (call.error != null) {
            throw call.error;
        }
        return call.result;
    }

    private static void awaitTurn(Call call) {
        boolean interrupted = false;
        while (call.state == WAITING) {
            LockSupport.park(call);
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void arrival(long now) {
        long since = Math.min(IDLE_NANOS, now - lastArrival);
        lastArrival = now;
        gap += (since - gap) / SMOOTHING;
    }

    /** Runs a batch (whose first call is this thread's own), completes its calls and hands the queue on. */
    private void lead(List<Call> batch) {
        lock.lock();
        try {
            int rows = take(batch, batch.stream().mapToInt(c -> c.rows).sum());
            long longest = Math.min(maxWaitNanos, callNanos);
            if (rows < maxRows && requestsPerCall >= CONCURRENT && gap < longest) {
                long deadline = System.nanoTime() + longest;
                leaderWaiting = true;
                try {
                    while (rows < maxRows) {
                        long now = System.nanoTime();
                        long wait = Math.min(deadline, lastArrival + 2 * gap) - now;
                        if (wait <= 0) {
                            break;
                        }
                        arrived.awaitNanos(wait);
                        rows = take(batch, rows);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    leaderWaiting = false;
                }
            }
        } finally {
            lock.unlock();
        }
        long start = System.nanoTime();
        execute(batch);
        long took = System.nanoTime() - start;
        Call next;
        lock.lock();
        try {
            requestsPerCall += (batch.size() - requestsPerCall) / SMOOTHING;
            callNanos += (took - callNanos) / SMOOTHING;
            next = queue.poll();
            if (next == null) {
                calls--;
            } else {
                metrics.queued(-next.rows);
                List<Call> following = new ArrayList<>(List.of(next));
                take(following, next.rows);
                next.batch = following;
            }
        } finally {
            lock.unlock();
        }
        for (Call call : batch.subList(1, batch.size())) {
            call.state = DONE;
            LockSupport.unpark(call.thread);
        }
        if (next != null) {
            next.state = LEADING;
            LockSupport.unpark(next.thread);
        }
    }

    /** Moves queued calls into the batch while they fit; returns its rows. Holds the lock. */
    private int take(List<Call> batch, int rows) {
        while (!queue.isEmpty() && rows + queue.peek().rows <= maxRows) {
            Call call = queue.poll();
            metrics.queued(-call.rows);
            batch.add(call);
            rows += call.rows;
        }
        return rows;
    }

    private void execute(List<Call> batch) {
        int rows = batch.stream().mapToInt(c -> c.rows).sum();
        metrics.batch(rows);
        if (batch.size() == 1) {
            alone(batch.get(0));
            return;
        }
        Set<String> outputs = new LinkedHashSet<>();
        batch.forEach(c -> outputs.addAll(c.outputs));
        Map<String, Tensor> all;
        try {
            List<Tensor> inputs = new ArrayList<>();
            for (int i = 0; i < batch.get(0).inputs.size(); i++) {
                List<Tensor> parts = new ArrayList<>(batch.size());
                for (Call call : batch) {
                    parts.add(call.inputs.get(i));
                }
                inputs.add(Rows.concat(parts));
            }
            all = model.run(inputs, outputs);
            for (Tensor output : all.values()) {
                if (output.rank() == 0 || output.dimension(0) != rows) {
                    throw new IllegalStateException("output " + output.name() + " has no row per input row");
                }
            }
        } catch (RuntimeException e) {
            // One request may hold what the runtime refuses: alone, only that one fails.
            batch.forEach(this::alone);
            return;
        }
        int from = 0;
        for (Call call : batch) {
            Map<String, Tensor> own = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> output : all.entrySet()) {
                if (call.outputs.contains(output.getKey())) {
                    own.put(output.getKey(), Rows.slice(output.getValue(), from, from + call.rows));
                }
            }
            call.result = own;
            from += call.rows;
        }
    }

    private void alone(Call call) {
        try {
            call.result = model.run(call.inputs, call.outputs);
        } catch (RuntimeException e) {
            call.error = e;
        }
    }
}
