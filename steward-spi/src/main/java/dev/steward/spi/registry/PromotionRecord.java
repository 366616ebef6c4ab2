package dev.steward.spi.registry;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One change of what holds an environment.
 *
 * @param action {@code promote}, {@code rollback} or {@code clear} (the holder was revoked or archived)
 * @param version the version now holding the environment; empty after a clear
 * @param reportId the promotion report that allowed a promotion
 */
public record PromotionRecord(String id, String modelId, Optional<Integer> version, String environment, String action,
        Optional<Integer> previousVersion, Optional<String> reportId, Optional<String> reason, long createdAt, String createdBy,
        String createdByName) {
    public static final String PROMOTE = "promote";
    public static final String ROLLBACK = "rollback";
    public static final String CLEAR = "clear";

    public PromotionRecord {
        requireNonNull(id, "id is null");
        requireNonNull(modelId, "modelId is null");
        requireNonNull(version, "version is null");
        requireNonNull(environment, "environment is null");
        requireNonNull(action, "action is null");
        requireNonNull(previousVersion, "previousVersion is null");
        requireNonNull(reportId, "reportId is null");
        requireNonNull(reason, "reason is null");
        requireNonNull(createdBy, "createdBy is null");
        requireNonNull(createdByName, "createdByName is null");
    }
}
