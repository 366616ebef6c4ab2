package dev.steward.core.registry;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.core.registry.RegistryService.ModelDetails;
import dev.steward.core.registry.RegistryService.VersionDetails;
import dev.steward.core.tracking.Page;
import dev.steward.spi.Caller;
import dev.steward.spi.StewardException;
import dev.steward.spi.registry.ReportRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * MLflow's model stages over Steward's environments. {@code Staging} and {@code Production} are
 * the environments {@code staging} and {@code production}: a version enters one only through a
 * promotion (safety criteria, the environment's policy, a stored report), and an environment has
 * one holder, so the version it replaces leaves the stage. {@code Archived} is an archived version
 * (which holds no environment); {@code None} is every other version. A version holding both
 * environments shows as {@code Production}; other environments have no stage. Thread-safe.
 */
public final class ModelStages {
    public static final String NONE = "None";
    public static final String STAGING = "Staging";
    public static final String PRODUCTION = "Production";
    public static final String ARCHIVED = "Archived";
    /** In MLflow's order, which its messages list. */
    public static final List<String> ALL = List.of(NONE, STAGING, PRODUCTION, ARCHIVED);
    /** The stages that are environments. */
    private static final Map<String, String> ENVIRONMENTS = Map.of(STAGING, "staging", PRODUCTION, "production");

    private final RegistryService registry;
    private final PromotionService promotions;

    public ModelStages(RegistryService registry, PromotionService promotions) {
        this.registry = requireNonNull(registry, "registry is null");
        this.promotions = requireNonNull(promotions, "promotions is null");
    }

    /** A registered model with, for each stage that has versions, the highest version in it (MLflow's {@code latest_versions}). */
    public record Listed(ModelDetails model, List<VersionDetails> latestVersions) {
        public Listed {
            requireNonNull(model, "model is null");
            latestVersions = List.copyOf(latestVersions);
        }
    }

    /** A stage as MLflow names it, whatever its case. */
    public static String canonical(String stage) {
        for (String known : ALL) {
            if (known.equalsIgnoreCase(stage)) {
                return known;
            }
        }
        throw StewardException.invalid("stage", "Invalid Model Version stage: " + stage + ". Value must be one of " + String.join(", ", ALL)
                + ".");
    }

    public Listed model(String name) {
        return listed(registry.model(name));
    }

    /** A model just changed (renamed, described), with its latest versions. */
    public Listed listed(ModelDetails model) {
        return new Listed(model, latest(registry.versions(model.model().name()), Set.copyOf(ALL)));
    }

    public Page<Listed> searchModels(String filter, List<String> orderBy, Integer maxResults, String pageToken) {
        Page<ModelDetails> page = registry.searchModels(filter, orderBy, maxResults, pageToken);
        Map<String, List<VersionDetails>> versions = registry.versionsOf(page.items());
        return new Page<>(page.items().stream().map(m -> new Listed(m, latest(versions.get(m.model().name()), Set.copyOf(ALL)))).toList(),
                page.nextPageToken());
    }

    /** The highest version in each of {@code stages} (every stage when empty), lowest version first. */
    public List<VersionDetails> latest(String name, List<String> stages) {
        Set<String> wanted = new LinkedHashSet<>();
        stages.forEach(stage -> wanted.add(canonical(stage)));
        return latest(registry.versions(name), wanted.isEmpty() ? Set.copyOf(ALL) : wanted);
    }

    private static List<VersionDetails> latest(List<VersionDetails> versions, Set<String> stages) {
        Map<String, VersionDetails> highest = new HashMap<>();
        for (VersionDetails version : versions) {
            if (stages.contains(version.stage())) {
                highest.merge(version.stage(), version, (a, b) -> a.version().version() >= b.version().version() ? a : b);
            }
        }
        return highest.values().stream().sorted(Comparator.comparingInt(v -> v.version().version())).toList();
    }

    /**
     * Moves a version to a stage. Staging and Production promote it (a refused promotion is an
     * {@code INVALID_STATE} naming each failed criterion and the report); with
     * {@code archiveExisting} the version it replaced is archived. Archived archives it (it leaves
     * its environments). None brings an archived version back; a version holding staging or
     * production is refused, because MLflow's None would empty that environment without a
     * replacement: archive it, promote another version or roll the environment back instead.
     * A version already in the stage stays as it is.
     */
    public VersionDetails transition(Caller caller, String name, int number, String stage, boolean archiveExisting) {
        requireNonNull(caller, "caller is null");
        String target = canonical(stage);
        String environment = ENVIRONMENTS.get(target);
        if (archiveExisting && environment == null) {
            throw StewardException.invalid("archive_existing_versions", "Model version transition cannot archive existing model versions"
                    + " because '" + stage + "' is not an Active stage. Valid stages are ['" + STAGING + "', '" + PRODUCTION + "']");
        }
        if (target.equals(ARCHIVED)) {
            return registry.archive(caller, name, number, true);
        }
        VersionDetails version = registry.version(name, number);
        if (environment == null) {
            List<String> held = version.environments().stream().filter(ENVIRONMENTS::containsValue).toList();
            if (!held.isEmpty()) {
                throw StewardException.invalidState("Model Version (name=" + name + ", version=" + number + ") holds " + String.join(" and ",
                        held) + "; Steward empties an environment only by archiving or revoking its holder: archive this version, promote"
                        + " another one or roll " + held.get(0) + " back (POST /api/v1/models/" + name + "/environments/" + held.get(0)
                        + "/rollback)");
            }
            return version.version().archived() ? registry.archive(caller, name, number, false) : version;
        }
        if (version.environments().contains(environment)) {
            return version;
        }
        PromotionService.Outcome outcome = promotions.promote(caller, name, number, environment, Optional.empty());
        if (!outcome.promoted()) {
            throw refused(name, number, target, outcome);
        }
        JsonNode replaced = outcome.reportJson().path("current_version");
        if (archiveExisting && replaced.canConvertToInt()) {
            registry.archive(caller, name, replaced.asInt(), true);
        }
        // A promoted version is in use again: MLflow's Archived -> Production leaves it unarchived.
        return version.version().archived() ? registry.archive(caller, name, number, false) : registry.version(name, number);
    }

    private static StewardException refused(String name, int number, String stage, PromotionService.Outcome outcome) {
        ReportRecord report = outcome.report();
        List<String> failed = new ArrayList<>();
        for (JsonNode criterion : outcome.reportJson().path("criteria")) {
            if (!criterion.path("passed").asBoolean()) {
                failed.add(criterion.path("kind").asText() + " (" + criterion.path("description").asText() + "): observed "
                        + criterion.path("observed").asText() + ", expected " + criterion.path("expected").asText());
            }
        }
        return StewardException.invalidState("Model Version (name=" + name + ", version=" + number + ") was not moved to " + stage
                + ": the promotion to " + report.environment() + " failed on " + String.join("; ", failed) + ". Promotion report " + report.id()
                + " (GET /api/v1/promotion-reports/" + report.id() + ") has the evidence.");
    }
}
