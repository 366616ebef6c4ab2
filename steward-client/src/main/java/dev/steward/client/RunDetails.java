package dev.steward.client;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A run with its latest metrics, params and tags, as the native API shows it. */
public record RunDetails(String id, String experimentId, String name, String userId, String status, String startTime,
        Optional<String> endTime, String artifactUri, String lifecycleStage, Optional<String> sealDigest, Map<String, Double> metrics,
        Map<String, String> params, Map<String, String> tags) {
    public RunDetails {
        endTime = endTime == null ? Optional.empty() : endTime;
        sealDigest = sealDigest == null ? Optional.empty() : sealDigest;
        metrics = metrics == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        params = params == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
        tags = tags == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }
}
