package dev.steward.core.serving;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What a deployment serves and how: the registered versions with their traffic weights, how
 * concurrent requests are batched, the limits of a request, and the optional confidence threshold.
 * Immutable; every change to a deployment is a new revision holding a new spec.
 *
 * @param environment the registry environment whose promoted versions it may serve
 * @param versions at least one; weights are relative (a single version gets all traffic)
 * @param stickyKey for weighted traffic, the header ({@code header:X-User}) or field that pins a caller to one version
 * @param traffic how traffic moves between versions beyond fixed weights: a canary, a shadow or a bandit (empty: the weights)
 * @param cutout when the deployment stops itself (the automatic emergency cut-out)
 */
public record DeploymentSpec(String environment, List<ServedVersion> versions, Optional<String> stickyKey, Batching batching, Limits limits,
        Optional<Threshold> threshold, Optional<Traffic> traffic, Optional<Cutout> cutout) {
    public DeploymentSpec {
        requireNonNull(environment, "environment is null");
        versions = List.copyOf(versions);
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("a deployment serves at least one version");
        }
        requireNonNull(stickyKey, "stickyKey is null");
        requireNonNull(batching, "batching is null");
        requireNonNull(limits, "limits is null");
        requireNonNull(threshold, "threshold is null");
        requireNonNull(traffic, "traffic is null");
        requireNonNull(cutout, "cutout is null");
    }

    public DeploymentSpec(String environment, List<ServedVersion> versions, Optional<String> stickyKey, Batching batching, Limits limits,
            Optional<Threshold> threshold, Optional<Traffic> traffic) {
        this(environment, versions, stickyKey, batching, limits, threshold, traffic, Optional.empty());
    }

    /** A spec with fixed weights. */
    public DeploymentSpec(String environment, List<ServedVersion> versions, Optional<String> stickyKey, Batching batching, Limits limits,
            Optional<Threshold> threshold) {
        this(environment, versions, stickyKey, batching, limits, threshold, Optional.empty(), Optional.empty());
    }

    /** The same spec with other versions (and weights). */
    public DeploymentSpec withVersions(List<ServedVersion> newVersions) {
        return new DeploymentSpec(environment, newVersions, stickyKey, batching, limits, threshold, traffic, cutout);
    }

    /** The same spec with another traffic policy. */
    public DeploymentSpec withTraffic(Optional<Traffic> newTraffic) {
        return new DeploymentSpec(environment, versions, stickyKey, batching, limits, threshold, newTraffic, cutout);
    }

    /** The served version a URI ({@code models:/name/3}) names, if served. */
    public Optional<ServedVersion> version(String uri) {
        return versions.stream().filter(v -> v.uri().equals(uri)).findFirst();
    }

    /**
     * The automatic cut-out: the deployment is stopped (as by an emergency stop, with the rule as
     * its reason, audited, sent to webhooks) when its error rate over the last {@code window}
     * exceeds {@code maxErrorRate} with at least {@code minRequests} requests, or at once when a
     * model answers one of {@code forbiddenLabels} (that answer is not returned).
     */
    public record Cutout(OptionalDouble maxErrorRate, java.time.Duration window, long minRequests, List<String> forbiddenLabels) {
        public Cutout {
            requireNonNull(maxErrorRate, "maxErrorRate is null");
            requireNonNull(window, "window is null");
            forbiddenLabels = List.copyOf(forbiddenLabels);
        }
    }

    /** How traffic moves between versions beyond fixed weights. */
    public sealed interface Traffic permits Canary, Shadow, Bandit {
        String kind();
    }

    /**
     * A progressive rollout: the candidate gets {@code steps[step]} percent of the traffic, the
     * stable version the rest; after {@code dwell} with at least {@code minRequests} candidate
     * requests and every guardrail holding, the next step (each step is a new revision); past the
     * last step the candidate becomes the only version. A tripped guardrail gives all traffic back
     * to the stable version at once (a revision, audited, with the reason, and a webhook).
     *
     * @param step the current step's index
     */
    public record Canary(String stable, String candidate, List<Double> steps, java.time.Duration dwell, long minRequests, Guardrails guardrails,
            int step) implements Traffic {
        public Canary {
            requireNonNull(stable, "stable is null");
            requireNonNull(candidate, "candidate is null");
            steps = List.copyOf(steps);
            requireNonNull(dwell, "dwell is null");
            requireNonNull(guardrails, "guardrails is null");
            if (steps.isEmpty() || step < 0 || step >= steps.size()) {
                throw new IllegalArgumentException("bad canary step " + step + " of " + steps);
            }
        }

        @Override
        public String kind() {
            return "canary";
        }

        public double candidatePercent() {
            return steps.get(step);
        }

        public Canary atStep(int next) {
            return new Canary(stable, candidate, steps, dwell, minRequests, guardrails, next);
        }
    }

    /**
     * What a canary must keep to go on, measured on its own traffic since its step began: error
     * rate, p99 latency, and, once {@code minLabelled} of its answers have feedback, accuracy.
     */
    public record Guardrails(OptionalDouble maxErrorRate, OptionalDouble maxP99Millis, OptionalDouble minAccuracy, long minLabelled) {
        public Guardrails {
            requireNonNull(maxErrorRate, "maxErrorRate is null");
            requireNonNull(maxP99Millis, "maxP99Millis is null");
            requireNonNull(minAccuracy, "minAccuracy is null");
        }
    }

    /**
     * The shadow gets a copy of the primary's traffic, asynchronously through a bounded queue; its
     * answers are logged and compared with the primary's, never returned.
     */
    public record Shadow(String primary, String shadow, int queue) implements Traffic {
        public Shadow {
            requireNonNull(primary, "primary is null");
            requireNonNull(shadow, "shadow is null");
            if (queue < 1) {
                throw new IllegalArgumentException("bad shadow queue " + queue);
            }
        }

        @Override
        public String kind() {
            return "shadow";
        }
    }

    /**
     * A multi-armed bandit over the served versions, driven by rewards from feedback:
     * {@code thompson} (Beta posteriors for binary rewards, Gaussian for real ones) or
     * {@code epsilon_greedy}; {@code discount} below 1 forgets old rewards so the allocation moves
     * when the rewards change.
     */
    public record Bandit(String algorithm, String reward, double epsilon, double discount) implements Traffic {
        public Bandit {
            requireNonNull(algorithm, "algorithm is null");
            requireNonNull(reward, "reward is null");
            if (!(epsilon >= 0 && epsilon <= 1) || !(discount > 0 && discount <= 1)) {
                throw new IllegalArgumentException("bad bandit " + epsilon + " / " + discount);
            }
        }

        @Override
        public String kind() {
            return "bandit";
        }
    }

    /**
     * A registered version in a deployment.
     *
     * @param model the registered model's name
     * @param version its version number
     * @param weight relative share of the traffic (0 for a version reachable only when pinned)
     * @param overrideReason set when an admin deployed a version not promoted to the environment (audited)
     */
    public record ServedVersion(String model, int version, double weight, Optional<String> overrideReason) {
        public ServedVersion {
            requireNonNull(model, "model is null");
            requireNonNull(overrideReason, "overrideReason is null");
            if (version < 1 || !(weight >= 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("bad served version " + model + "/" + version + " weight " + weight);
            }
        }

        public String uri() {
            return "models:/" + model + "/" + version;
        }
    }

    /**
     * Adaptive batching: requests to the same version arriving together are run as one batch of at
     * most {@code maxBatchSize} rows, waiting at most {@code maxWaitMicros} for company (less when
     * traffic is light, so that a lone request is not delayed). {@code maxBatchSize} 1 turns it off.
     */
    public record Batching(int maxBatchSize, long maxWaitMicros) {
        public static final Batching DEFAULT = new Batching(64, 2_000);

        public Batching {
            if (maxBatchSize < 1 || maxWaitMicros < 0) {
                throw new IllegalArgumentException("bad batching " + maxBatchSize + " / " + maxWaitMicros);
            }
        }
    }

    /**
     * Per-request limits and the per-token rate limit (token bucket; empty = unlimited).
     */
    public record Limits(int maxRows, long maxRequestBytes, OptionalDouble requestsPerSecond, int burst) {
        public static final Limits DEFAULT = new Limits(10_000, 16L * 1024 * 1024, OptionalDouble.empty(), 0);

        public Limits {
            requireNonNull(requestsPerSecond, "requestsPerSecond is null");
            if (maxRows < 1 || maxRequestBytes < 1 || burst < 0) {
                throw new IllegalArgumentException("bad limits");
            }
        }
    }

    /**
     * A classification below {@code minConfidence} (the top class probability) is answered as
     * abstained (or with {@code fallbackLabel}) and queued for human review.
     */
    public record Threshold(double minConfidence, Optional<String> fallbackLabel) {
        public Threshold {
            requireNonNull(fallbackLabel, "fallbackLabel is null");
            if (!(minConfidence > 0 && minConfidence <= 1)) {
                throw new IllegalArgumentException("bad confidence threshold " + minConfidence);
            }
        }
    }
}
