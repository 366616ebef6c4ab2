package dev.steward.spi.registry;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Storage of the model registry. Deleted models and versions are kept (for lineage) but are
 * not found by the {@code find*} and search methods unless said.
 */
public interface RegistryRepository {
    // ---- registered models

    void insertModel(RegisteredModelRecord model);

    /** The live model with this name. */
    Optional<RegisteredModelRecord> findModel(String name);

    /** A model by id, deleted or not. */
    Optional<RegisteredModelRecord> findModelById(String id);

    void updateModel(String id, String name, Optional<String> description, long updatedAt);

    /** Marks the model and its versions deleted and removes its aliases; its name is free again. */
    void deleteModel(String id, long deletedAt);

    void putModelTag(String id, String key, String value);

    boolean deleteModelTag(String id, String key);

    /** Live models matching every filter; a filter on {@code run_id} or {@code source_path} matches models with such a version. */
    List<RegisteredModelRecord> searchModels(RegistryQuery query);

    // ---- versions

    /** One more than the highest version ever given in this model (deleted ones included). */
    int nextVersion(String modelId);

    /** Inserts a version and the dataset versions its package was trained on. */
    void insertVersion(ModelVersionRecord version, List<String> trainingDatasetVersionIds);

    /** A live version. */
    Optional<ModelVersionRecord> findVersion(String modelId, int version);

    /** A version, deleted or not. */
    Optional<ModelVersionRecord> findVersionEvenDeleted(String modelId, int version);

    /** Live versions of one model, newest first. */
    List<ModelVersionRecord> versions(String modelId);

    /** Live versions of many models at once (a search page), newest first, by model id. */
    Map<String, List<ModelVersionRecord>> versions(List<String> modelIds);

    /** Live versions matching every filter (a {@link RegistryFilter.Field#NAME} filter applies to the model's name). */
    List<ModelVersionRecord> searchVersions(RegistryQuery query);

    /** Stores a version's mutable fields (status and message, notes, archived, revocation, update time). */
    void updateVersion(ModelVersionRecord version);

    /** Marks a version deleted and removes its aliases. */
    void deleteVersion(String modelId, int version, long deletedAt);

    void putVersionTag(String modelId, int version, String key, String value);

    boolean deleteVersionTag(String modelId, int version, String key);

    /** The dataset versions a model version was trained on. */
    List<String> trainingDatasets(String modelId, int version);

    /** Model versions (deleted ones too) trained on a dataset version, or registered from one of {@code runIds}. */
    List<Dependent> versionsDependingOn(String datasetVersionId, List<String> runIds);

    /** A version that depends on a dataset version: trained on it (else registered from a run that read it), and whether it was deleted. */
    record Dependent(ModelVersionRecord version, boolean trainedOnIt, boolean deleted) {
    }

    // ---- aliases

    void setAlias(AliasRecord alias);

    boolean deleteAlias(String modelId, String alias);

    List<AliasRecord> aliases(String modelId);

    /** Aliases of many models at once (a search page), by model id. */
    Map<String, List<AliasRecord>> aliases(List<String> modelIds);

    // ---- environments

    List<EnvironmentRecord> environments();

    Optional<EnvironmentRecord> findEnvironment(String name);

    void insertEnvironment(EnvironmentRecord environment);

    /** Which version holds each environment, by environment name. */
    Map<String, Integer> holders(String modelId);

    /** Holders of many models at once, by model id then environment. */
    Map<String, Map<String, Integer>> holders(List<String> modelIds);

    void setHolder(String modelId, String environment, int version, String promotionId);

    void removeHolder(String modelId, String environment);

    void insertPromotion(PromotionRecord promotion);

    /** The history of an environment (or of all, when empty), oldest first. */
    List<PromotionRecord> promotions(String modelId, Optional<String> environment);

    // ---- policies, reports, approvals, evaluations

    /** The next revision number of a model's policy for an environment. */
    int nextPolicyRevision(String modelId, String environment);

    void insertPolicy(PolicyRecord policy);

    Optional<PolicyRecord> latestPolicy(String modelId, String environment);

    /** Every revision of a model's policies, oldest first. */
    List<PolicyRecord> policies(String modelId);

    void insertReport(ReportRecord report);

    Optional<ReportRecord> findReport(String id);

    /** Reports of one version, oldest first. */
    List<ReportRecord> reports(String modelId, int version);

    void insertApprovalRequest(ApprovalRequestRecord request);

    void insertApproval(ApprovalRecord approval);

    /** Requests of one version (for one environment, or all), oldest first. */
    List<ApprovalRequestRecord> approvalRequests(String modelId, int version, Optional<String> environment);

    /** Decisions on one request, oldest first. */
    List<ApprovalRecord> approvals(String requestId);

    Optional<EvaluationRecord> findEvaluation(String modelDigest, String datasetVersionId);

    void insertEvaluation(EvaluationRecord evaluation);

    /** Every kept evaluation of a model digest, oldest first. */
    List<EvaluationRecord> evaluations(String modelDigest);
}
