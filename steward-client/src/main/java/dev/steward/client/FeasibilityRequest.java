package dev.steward.client;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A feasibility study to ask for: the target column of a dataset version and, optionally, the
 * feature columns (empty: every other column), an accuracy to check, the seed and the number of
 * rows to sample (the server's defaults when absent), and an override reason for a quarantined
 * version. Immutable.
 */
public record FeasibilityRequest(String dataset, int version, String target, List<String> features, OptionalDouble targetAccuracy,
        OptionalLong seed, OptionalInt maxRows, Optional<String> overrideReason) {
    public FeasibilityRequest {
        requireNonNull(dataset, "dataset is null");
        requireNonNull(target, "target is null");
        features = List.copyOf(features);
        requireNonNull(targetAccuracy, "targetAccuracy is null");
        requireNonNull(seed, "seed is null");
        requireNonNull(maxRows, "maxRows is null");
        requireNonNull(overrideReason, "overrideReason is null");
    }

    public static FeasibilityRequest of(String dataset, int version, String target) {
        return new FeasibilityRequest(dataset, version, target, List.of(), OptionalDouble.empty(), OptionalLong.empty(), OptionalInt.empty(),
                Optional.empty());
    }

    public FeasibilityRequest features(List<String> columns) {
        return new FeasibilityRequest(dataset, version, target, columns, targetAccuracy, seed, maxRows, overrideReason);
    }

    /** An accuracy the data should support, as a fraction: 0.95 for 95%. */
    public FeasibilityRequest targetAccuracy(double accuracy) {
        return new FeasibilityRequest(dataset, version, target, features, OptionalDouble.of(accuracy), seed, maxRows, overrideReason);
    }

    public FeasibilityRequest seed(long value) {
        return new FeasibilityRequest(dataset, version, target, features, targetAccuracy, OptionalLong.of(value), maxRows, overrideReason);
    }

    public FeasibilityRequest maxRows(int rows) {
        return new FeasibilityRequest(dataset, version, target, features, targetAccuracy, seed, OptionalInt.of(rows), overrideReason);
    }

    public FeasibilityRequest overrideReason(String reason) {
        return new FeasibilityRequest(dataset, version, target, features, targetAccuracy, seed, maxRows, Optional.of(reason));
    }

    Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("dataset", dataset);
        body.put("version", version);
        body.put("target", target);
        if (!features.isEmpty()) {
            body.put("features", features);
        }
        targetAccuracy.ifPresent(accuracy -> body.put("target_accuracy", accuracy));
        seed.ifPresent(value -> body.put("seed", value));
        maxRows.ifPresent(rows -> body.put("max_rows", rows));
        overrideReason.ifPresent(reason -> body.put("override_reason", reason));
        return body;
    }
}
