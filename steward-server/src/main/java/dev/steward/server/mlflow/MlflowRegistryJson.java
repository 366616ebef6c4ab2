package dev.steward.server.mlflow;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.steward.core.registry.ModelStages;
import dev.steward.core.registry.RegistryService.VersionDetails;
import dev.steward.server.mlflow.MlflowJson.Tag;
import dev.steward.spi.registry.AliasRecord;
import dev.steward.spi.registry.ModelVersionRecord;
import java.util.Comparator;
import java.util.List;

/**
 * MLflow's model registry messages (model_registry.proto, proto2) as records, printed as the
 * MLflow server prints them: unset fields and empty repeated fields left out, versions as strings,
 * int64 timestamps as JSON numbers.
 */
final class MlflowRegistryJson {
    private MlflowRegistryJson() {}

    // ---- requests ----------------------------------------------------------------------------

    record CreateRegisteredModel(String name, List<Tag> tags, String description) {}

    record RenameRegisteredModel(String name, String newName) {}

    record UpdateRegisteredModel(String name, String description) {}

    record RegisteredModelName(String name) {}

    record GetLatestVersions(String name, List<String> stages) {}

    record SetRegisteredModelTag(String name, String key, String value) {}

    record DeleteRegisteredModelTag(String name, String key) {}

    record SetAlias(String name, String alias, String version) {}

    record DeleteAlias(String name, String alias) {}

    record CreateModelVersion(String name, String source, String runId, List<Tag> tags, String runLink, String description) {}

    record UpdateModelVersion(String name, String version, String description) {}

    record ModelVersionId(String name, String version) {}

    record TransitionStage(String name, String version, String stage, Boolean archiveExistingVersions) {}

    record SetModelVersionTag(String name, String version, String key, String value) {}

    record DeleteModelVersionTag(String name, String version, String key) {}

    // ---- messages ----------------------------------------------------------------------------

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record AliasJson(String alias, String version) {
        static List<AliasJson> of(List<AliasRecord> aliases) {
            return aliases.isEmpty() ? null : aliases.stream().sorted(Comparator.comparing(AliasRecord::alias))
                    .map(a -> new AliasJson(a.alias(), Integer.toString(a.version()))).toList();
        }
    }

    /**
     * A model version. {@code user_id} is the name of the token that registered it. A version that
     * is not servable is {@code FAILED_REGISTRATION} with the reason: one whose registration failed
     * (a model Steward cannot serve), and one that was revoked, because MLflow's clients take
     * {@code READY} for usable and MLflow has no status for withdrawn. Registration is synchronous:
     * never {@code PENDING_REGISTRATION}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ModelVersionJson(String name, String version, Long creationTimestamp, Long lastUpdatedTimestamp, String userId, String currentStage,
            String description, String source, String runId, String status, String statusMessage, List<Tag> tags, List<String> aliases) {
        static ModelVersionJson of(VersionDetails details) {
            ModelVersionRecord v = details.version();
            return new ModelVersionJson(v.modelName(), Integer.toString(v.version()), v.createdAt(), v.updatedAt(), v.createdByName(),
                    details.stage(), v.notes().description().orElse(null), v.source(), v.runId().orElse(null),
                    v.ready() ? "READY" : "FAILED_REGISTRATION", statusMessage(v), Tag.of(v.tags()),
                    details.aliases().isEmpty() ? null : details.aliases().stream().sorted().toList());
        }

        private static String statusMessage(ModelVersionRecord v) {
            if (v.status().equals(ModelVersionRecord.REVOKED)) {
                return "Revoked: " + v.revocation().map(ModelVersionRecord.Revocation::reason).orElse("") + ". Steward never serves or"
                        + " promotes it again.";
            }
            return v.statusMessage().filter(m -> !m.isEmpty()).orElse(null);
        }

        static List<ModelVersionJson> of(List<VersionDetails> versions) {
            return versions.isEmpty() ? null : versions.stream().map(ModelVersionJson::of).toList();
        }
    }

    /** A registered model; MLflow does not return its {@code user_id}, and neither does Steward. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RegisteredModelJson(String name, Long creationTimestamp, Long lastUpdatedTimestamp, String description,
            List<ModelVersionJson> latestVersions, List<Tag> tags, List<AliasJson> aliases) {
        static RegisteredModelJson of(ModelStages.Listed listed) {
            var model = listed.model().model();
            return new RegisteredModelJson(model.name(), model.createdAt(), model.updatedAt(), model.description().filter(d -> !d.isEmpty())
                    .orElse(null), ModelVersionJson.of(listed.latestVersions()), Tag.of(model.tags()), AliasJson.of(listed.model().aliases()));
        }
    }

    // ---- responses ---------------------------------------------------------------------------

    record RegisteredModelResponse(RegisteredModelJson registeredModel) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SearchRegisteredModelsResponse(List<RegisteredModelJson> registeredModels, String nextPageToken) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ModelVersionsResponse(List<ModelVersionJson> modelVersions) {}

    record ModelVersionResponse(ModelVersionJson modelVersion) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SearchModelVersionsResponse(List<ModelVersionJson> modelVersions, String nextPageToken) {}

    record DownloadUriResponse(String artifactUri) {}
}
