package dev.steward.core.registry;

import static dev.steward.core.registry.RegistryService.JSON;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.core.registry.RegistryService.ModelDetails;
import dev.steward.core.registry.RegistryService.VersionDetails;
import dev.steward.spi.registry.AliasRecord;
import dev.steward.spi.registry.EnvironmentRecord;
import dev.steward.spi.registry.ModelVersionRecord;
import dev.steward.spi.registry.PolicyRecord;
import dev.steward.spi.registry.PromotionRecord;
import dev.steward.spi.registry.ReportRecord;
import java.time.Instant;

/**
 * The registry's documents as Steward shows them (native API, lineage, model cards, CLI):
 * snake_case JSON, ISO-8601 times, a revoked version's reason wherever the version appears.
 */
public final class ModelViews {
    private ModelViews() {
    }

    public static ObjectNode model(ModelDetails details) {
        ObjectNode m = JSON.createObjectNode().put("id", details.model().id()).put("name", details.model().name());
        details.model().description().ifPresentOrElse(d -> m.put("description", d), () -> m.putNull("description"));
        m.put("created_at", iso(details.model().createdAt())).put("created_by", details.model().createdBy())
                .put("updated_at", iso(details.model().updatedAt()));
        ObjectNode tags = m.putObject("tags");
        details.model().tags().forEach(tags::put);
        ObjectNode aliases = m.putObject("aliases");
        for (AliasRecord alias : details.aliases()) {
            aliases.put(alias.alias(), alias.version());
        }
        ObjectNode environments = m.putObject("environments");
        details.holders().forEach(environments::put);
        return m;
    }

    public static ObjectNode version(VersionDetails details) {
        ModelVersionRecord v = details.version();
        ObjectNode node = JSON.createObjectNode().put("name", v.modelName()).put("version", v.version()).put("status", v.status());
        v.statusMessage().ifPresentOrElse(s -> node.put("status_message", s), () -> node.putNull("status_message"));
        v.revocation().ifPresent(r -> node.putObject("revocation").put("reason", r.reason()).put("by", r.by()).put("at", iso(r.at())));
        node.put("stage", details.stage()).put("archived", v.archived());
        node.set("environments", JSON.valueToTree(details.environments()));
        node.set("aliases", JSON.valueToTree(details.aliases()));
        node.put("source", v.source()).put("source_kind", v.sourceKind());
        v.runId().ifPresentOrElse(r -> node.put("run_id", r), () -> node.putNull("run_id"));
        v.pkg().ifPresentOrElse(p -> node.put("model_digest", p.modelDigest()).put("manifest_sha256", p.manifestSha256())
                .put("package_size", p.size()), () -> node.putNull("model_digest"));
        v.task().ifPresentOrElse(t -> node.put("task", t), () -> node.putNull("task"));
        node.set("signature", RegistryService.read(v.signatureJson()));
        node.set("classes", RegistryService.read(v.classesJson()));
        node.set("metrics", RegistryService.read(v.metricsJson()));
        v.notes().description().ifPresentOrElse(d -> node.put("description", d), () -> node.putNull("description"));
        v.notes().intendedUse().ifPresentOrElse(d -> node.put("intended_use", d), () -> node.putNull("intended_use"));
        v.notes().limitations().ifPresentOrElse(d -> node.put("limitations", d), () -> node.putNull("limitations"));
        ObjectNode tags = node.putObject("tags");
        v.tags().forEach(tags::put);
        node.put("created_at", iso(v.createdAt())).put("created_by", v.createdByName()).put("updated_at", iso(v.updatedAt()));
        return node;
    }

    public static ObjectNode environment(EnvironmentRecord e) {
        ObjectNode node = JSON.createObjectNode().put("name", e.name());
        e.description().ifPresentOrElse(d -> node.put("description", d), () -> node.putNull("description"));
        return node.put("created_at", iso(e.createdAt())).put("created_by", e.createdBy());
    }

    public static ObjectNode promotion(PromotionRecord p) {
        ObjectNode node = JSON.createObjectNode().put("id", p.id()).put("environment", p.environment()).put("action", p.action());
        p.version().ifPresentOrElse(v -> node.put("version", v), () -> node.putNull("version"));
        p.previousVersion().ifPresentOrElse(v -> node.put("previous_version", v), () -> node.putNull("previous_version"));
        p.reportId().ifPresentOrElse(r -> node.put("report_id", r), () -> node.putNull("report_id"));
        p.reason().ifPresentOrElse(r -> node.put("reason", r), () -> node.putNull("reason"));
        return node.put("by", p.createdByName()).put("at", iso(p.createdAt()));
    }

    public static ObjectNode policy(PolicyRecord p) {
        return JSON.createObjectNode().put("environment", p.environment()).put("revision", p.revision()).put("sha256", p.sha256())
                .put("definition", p.definition()).put("created_at", iso(p.createdAt())).put("created_by", p.createdBy());
    }

    /** The whole report: the summary fields and every criterion with its evidence. */
    public static ObjectNode report(ReportRecord r) {
        ObjectNode node = reportSummary(r);
        node.set("report", RegistryService.read(r.reportJson()));
        return node;
    }

    public static ObjectNode reportSummary(ReportRecord r) {
        ObjectNode node = JSON.createObjectNode().put("id", r.id()).put("version", r.version()).put("environment", r.environment())
                .put("passed", r.passed()).put("promoted", r.promoted());
        r.policyRevision().ifPresentOrElse(p -> node.put("policy_revision", p), () -> node.putNull("policy_revision"));
        r.overrideReason().ifPresentOrElse(o -> node.put("override_reason", o), () -> node.putNull("override_reason"));
        return node.put("by", r.createdByName()).put("at", iso(r.createdAt()));
    }

    static String iso(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }
}
