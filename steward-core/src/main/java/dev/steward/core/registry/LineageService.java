package dev.steward.core.registry;

import static dev.steward.core.registry.RegistryService.JSON;
import static dev.steward.core.registry.RegistryService.repo;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.core.audit.AuditLog;
import dev.steward.core.data.DatasetService;
import dev.steward.core.data.validation.ValidationReport;
import dev.steward.core.registry.RegistryService.VersionDetails;
import dev.steward.core.registry.policy.PromotionContext;
import dev.steward.core.tracking.TrackingService;
import dev.steward.spi.StewardException;
import dev.steward.spi.data.DatasetVersion;
import dev.steward.spi.registry.ApprovalRecord;
import dev.steward.spi.registry.ModelVersionRecord;
import dev.steward.spi.registry.PromotionRecord;
import dev.steward.spi.registry.RegistryRepository;
import dev.steward.spi.registry.ReportRecord;
import dev.steward.spi.store.AuditEvent;
import dev.steward.spi.store.AuditQuery;
import dev.steward.spi.store.MetadataStore;
import dev.steward.spi.tracking.Run;
import dev.steward.spi.tracking.TrackingRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Lineage both ways, from indexed queries only: from a model version to its run (params, metrics,
 * code, who), the dataset versions it was trained on (digests, validation reports, quarantine
 * history), and its approvals, promotion reports and promotions; from a dataset version to every
 * run that read it and every model version that depends on it (trained on it, or registered from
 * such a run). Exact, because the right-to-be-forgotten workflow walks it. Thread-safe.
 */
public final class LineageService {
    private static final int MAX_EVENTS = 1000;

    private final MetadataStore store;
    private final RegistryService registry;
    private final PromotionService promotions;
    private final TrackingService tracking;
    private final DatasetService datasets;
    private final AuditLog audit;

    public LineageService(MetadataStore store, RegistryService registry, PromotionService promotions, TrackingService tracking,
            DatasetService datasets, AuditLog audit) {
        this.store = requireNonNull(store, "store is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.promotions = requireNonNull(promotions, "promotions is null");
        this.tracking = requireNonNull(tracking, "tracking is null");
        this.datasets = requireNonNull(datasets, "datasets is null");
        this.audit = requireNonNull(audit, "audit is null");
    }

    /** Version → run → dataset versions → approvals and promotions. */
    public ObjectNode model(String name, int number) {
        VersionDetails details = registry.version(name, number);
        ModelVersionRecord version = details.version();
        ObjectNode lineage = JSON.createObjectNode();
        lineage.set("model_version", ModelViews.version(details));
        version.pkg().ifPresent(p -> {
            var manifest = registry.packageOf(version).manifest();
            lineage.set("code", manifest.path("code"));
            lineage.set("training_spec", manifest.path("spec"));
            lineage.set("origin", manifest.path("origin"));
        });
        ObjectNode run = lineage.putObject("run");
        version.runId().ifPresentOrElse(runId -> runJson(run, runId), () -> lineage.putNull("run"));
        ArrayNode data = lineage.putArray("datasets");
        for (String id : store.read(tx -> repo(tx).trainingDatasets(version.modelId(), number))) {
            data.add(datasetJson(datasets.versionById(id)));
        }
        ArrayNode evaluations = lineage.putArray("evaluations");
        version.pkg().ifPresent(p -> {
            for (var evaluation : store.read(tx -> repo(tx).evaluations(p.modelDigest()))) {
                DatasetVersion on = datasets.versionById(evaluation.datasetVersionId());
                evaluations.addObject().put("dataset", on.datasetName()).put("version", on.version()).put("dataset_version_id", on.id())
                        .put("run_id", evaluation.runId()).put("at", iso(evaluation.createdAt()))
                        .set("metrics", RegistryService.read(evaluation.metricsJson()));
            }
        });
        ArrayNode approvals = lineage.putArray("approvals");
        for (PromotionContext.ApprovalState state : promotions.approvals(name, number)) {
            ObjectNode request = approvals.addObject().put("request_id", state.request().id()).put("environment", state.request().environment())
                    .put("requested_by", state.request().requestedByName()).put("requested_at", iso(state.request().createdAt()));
            state.request().comment().ifPresent(c -> request.put("comment", c));
            ArrayNode decisions = request.putArray("decisions");
            for (ApprovalRecord decision : state.decisions()) {
                ObjectNode d = decisions.addObject().put("id", decision.id()).put("decision", decision.decision()).put("by", decision.actorName())
                        .put("role", decision.actorRole()).put("at", iso(decision.createdAt()));
                decision.comment().ifPresent(c -> d.put("comment", c));
            }
        }
        ArrayNode reports = lineage.putArray("promotion_reports");
        for (ReportRecord report : promotions.reports(name, number)) {
            reports.add(ModelViews.reportSummary(report));
        }
        ArrayNode history = lineage.putArray("promotions");
        for (PromotionRecord promotion : promotions.history(name, Optional.empty())) {
            if (promotion.version().equals(Optional.of(number)) || promotion.previousVersion().equals(Optional.of(number))) {
                history.add(ModelViews.promotion(promotion));
            }
        }
        lineage.putArray("deployments");
        return lineage;
    }

    /** Dataset version → runs that read it → model versions that depend on it. */
    public ObjectNode dataset(String name, int number) {
        DatasetVersion version = datasets.version(name, number);
        ObjectNode lineage = JSON.createObjectNode();
        lineage.set("dataset_version", datasetJson(version));
        List<TrackingRepository.RunInput> readers = tracking.runsReading(version.id());
        ArrayNode runs = lineage.putArray("runs");
        for (TrackingRepository.RunInput reader : readers) {
            ObjectNode run = runs.addObject().put("run_id", reader.run().runId()).put("name", reader.run().runName())
                    .put("experiment_id", reader.run().experimentId()).put("status", reader.run().status().name())
                    .put("user", reader.run().userId()).put("start_time", iso(reader.run().startTime()));
            reader.context().ifPresentOrElse(c -> run.put("context", c), () -> run.putNull("context"));
        }
        List<String> runIds = readers.stream().map(r -> r.run().runId()).toList();
        ArrayNode versions = lineage.putArray("model_versions");
        for (RegistryRepository.Dependent dependent : store.read(tx -> repo(tx).versionsDependingOn(version.id(), runIds))) {
            ModelVersionRecord v = dependent.version();
            ObjectNode item = versions.addObject().put("name", v.modelName()).put("version", v.version()).put("status", v.status())
                    .put("via", dependent.trainedOnIt() ? "training_data" : "run").put("run_id", v.runId().orElse(null))
                    .put("deleted", dependent.deleted());
            v.revocation().ifPresent(r -> item.put("revocation_reason", r.reason()));
        }
        lineage.putArray("deployments");
        return lineage;
    }

    private void runJson(ObjectNode into, String runId) {
        Run run;
        try {
            run = tracking.getRun(runId);
        } catch (StewardException e) {
            into.put("run_id", runId).put("missing", e.getMessage());
            return;
        }
        into.put("run_id", runId).put("name", run.info().runName()).put("experiment_id", run.info().experimentId())
                .put("status", run.info().status().name()).put("user", run.info().userId()).put("start_time", iso(run.info().startTime()));
        run.info().endTime().ifPresent(t -> into.put("end_time", iso(t)));
        ObjectNode params = into.putObject("params");
        run.params().forEach(p -> params.put(p.key(), p.value()));
        ObjectNode metrics = into.putObject("metrics");
        run.metrics().forEach(m -> {
            if (Double.isFinite(m.value())) {
                metrics.put(m.key(), m.value());
            } else {
                metrics.putNull(m.key());
            }
        });
        ObjectNode code = into.putObject("code");
        ObjectNode environment = into.putObject("environment");
        run.tags().forEach(t -> {
            if (t.key().startsWith("mlflow.source.") || t.key().startsWith("steward.code")) {
                code.put(t.key(), t.value());
            } else if (t.key().startsWith("steward.host") || t.key().startsWith("steward.java") || t.key().startsWith("steward.env")) {
                environment.put(t.key(), t.value());
            }
        });
    }

    private ObjectNode datasetJson(DatasetVersion version) {
        ObjectNode d = JSON.createObjectNode().put("id", version.id()).put("name", version.datasetName()).put("version", version.version())
                .put("sha256", version.sha256()).put("rows", version.rowCount()).put("status", version.status())
                .put("created_at", iso(version.createdAt())).put("created_by", version.createdBy());
        ArrayNode reports = d.putArray("validation_reports");
        for (ValidationReport report : datasets.reports(version.datasetName(), version.version())) {
            reports.addObject().put("id", report.id()).put("suite", report.suite()).put("suite_version", report.suiteVersion())
                    .put("passed", report.passed());
        }
        ArrayNode quarantine = d.putArray("quarantine_history");
        for (AuditEvent event : audit.find(store, new AuditQuery(Optional.of("dataset_version"), Optional.of(version.id()), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false, MAX_EVENTS))) {
            if (event.action().startsWith("dataset.version.quarantine") || event.action().startsWith("dataset.version.release")
                    || event.action().equals("dataset.version.override")) {
                quarantine.addObject().put("action", event.action()).put("by", event.actorName()).put("at", event.time().toString())
                        .set("details", RegistryService.read(event.details()));
            }
        }
        return d;
    }

    static String iso(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }
}
