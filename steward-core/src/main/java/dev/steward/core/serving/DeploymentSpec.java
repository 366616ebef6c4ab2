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
 */
public record DeploymentSpec(String environment, List<ServedVersion> versions, Optional<String> stickyKey, Batching batching, Limits limits,
        Optional<Threshold> threshold) {
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
