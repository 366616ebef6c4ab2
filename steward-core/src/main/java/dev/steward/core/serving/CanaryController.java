package dev.steward.core.serving;

import static java.util.Objects.requireNonNull;

import dev.steward.core.tracking.TrackingService;
import dev.steward.core.webhooks.EventType;
import dev.steward.spi.StewardException;
import dev.steward.spi.serving.DeploymentRevisionRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves canaries along: every tick, each deployment whose traffic is a {@link DeploymentSpec.Canary}
 * has its candidate's guardrails checked on the candidate's own traffic since the current step
 * began (error rate, p99 latency from {@link LiveTraffic}; accuracy from feedback once enough
 * answers are labelled). A tripped guardrail rolls all traffic back to the stable version at once;
 * a step that held for its dwell time with enough requests moves to the next; past the last step
 * the candidate is promoted to the only version. Each move is a new revision written through
 * {@link DeploymentService#rollout} (audited, sent to webhooks, seen by every replica); two
 * replicas never both make the same move, as a move applies only to the revision it was decided on.
 *
 * <p>The same tick judges each deployment's automatic cut-out on its error rate: over the last
 * {@code cutout.window} with at least {@code min_requests} requests across its versions, an error
 * rate above {@code max_error_rate} stops the deployment (as an emergency stop by the system, with
 * the rule and the figures as its reason; audited and sent to webhooks).
 */
public final class CanaryController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CanaryController.class);
    /** Error rate and p99 are judged only once the candidate answered this many requests in the step. */
    static final long MIN_JUDGED = 10;

    private final DeploymentService deployments;
    private final LiveTraffic traffic;
    private final LiveAccuracy accuracy;
    private final Clock clock;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "steward-canary");
        thread.setDaemon(true);
        return thread;
    });

    /** Labelled answers of a version since a time, from feedback. */
    @FunctionalInterface
    public interface LiveAccuracy {
        Labelled since(String deployment, String versionUri, long sinceMillis);

        /** No feedback at all. */
        LiveAccuracy NONE = (deployment, version, since) -> new Labelled(0, 0);
    }

    /** How many answers have a label, and how many of those were right. */
    public record Labelled(long labelled, long correct) {
        public double accuracy() {
            return labelled == 0 ? Double.NaN : (double) correct / labelled;
        }
    }

    /** What to do with a canary now. */
    public sealed interface Move permits Stay, Advance, Promote, Rollback {
    }

    /** Nothing yet: {@code why} says what it waits for. */
    public record Stay(String why) implements Move {
    }

    public record Advance(int toStep, String why) implements Move {
    }

    public record Promote(String why) implements Move {
    }

    public record Rollback(String why) implements Move {
    }

    public CanaryController(DeploymentService deployments, LiveTraffic traffic, LiveAccuracy accuracy, Clock clock) {
        this.deployments = requireNonNull(deployments, "deployments is null");
        this.traffic = requireNonNull(traffic, "traffic is null");
        this.accuracy = requireNonNull(accuracy, "accuracy is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Ticks every {@code tick}, running {@code after} after each tick (e.g. gauges of what moved). */
    public void start(Duration tick, Runnable after) {
        ticker.scheduleWithFixedDelay(() -> {
            try {
                tick();
                after.run();
            } catch (RuntimeException e) {
                LOG.warn("canary tick failed: {}", e.toString());
            }
        }, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }

    /** Decides and makes every canary's move once. */
    public void tick() {
        for (DeploymentState state : deployments.current().values()) {
            if (!state.stopped() && state.spec().cutout().isPresent() && state.spec().cutout().get().maxErrorRate().isPresent()) {
                DeploymentSpec.Cutout cutout = state.spec().cutout().get();
                long since = Math.max(state.updatedAt(), clock.millis() - cutout.window().toMillis());
                long requests = 0;
                long errors = 0;
                for (DeploymentSpec.ServedVersion v : state.spec().versions()) {
                    LiveTraffic.Stats stats = traffic.since(state.name(), v.uri(), since);
                    requests += stats.requests();
                    errors += stats.errors();
                }
                double max = cutout.maxErrorRate().getAsDouble();
                if (requests >= cutout.minRequests() && (double) errors / requests > max) {
                    try {
                        deployments.stop(TrackingService.system(), state.name(), String.format(Locale.ROOT, "automatic cut-out: error rate %.3f"
                                + " over %d requests in the last %d s is above %.3f (cutout.max_error_rate)", (double) errors / requests, requests,
                                cutout.window().toSeconds(), max));
                        LOG.warn("deployment {} stopped by its automatic cut-out ({} errors in {} requests)", state.name(), errors, requests);
                    } catch (StewardException e) {
                        LOG.debug("cut-out of {} not made: {}", state.name(), e.getMessage());
                    }
                    continue;
                }
            }
            if (state.stopped() || !(state.spec().traffic().orElse(null) instanceof DeploymentSpec.Canary canary)) {
                continue;
            }
            Move move = decide(canary, traffic.since(state.name(), canary.candidate(), state.updatedAt()),
                    accuracy.since(state.name(), canary.candidate(), state.updatedAt()), Duration.ofMillis(clock.millis() - state.updatedAt()));
            try {
                apply(state, canary, move);
            } catch (StewardException e) {
                LOG.debug("canary move in {} not made: {}", state.name(), e.getMessage());
            }
        }
    }

    /** The move for a canary whose candidate shows {@code stats} and {@code labelled} over {@code elapsed} of its step. */
    public static Move decide(DeploymentSpec.Canary canary, LiveTraffic.Stats stats, Labelled labelled, Duration elapsed) {
        DeploymentSpec.Guardrails g = canary.guardrails();
        List<String> tripped = new ArrayList<>();
        if (stats.requests() >= MIN_JUDGED) {
            g.maxErrorRate().ifPresent(max -> {
                if (stats.errorRate() > max) {
                    tripped.add(String.format(Locale.ROOT, "error rate %.3f over %d requests is above %.3f", stats.errorRate(), stats.requests(), max));
                }
            });
            g.maxP99Millis().ifPresent(max -> {
                if (stats.p99Millis() > max) {
                    tripped.add(String.format(Locale.ROOT, "p99 latency %.1f ms is above %.1f ms", stats.p99Millis(), max));
                }
            });
        }
        if (labelled.labelled() >= g.minLabelled()) {
            g.minAccuracy().ifPresent(min -> {
                if (labelled.accuracy() < min) {
                    tripped.add(String.format(Locale.ROOT, "live accuracy %.3f on %d labelled answers is below %.3f", labelled.accuracy(),
                            labelled.labelled(), min));
                }
            });
        }
        String step = "step " + (canary.step() + 1) + " of " + canary.steps().size() + " (" + percent(canary.candidatePercent()) + ")";
        if (!tripped.isEmpty()) {
            return new Rollback("canary " + canary.candidate() + " rolled back at " + step + ": " + String.join("; ", tripped));
        }
        if (elapsed.compareTo(canary.dwell()) < 0) {
            return new Stay(step + " dwells until " + canary.dwell().toSeconds() + " s have passed");
        }
        if (stats.requests() < canary.minRequests()) {
            return new Stay(step + " waits for " + canary.minRequests() + " candidate requests (" + stats.requests() + " so far)");
        }
        if (g.minAccuracy().isPresent() && labelled.labelled() < g.minLabelled()) {
            return new Stay(step + " waits for " + g.minLabelled() + " labelled answers (" + labelled.labelled() + " so far)");
        }
        String held = "held " + step + " for " + elapsed.toSeconds() + " s with " + stats.requests() + " requests";
        if (canary.step() + 1 < canary.steps().size()) {
            return new Advance(canary.step() + 1, held + "; now " + percent(canary.steps().get(canary.step() + 1)));
        }
        return new Promote(held + "; " + canary.candidate() + " is promoted to the only version");
    }

    private void apply(DeploymentState state, DeploymentSpec.Canary canary, Move move) {
        DeploymentSpec spec = state.spec();
        if (move instanceof Stay) {
            return;
        }
        if (move instanceof Advance advance) {
            DeploymentSpec.Canary next = canary.atStep(advance.toStep());
            deployments.rollout(TrackingService.system(), state.name(), state.revision(), spec.withTraffic(Optional.of(next))
                    .withVersions(DeploymentSpecs.weighted(spec.versions(), next)), DeploymentRevisionRecord.CANARY_STEP, advance.why(),
                    "deployment.canary.step", EventType.DEPLOYMENT_UPDATED);
        } else if (move instanceof Promote promote) {
            DeploymentSpec.ServedVersion candidate = spec.version(canary.candidate()).orElseThrow();
            deployments.rollout(TrackingService.system(), state.name(), state.revision(), spec.withTraffic(Optional.empty())
                    .withVersions(List.of(new DeploymentSpec.ServedVersion(candidate.model(), candidate.version(), 1, candidate.overrideReason()))),
                    DeploymentRevisionRecord.CANARY_PROMOTE, promote.why(), "deployment.canary.promote", EventType.DEPLOYMENT_CANARY_PROMOTED);
        } else if (move instanceof Rollback rollback) {
            List<DeploymentSpec.ServedVersion> back = new ArrayList<>();
            for (DeploymentSpec.ServedVersion v : spec.versions()) {
                back.add(new DeploymentSpec.ServedVersion(v.model(), v.version(), v.uri().equals(canary.stable()) ? 1 : 0, v.overrideReason()));
            }
            deployments.rollout(TrackingService.system(), state.name(), state.revision(), spec.withTraffic(Optional.empty()).withVersions(back),
                    DeploymentRevisionRecord.CANARY_ROLLBACK, rollback.why(), "deployment.canary.rollback", EventType.DEPLOYMENT_CANARY_ROLLED_BACK);
            LOG.warn("{}: {}", state.name(), rollback.why());
        }
    }

    private static String percent(double p) {
        return (p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p)) + "%";
    }
}
