package dev.steward.spi.registry;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;

/**
 * One numbered version of a registered model.
 *
 * @param status {@link #READY} (its package is servable), {@link #FAILED} (registered, but not
 *     servable: {@code statusMessage} says why), or {@link #REVOKED} (never promoted or served again)
 * @param source what it was registered from, e.g. {@code runs:/<run>/model}
 * @param sourceKind {@code run} (a Steward training run), {@code onnx} (an uploaded graph) or
 *     {@code mlflow} (an MLflow model folder)
 * @param pkg the package it points at; absent when registration failed
 * @param signatureJson {@code {"inputs": [...], "outputs": [...]}} with OIP datatypes, as the manifest has them
 * @param classesJson the classes of a classifier, in the order of its probabilities, as a JSON array
 * @param metricsJson the package's own metrics (as its training logged them; promotions never use these)
 */
public record ModelVersionRecord(String modelId, String modelName, int version, String status, Optional<String> statusMessage, String source,
        String sourceKind, Optional<String> runId, Optional<PackageInfo> pkg, Optional<String> task, String signatureJson, String classesJson,
        String metricsJson, Notes notes, boolean archived, long createdAt, String createdBy, String createdByName, long updatedAt,
        Optional<Revocation> revocation, Map<String, String> tags) {
    public static final String READY = "ready";
    public static final String FAILED = "failed";
    public static final String REVOKED = "revoked";

    public ModelVersionRecord {
        requireNonNull(modelId, "modelId is null");
        requireNonNull(modelName, "modelName is null");
        requireNonNull(status, "status is null");
        requireNonNull(statusMessage, "statusMessage is null");
        requireNonNull(source, "source is null");
        requireNonNull(sourceKind, "sourceKind is null");
        requireNonNull(runId, "runId is null");
        requireNonNull(pkg, "pkg is null");
        requireNonNull(task, "task is null");
        requireNonNull(signatureJson, "signatureJson is null");
        requireNonNull(classesJson, "classesJson is null");
        requireNonNull(metricsJson, "metricsJson is null");
        requireNonNull(notes, "notes is null");
        requireNonNull(createdBy, "createdBy is null");
        requireNonNull(createdByName, "createdByName is null");
        requireNonNull(revocation, "revocation is null");
        tags = Map.copyOf(tags);
    }

    /** The package of a version: its manifest blob (the package's identity), its ONNX graph (the model digest), the graph's size. */
    public record PackageInfo(String manifestSha256, String modelDigest, long size) {
        public PackageInfo {
            requireNonNull(manifestSha256, "manifestSha256 is null");
            requireNonNull(modelDigest, "modelDigest is null");
        }
    }

    /** What people wrote about a version; the model card shows it. */
    public record Notes(Optional<String> description, Optional<String> intendedUse, Optional<String> limitations) {
        public static final Notes NONE = new Notes(Optional.empty(), Optional.empty(), Optional.empty());

        public Notes {
            requireNonNull(description, "description is null");
            requireNonNull(intendedUse, "intendedUse is null");
            requireNonNull(limitations, "limitations is null");
        }
    }

    /** Who revoked a version, when and why. */
    public record Revocation(long at, String by, String reason) {
        public Revocation {
            requireNonNull(by, "by is null");
            requireNonNull(reason, "reason is null");
        }
    }

    public boolean ready() {
        return status.equals(READY);
    }

    public ModelVersionRecord withNotes(Notes newNotes, long time) {
        return new ModelVersionRecord(modelId, modelName, version, status, statusMessage, source, sourceKind, runId, pkg, task, signatureJson,
                classesJson, metricsJson, newNotes, archived, createdAt, createdBy, createdByName, time, revocation, tags);
    }

    public ModelVersionRecord withArchived(boolean newArchived, long time) {
        return new ModelVersionRecord(modelId, modelName, version, status, statusMessage, source, sourceKind, runId, pkg, task, signatureJson,
                classesJson, metricsJson, notes, newArchived, createdAt, createdBy, createdByName, time, revocation, tags);
    }

    public ModelVersionRecord revoked(Revocation newRevocation) {
        return new ModelVersionRecord(modelId, modelName, version, REVOKED, Optional.of(newRevocation.reason()), source, sourceKind, runId, pkg,
                task, signatureJson, classesJson, metricsJson, notes, archived, createdAt, createdBy, createdByName, newRevocation.at(),
                Optional.of(newRevocation), tags);
    }

    public ModelVersionRecord withTags(Map<String, String> newTags) {
        return new ModelVersionRecord(modelId, modelName, version, status, statusMessage, source, sourceKind, runId, pkg, task, signatureJson,
                classesJson, metricsJson, notes, archived, createdAt, createdBy, createdByName, updatedAt, revocation, newTags);
    }
}
