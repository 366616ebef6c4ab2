package dev.steward.core.serving;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state the engine keeps for traffic policies beyond fixed weights: a {@link BanditAllocator}
 * per bandit deployment, a bounded single-thread queue and agreement figures per shadow, and the
 * deployments an automatic cut-out tripped (refused here at once, until the stop the trip asked
 * for is published). Thread-safe.
 */
final class TrafficPolicies implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TrafficPolicies.class);

    private final Map<String, BanditAllocator> bandits = new ConcurrentHashMap<>();
    private final Map<String, Shadowing> shadows = new ConcurrentHashMap<>();
    /** Deployment → the change time of the state a cut-out tripped on, and why. */
    private final Map<String, Trip> tripped = new ConcurrentHashMap<>();
    private final ExecutorService tripper = Executors.newSingleThreadExecutor(daemon("steward-cutout"));
    private volatile BiConsumer<String, String> onTrip = (deployment, reason) -> { };

    record Trip(long stateChangedAt, String reason) {
    }

    /** What a shadow did: requests copied, dropped (queue full), failed; rows compared and agreed; the mean gap in top-class probability. */
    record ShadowStats(String primary, String shadow, long copied, long dropped, long failed, long rowsCompared, long rowsAgreed,
            double meanConfidenceGap) {
        double agreement() {
            return rowsCompared == 0 ? Double.NaN : (double) rowsAgreed / rowsCompared;
        }
    }

    /** The allocator of a bandit deployment over {@code arms} (version URIs), kept while the arms stay the same. */
    BanditAllocator bandit(String deployment, DeploymentSpec.Bandit bandit, List<String> arms) {
        return bandits.compute(deployment, (name, current) -> current != null && current.arms().equals(arms) && current.bandit().equals(bandit)
                ? current : new BanditAllocator(bandit, arms, name.hashCode()));
    }

    /** A reward for a version of a bandit deployment (ignored for others). */
    void reward(String deployment, String versionUri, double reward) {
        BanditAllocator allocator = bandits.get(deployment);
        if (allocator != null) {
            allocator.reward(versionUri, reward);
        }
    }

    Optional<BanditAllocator> bandit(String deployment) {
        return Optional.ofNullable(bandits.get(deployment));
    }

    /** Runs {@code work} on the shadow's own thread unless its queue is full (then the copy is dropped and counted). */
    void shadow(String deployment, DeploymentSpec.Shadow shadow, Runnable work) {
        Shadowing shadowing = shadows.compute(deployment, (name, current) -> {
            if (current != null && current.spec.equals(shadow)) {
                return current;
            }
            if (current != null) {
                current.executor.shutdown();
            }
            return new Shadowing(shadow);
        });
        shadowing.copied.increment();
        try {
            shadowing.executor.execute(work);
        } catch (RejectedExecutionException e) {
            shadowing.dropped.increment();
        }
    }

    /** Records what a shadow answered compared with the primary. */
    void compared(String deployment, long rows, long agreed, double confidenceGapSum) {
        Shadowing s = shadows.get(deployment);
        if (s != null) {
            s.rows.add(rows);
            s.agreed.add(agreed);
            s.gap.add(confidenceGapSum);
        }
    }

    void shadowFailed(String deployment) {
        Shadowing s = shadows.get(deployment);
        if (s != null) {
            s.failed.increment();
        }
    }

    Optional<ShadowStats> shadowStats(String deployment) {
        Shadowing s = shadows.get(deployment);
        if (s == null) {
            return Optional.empty();
        }
        long rows = s.rows.sum();
        return Optional.of(new ShadowStats(s.spec.primary(), s.spec.shadow(), s.copied.sum(), s.dropped.sum(), s.failed.sum(), rows, s.agreed.sum(),
                rows == 0 ? Double.NaN : s.gap.sum() / rows));
    }

    /** Where the engine asks for a deployment to be stopped when a cut-out rule trips (the deployment service's stop). */
    void onTrip(BiConsumer<String, String> listener) {
        this.onTrip = listener;
    }

    /** Trips the cut-out of a deployment: refused here from now on; the stop is asked for on a thread of its own, once. */
    void trip(DeploymentState state, String reason) {
        if (tripped.putIfAbsent(state.name(), new Trip(state.updatedAt(), reason)) == null) {
            LOG.warn("deployment {}: automatic cut-out: {}", state.name(), reason);
            tripper.execute(() -> {
                try {
                    onTrip.accept(state.name(), reason);
                } catch (RuntimeException e) {
                    LOG.warn("deployment {}: the cut-out's stop failed: {}", state.name(), e.toString());
                }
            });
        }
    }

    /** Why the deployment is refused here by a trip of its current state, if it is. */
    Optional<String> tripped(DeploymentState state) {
        Trip trip = tripped.get(state.name());
        if (trip == null) {
            return Optional.empty();
        }
        if (state.updatedAt() != trip.stateChangedAt()) {
            // The stop (or a later change) is published: the directory says what holds now.
            tripped.remove(state.name(), trip);
            return Optional.empty();
        }
        return Optional.of(trip.reason());
    }

    /** Forgets what belongs to deployments that are gone. */
    void retain(java.util.Set<String> live) {
        bandits.keySet().retainAll(live);
        shadows.entrySet().removeIf(e -> {
            if (live.contains(e.getKey())) {
                return false;
            }
            e.getValue().executor.shutdown();
            return true;
        });
        tripped.keySet().retainAll(live);
    }

    @Override
    public void close() {
        shadows.values().forEach(s -> s.executor.shutdownNow());
        tripper.shutdownNow();
    }

    private static final class Shadowing {
        final DeploymentSpec.Shadow spec;
        final ThreadPoolExecutor executor;
        final LongAdder copied = new LongAdder();
        final LongAdder dropped = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder rows = new LongAdder();
        final LongAdder agreed = new LongAdder();
        final DoubleAdder gap = new DoubleAdder();

        Shadowing(DeploymentSpec.Shadow spec) {
            this.spec = spec;
            this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(spec.queue()),
                    daemon("steward-shadow"), new ThreadPoolExecutor.AbortPolicy());
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
