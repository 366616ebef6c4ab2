package dev.steward.spi.serving;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One revision of a deployment's spec: what changed it ({@code create}, {@code update},
 * {@code restore} of an earlier revision, {@code revocation} of a served version, a canary's
 * {@code canary-step}, {@code canary-promote} or {@code canary-rollback}) and why.
 */
public record DeploymentRevisionRecord(String deploymentId, int revision, String specJson, String change, Optional<String> reason,
        Optional<Integer> restoredFrom, long createdAt, String createdBy, String createdByName) {
    public static final String CREATE = "create";
    public static final String UPDATE = "update";
    public static final String RESTORE = "restore";
    public static final String REVOCATION = "revocation";
    public static final String CANARY_STEP = "canary-step";
    public static final String CANARY_PROMOTE = "canary-promote";
    public static final String CANARY_ROLLBACK = "canary-rollback";

    public DeploymentRevisionRecord {
        requireNonNull(deploymentId, "deploymentId is null");
        requireNonNull(specJson, "specJson is null");
        requireNonNull(change, "change is null");
        requireNonNull(reason, "reason is null");
        requireNonNull(restoredFrom, "restoredFrom is null");
        requireNonNull(createdBy, "createdBy is null");
        requireNonNull(createdByName, "createdByName is null");
    }
}
