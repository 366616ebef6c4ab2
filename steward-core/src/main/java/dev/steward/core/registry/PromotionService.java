package dev.steward.core.registry;

import static dev.steward.core.registry.RegistryService.JSON;
import static dev.steward.core.registry.RegistryService.data;
import static dev.steward.core.registry.RegistryService.repo;
import static dev.steward.core.registry.RegistryService.versionId;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.core.audit.AuditLog;
import dev.steward.core.data.DatasetService;
import dev.steward.core.data.validation.ValidationReport;
import dev.steward.core.registry.RegistryService.VersionDetails;
import dev.steward.core.registry.policy.ApprovalsCriterion;
import dev.steward.core.registry.policy.Criterion;
import dev.steward.core.registry.policy.CriterionResult;
import dev.steward.core.registry.policy.Policy;
import dev.steward.core.registry.policy.PolicyContext;
import dev.steward.core.registry.policy.PolicyParser;
import dev.steward.core.registry.policy.PromotionContext;
import dev.steward.core.registry.policy.SafetyCriteria;
import dev.steward.core.training.StoredPackage;
import dev.steward.core.util.Digests;
import dev.steward.core.util.Ids;
import dev.steward.core.webhooks.EventPublisher;
import dev.steward.core.webhooks.EventType;
import dev.steward.spi.Caller;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.Role;
import dev.steward.spi.StewardException;
import dev.steward.spi.data.DatasetVersion;
import dev.steward.spi.registry.AliasRecord;
import dev.steward.spi.registry.ApprovalRecord;
import dev.steward.spi.registry.ApprovalRequestRecord;
import dev.steward.spi.registry.EvaluationRecord;
import dev.steward.spi.registry.ModelVersionRecord;
import dev.steward.spi.registry.PolicyRecord;
import dev.steward.spi.registry.PromotionRecord;
import dev.steward.spi.registry.RegisteredModelRecord;
import dev.steward.spi.registry.ReportRecord;
import dev.steward.spi.store.MetadataStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Promotions with evidence: per model and environment a versioned policy; a promotion evaluates
 * the safety criteria and the policy's criteria (running the candidate, and the version holding
 * the environment, through the evaluator on the named data), stores a report with every
 * criterion's observed and expected values and the ids of its evidence, and moves the
 * environment (and its alias) only when all passed, or when an admin overrides a failed report
 * with a reason. Approvals with four eyes, rollback to the previous good version. Thread-safe.
 */
public final class PromotionService {
    private final MetadataStore store;
    private final RegistryService registry;
    private final DatasetService datasets;
    private final AuditLog audit;
    private final EventPublisher events;
    private final Clock clock;
    private final PolicyParser parser;
    private final PackageEvaluator evaluator;
    private final LatencyProbe latency;

    public PromotionService(MetadataStore store, RegistryService registry, DatasetService datasets, AuditLog audit, EventPublisher events,
            Clock clock, PolicyParser parser, PackageEvaluator evaluator, LatencyProbe latency) {
        this.store = requireNonNull(store, "store is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.datasets = requireNonNull(datasets, "datasets is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.events = requireNonNull(events, "events is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.parser = requireNonNull(parser, "parser is null");
        this.evaluator = requireNonNull(evaluator, "evaluator is null");
        this.latency = requireNonNull(latency, "latency is null");
    }

    /** Runs a package (of version {@code version} of model {@code model}) through Steward's evaluator on a dataset version, kept as a run. */
    @FunctionalInterface
    public interface PackageEvaluator {
        PromotionContext.Evaluation evaluate(Caller caller, StoredPackage pkg, DatasetVersion dataset, String model, int version);
    }

    /** Measures load time and single-row latency of a package in the runtime. */
    @FunctionalInterface
    public interface LatencyProbe {
        PromotionContext.Latency measure(StoredPackage pkg, DatasetVersion rows, int calls);
    }

    /** The result of a promotion attempt: its stored report, and whether the environment moved. */
    public record Outcome(ReportRecord report, JsonNode reportJson) {
        public boolean promoted() {
            return report.promoted();
        }
    }

    // ---- policies ----------------------------------------------------------------------------

    /** Stores a new revision of the policy of a model for an environment (an identical text is not stored twice). */
    public PolicyRecord setPolicy(Caller caller, String name, String environment, String definition) {
        requireNonNull(caller, "caller is null");
        RegisteredModelRecord model = registry.find(name);
        registry.environment(environment);
        parser.parse(definition, policyContext());
        String sha = Digests.sha256Hex(definition);
        return store.write(tx -> {
            Optional<PolicyRecord> latest = repo(tx).latestPolicy(model.id(), environment);
            if (latest.isPresent() && latest.get().sha256().equals(sha)) {
                return latest.get();
            }
            PolicyRecord policy = new PolicyRecord(model.id(), environment, repo(tx).nextPolicyRevision(model.id(), environment), definition, sha,
                    clock.millis(), caller.actor().name());
            repo(tx).insertPolicy(policy);
            audit.record(tx, caller, "policy.set", "registered_model", model.id(), Map.of("name", name, "environment", environment,
                    "revision", Integer.toString(policy.revision()), "sha256", sha));
            return policy;
        });
    }

    public Optional<PolicyRecord> policy(String name, String environment) {
        RegisteredModelRecord model = registry.find(name);
        registry.environment(environment);
        return store.read(tx -> repo(tx).latestPolicy(model.id(), environment));
    }

    /** Every revision of every policy of a model. */
    public List<PolicyRecord> policies(String name) {
        RegisteredModelRecord model = registry.find(name);
        return store.read(tx -> repo(tx).policies(model.id()));
    }

    private PolicyContext policyContext() {
        return (reference, field) -> {
            int at = reference.lastIndexOf('@');
            if (at <= 0 || !reference.substring(at + 1).matches("[0-9]{1,9}")) {
                throw StewardException.invalid(field, field + ": '" + reference + "' does not name a dataset version: write NAME@VERSION,"
                        + " e.g. penguins@3");
            }
            try {
                return datasets.version(reference.substring(0, at), Integer.parseInt(reference.substring(at + 1)));
            } catch (StewardException e) {
                throw StewardException.invalid(field, field + ": " + e.getMessage());
            }
        };
    }

    private Optional<Policy> parsedPolicy(RegisteredModelRecord model, String environment) {
        return store.read(tx -> repo(tx).latestPolicy(model.id(), environment)).map(p -> parser.parse(p.definition(), policyContext()));
    }

    // ---- approvals ---------------------------------------------------------------------------

    public ApprovalRequestRecord requestApproval(Caller caller, String name, int number, String environment, Optional<String> comment) {
        requireNonNull(caller, "caller is null");
        comment.ifPresent(c -> ModelNames.text("comment", c));
        VersionDetails version = registry.version(name, number);
        registry.environment(environment);
        if (!version.version().ready()) {
            throw StewardException.invalidState("Model Version (name=" + name + ", version=" + number + ") is " + version.version().status()
                    + ": only ready versions can be approved").withField("version");
        }
        ApprovalRequestRecord request = new ApprovalRequestRecord(Ids.randomHex("apr_", 8), version.version().modelId(), number, environment,
                comment, caller.actor().id(), caller.actor().name(), clock.millis());
        store.write(tx -> {
            repo(tx).insertApprovalRequest(request);
            RegistryService.auditVersion(audit, tx, caller, "approval.request", version.version().modelId(), name, number, Map.of("environment",
                    environment, "request_id", request.id()));
            events.publish(tx, EventType.APPROVAL_REQUESTED, "model_version", versionId(name, number), data(caller).put("name", name)
                    .put("version", number).put("environment", environment).put("request_id", request.id()));
            return null;
        });
        return request;
    }

    /**
     * Approves or rejects the latest request for a version and environment. Refused when nobody
     * requested approval, when the caller lacks the policy's approver role, and, under four eyes,
     * when the caller created the version or requested the approval.
     */
    public ApprovalRecord decide(Caller caller, String name, int number, String environment, String decision, Optional<String> comment) {
        requireNonNull(caller, "caller is null");
        if (!decision.equals(ApprovalRecord.APPROVE) && !decision.equals(ApprovalRecord.REJECT)) {
            throw StewardException.invalid("decision", "the decision is approve or reject, not '" + decision + "'");
        }
        comment.ifPresent(c -> ModelNames.text("comment", c));
        VersionDetails version = registry.version(name, number);
        registry.environment(environment);
        RegisteredModelRecord model = registry.find(name);
        Optional<ApprovalsCriterion> rule = parsedPolicy(model, environment).flatMap(Policy::approvals);
        Role required = rule.map(ApprovalsCriterion::role).orElse(Role.DEPLOYER);
        if (!caller.actor().role().includes(required)) {
            throw StewardException.of(ErrorCode.PERMISSION_DENIED, "approving for " + environment + " needs the " + required.wireName()
                    + " role; you are " + caller.actor().role().wireName());
        }
        return store.write(tx -> {
            List<ApprovalRequestRecord> requests = repo(tx).approvalRequests(model.id(), number, Optional.of(environment));
            if (requests.isEmpty()) {
                throw StewardException.invalidState("nobody requested approval of " + name + " version " + number + " for " + environment
                        + "; an editor requests it first (steward models approve " + name + " --version " + number + " --env " + environment
                        + " --request)");
            }
            ApprovalRequestRecord request = requests.get(requests.size() - 1);
            boolean fourEyes = rule.map(ApprovalsCriterion::fourEyes).orElse(true);
            if (fourEyes && decision.equals(ApprovalRecord.APPROVE)) {
                if (caller.actor().id().equals(version.version().createdBy())) {
                    throw StewardException.of(ErrorCode.PERMISSION_DENIED, "four eyes: you registered " + name + " version " + number
                            + ", so someone else must approve it");
                }
                if (caller.actor().id().equals(request.requestedBy())) {
                    throw StewardException.of(ErrorCode.PERMISSION_DENIED, "four eyes: you requested this approval, so someone else must approve it");
                }
            }
            ApprovalRecord approval = new ApprovalRecord(Ids.randomHex("apv_", 8), request.id(), decision, comment, caller.actor().id(),
                    caller.actor().name(), caller.actor().role().wireName(), clock.millis());
            repo(tx).insertApproval(approval);
            RegistryService.auditVersion(audit, tx, caller, decision.equals(ApprovalRecord.APPROVE) ? "approval.approve" : "approval.reject",
                    model.id(), name, number, Map.of("environment", environment, "request_id", request.id(), "approval_id", approval.id()));
            events.publish(tx, decision.equals(ApprovalRecord.APPROVE) ? EventType.APPROVAL_APPROVED : EventType.APPROVAL_REJECTED, "model_version",
                    versionId(name, number), data(caller).put("name", name).put("version", number).put("environment", environment)
                            .put("request_id", request.id()).put("comment", comment.orElse("")));
            return approval;
        });
    }

    /** Every approval request of a version with its decisions, oldest first. */
    public List<PromotionContext.ApprovalState> approvals(String name, int number) {
        VersionDetails version = registry.version(name, number);
        return store.read(tx -> repo(tx).approvalRequests(version.version().modelId(), number, Optional.empty()).stream()
                .map(r -> new PromotionContext.ApprovalState(r, repo(tx).approvals(r.id()))).toList());
    }

    // ---- promotion ---------------------------------------------------------------------------

    /**
     * Evaluates the safety criteria and the environment's policy for a version and stores the
     * report; promotes when every criterion passed, or when an admin gives {@code overrideReason}
     * for a report that failed (a version that is not ready is never promoted).
     */
    public Outcome promote(Caller caller, String name, int number, String environment, Optional<String> overrideReason) {
        requireNonNull(caller, "caller is null");
        overrideReason.ifPresent(r -> {
            if (r.isBlank()) {
                throw StewardException.invalid("override_reason", "an override needs a reason");
            }
            ModelNames.text("override_reason", r);
            if (!caller.actor().role().includes(Role.ADMIN)) {
                throw StewardException.of(ErrorCode.PERMISSION_DENIED, "only an admin may override a promotion policy");
            }
        });
        registry.environment(environment);
        RegisteredModelRecord model = registry.find(name);
        VersionDetails candidate = registry.version(name, number);
        Map<String, Integer> holders = store.read(tx -> repo(tx).holders(model.id()));
        Optional<Integer> holder = Optional.ofNullable(holders.get(environment));
        if (holder.isPresent() && holder.get() == number) {
            throw StewardException.invalidState(name + " version " + number + " already holds " + environment);
        }
        Optional<PolicyRecord> policyRecord = store.read(tx -> repo(tx).latestPolicy(model.id(), environment));
        Optional<Policy> policy = policyRecord.map(p -> parser.parse(p.definition(), policyContext()));
        Optional<VersionDetails> current = holder.map(v -> registry.version(name, v));
        Context context = new Context(caller, environment, candidate, current, model);

        List<Criterion> criteria = new ArrayList<>(SafetyCriteria.all());
        Set<String> kinds = new LinkedHashSet<>();
        criteria.forEach(c -> kinds.add(c.kind()));
        // A safety criterion a policy lists again (for clarity) is checked once.
        policy.ifPresent(p -> p.criteria().stream().filter(c -> !kinds.contains(c.kind())).forEach(criteria::add));
        List<CriterionResult> results = new ArrayList<>();
        for (Criterion criterion : criteria) {
            results.add(context.check(criterion));
        }
        boolean passed = results.stream().allMatch(CriterionResult::passed);
        boolean ready = results.get(0).passed();
        boolean promoted = passed || (overrideReason.isPresent() && ready);

        ObjectNode report = JSON.createObjectNode();
        report.put("model", name).put("version", number).put("environment", environment).put("passed", passed).put("promoted", promoted);
        current.ifPresentOrElse(c -> report.put("current_version", c.version().version()), () -> report.putNull("current_version"));
        policyRecord.ifPresentOrElse(p -> report.put("policy_revision", p.revision()).put("policy_sha256", p.sha256()),
                () -> report.putNull("policy_revision"));
        overrideReason.ifPresent(r -> report.put("override_reason", r).put("overridden_by", caller.actor().name()));
        report.put("requested_by", caller.actor().name()).put("evaluated_at", Instant.ofEpochMilli(clock.millis()).toString());
        ArrayNode list = report.putArray("criteria");
        for (CriterionResult r : results) {
            ObjectNode item = list.addObject().put("kind", r.kind()).put("description", r.description()).put("passed", r.passed())
                    .put("observed", r.observed()).put("expected", r.expected());
            ArrayNode evidence = item.putArray("evidence");
            r.evidence().forEach(e -> evidence.addObject().put("type", e.type()).put("id", e.id()));
        }
        if (!ready && overrideReason.isPresent()) {
            report.put("override_refused", "a version that is not ready cannot be promoted, even by an override");
        }

        ReportRecord record = new ReportRecord(Ids.randomHex("rep_", 8), model.id(), number, environment, policyRecord.map(PolicyRecord::revision),
                passed, promoted, overrideReason, RegistryService.write(report), clock.millis(), caller.actor().id(), caller.actor().name());
        store.write(tx -> {
            Optional<Integer> now = Optional.ofNullable(repo(tx).holders(model.id()).get(environment));
            if (!now.equals(holder)) {
                throw StewardException.invalidState(environment + " of " + name + " changed while the promotion was being evaluated (now "
                        + now.map(v -> "version " + v).orElse("empty") + "); promote again");
            }
            ModelVersionRecord fresh = repo(tx).findVersion(model.id(), number).orElseThrow(() -> RegistryService.notFoundVersion(name, number));
            if (promoted && !fresh.ready()) {
                throw StewardException.invalidState(name + " version " + number + " became " + fresh.status() + " while the promotion was being"
                        + " evaluated" + fresh.statusMessage().map(m -> " (" + m + ")").orElse(""));
            }
            repo(tx).insertReport(record);
            Map<String, String> details = new TreeMap<>();
            details.put("name", name);
            details.put("version", Integer.toString(number));
            details.put("environment", environment);
            details.put("report_id", record.id());
            details.put("report_sha256", Digests.sha256Hex(record.reportJson()));
            details.put("passed", Boolean.toString(passed));
            List<String> failed = results.stream().filter(r -> !r.passed()).map(CriterionResult::kind).toList();
            if (!failed.isEmpty()) {
                details.put("failed", String.join(",", failed));
            }
            if (promoted) {
                overrideReason.ifPresent(r -> details.put("override_reason", r));
                move(tx, caller, model, number, environment, holder, PromotionRecord.PROMOTE, Optional.of(record.id()), overrideReason);
                if (fresh.archived()) {
                    // A version that holds an environment is in use: it is no longer archived.
                    repo(tx).updateVersion(fresh.withArchived(false, clock.millis()));
                    details.put("unarchived", "true");
                }
                RegistryService.auditVersion(audit, tx, caller, overrideReason.isPresent() && !passed ? "promotion.override" : "promotion.promote",
                        model.id(), name, number, details);
                events.publish(tx, EventType.PROMOTION_SUCCEEDED, "model_version", versionId(name, number), data(caller).put("name", name)
                        .put("version", number).put("environment", environment).put("report_id", record.id()).put("overridden", !passed)
                        .put("previous_version", holder.orElse(null)));
            } else {
                RegistryService.auditVersion(audit, tx, caller, "promotion.refuse", model.id(), name, number, details);
                events.publish(tx, EventType.PROMOTION_REFUSED, "model_version", versionId(name, number), data(caller).put("name", name)
                        .put("version", number).put("environment", environment).put("report_id", record.id())
                        .set("failed", JSON.valueToTree(failed)));
            }
            return null;
        });
        return new Outcome(record, report);
    }

    /** Points an environment (and its alias) at a version, recording the change in its history. */
    private void move(dev.steward.spi.store.StoreTransaction tx, Caller caller, RegisteredModelRecord model, int number, String environment,
            Optional<Integer> previous, String action, Optional<String> reportId, Optional<String> reason) {
        PromotionRecord promotion = new PromotionRecord(Ids.randomHex("pro_", 8), model.id(), Optional.of(number), environment, action, previous,
                reportId, reason, clock.millis(), caller.actor().id(), caller.actor().name());
        repo(tx).insertPromotion(promotion);
        repo(tx).setHolder(model.id(), environment, number, promotion.id());
        repo(tx).setAlias(new AliasRecord(model.id(), environment, number, clock.millis(), caller.actor().name()));
    }

    /**
     * Returns an environment to the version promoted to it before the current one, skipping
     * versions revoked, deleted or archived since (and saying so).
     */
    public RollbackOutcome rollback(Caller caller, String name, String environment, String reason) {
        requireNonNull(caller, "caller is null");
        if (reason == null || reason.isBlank()) {
            throw StewardException.invalid("reason", "a rollback needs a reason");
        }
        ModelNames.text("reason", reason);
        registry.environment(environment);
        RegisteredModelRecord model = registry.find(name);
        return store.write(tx -> {
            Optional<Integer> current = Optional.ofNullable(repo(tx).holders(model.id()).get(environment));
            List<PromotionRecord> history = repo(tx).promotions(model.id(), Optional.of(environment));
            List<String> skipped = new ArrayList<>();
            Set<Integer> seen = new LinkedHashSet<>();
            current.ifPresent(seen::add);
            Integer target = null;
            for (int i = history.size() - 1; i >= 0 && target == null; i--) {
                Optional<Integer> version = history.get(i).version();
                if (version.isEmpty() || !seen.add(version.get())) {
                    continue;
                }
                Optional<ModelVersionRecord> record = repo(tx).findVersion(model.id(), version.get());
                if (record.isEmpty()) {
                    skipped.add("version " + version.get() + " (deleted)");
                } else if (!record.get().ready()) {
                    skipped.add("version " + version.get() + " (" + record.get().status() + record.get().revocation().map(r -> ": " + r.reason())
                            .orElse("") + ")");
                } else if (record.get().archived()) {
                    skipped.add("version " + version.get() + " (archived)");
                } else {
                    target = version.get();
                }
            }
            if (target == null) {
                throw StewardException.invalidState("no earlier version of " + name + " to roll " + environment + " back to"
                        + (skipped.isEmpty() ? "" : "; skipped " + String.join(", ", skipped)));
            }
            move(tx, caller, model, target, environment, current, PromotionRecord.ROLLBACK, Optional.empty(), Optional.of(reason));
            Map<String, String> details = new TreeMap<>();
            details.put("name", name);
            details.put("environment", environment);
            details.put("from", current.map(String::valueOf).orElse(""));
            details.put("to", Integer.toString(target));
            details.put("reason", reason);
            if (!skipped.isEmpty()) {
                details.put("skipped", String.join("; ", skipped));
            }
            RegistryService.auditVersion(audit, tx, caller, "promotion.rollback", model.id(), name, target, details);
            events.publish(tx, EventType.PROMOTION_ROLLED_BACK, "model_version", versionId(name, target), data(caller).put("name", name)
                    .put("environment", environment).put("from", current.orElse(null)).put("to", target).put("reason", reason)
                    .set("skipped", JSON.valueToTree(skipped)));
            return new RollbackOutcome(current, target, skipped);
        });
    }

    /** A rollback: from which version to which, and which versions it skipped and why. */
    public record RollbackOutcome(Optional<Integer> from, int to, List<String> skipped) {
        public RollbackOutcome {
            skipped = List.copyOf(skipped);
        }
    }

    /** The history of a model's environments (one, or all), oldest first. */
    public List<PromotionRecord> history(String name, Optional<String> environment) {
        environment.ifPresent(registry::environment);
        RegisteredModelRecord model = registry.find(name);
        return store.read(tx -> repo(tx).promotions(model.id(), environment));
    }

    public ReportRecord report(String id) {
        if (id == null || !id.matches("rep_[0-9a-f]{16}")) {
            throw StewardException.invalid("report_id", "'" + id + "' is not a promotion report id (rep_ and 16 hex digits)");
        }
        return store.read(tx -> repo(tx).findReport(id)).orElseThrow(() -> StewardException.notFound("no promotion report with id '" + id + "'"));
    }

    public List<ReportRecord> reports(String name, int number) {
        VersionDetails version = registry.version(name, number);
        return store.read(tx -> repo(tx).reports(version.version().modelId(), number));
    }

    /** What the criteria of one promotion see; evaluations are cached for the duration of the promotion and across promotions. */
    private final class Context implements PromotionContext {
        private final Caller caller;
        private final String environment;
        private final VersionDetails candidate;
        private final Optional<VersionDetails> current;
        private final RegisteredModelRecord model;
        private StoredPackage candidatePackage;
        private Optional<StoredPackage> currentPackage;
        private List<DatasetVersion> training;
        private final Map<String, DatasetVersion> datasetsById = new HashMap<>();

        Context(Caller caller, String environment, VersionDetails candidate, Optional<VersionDetails> current, RegisteredModelRecord model) {
            this.caller = caller;
            this.environment = environment;
            this.candidate = candidate;
            this.current = current;
            this.model = model;
        }

        /** A criterion's result; a criterion that cannot be evaluated fails with the reason instead of failing the promotion. */
        CriterionResult check(Criterion criterion) {
            try {
                return criterion.evaluate(this);
            } catch (StewardException e) {
                if (e.code().category() == dev.steward.spi.ErrorCategory.INTERNAL) {
                    throw e;
                }
                return new CriterionResult(criterion.kind(), criterion.describe(), false, "could not be evaluated: " + e.getMessage(),
                        criterion.describe(), List.of());
            }
        }

        @Override
        public Caller caller() {
            return caller;
        }

        @Override
        public String environment() {
            return environment;
        }

        @Override
        public VersionDetails candidate() {
            return candidate;
        }

        @Override
        public StoredPackage candidatePackage() {
            if (candidatePackage == null) {
                candidatePackage = registry.packageOf(candidate.version());
            }
            return candidatePackage;
        }

        @Override
        public Optional<VersionDetails> current() {
            return current;
        }

        @Override
        public Optional<StoredPackage> currentPackage() {
            if (currentPackage == null) {
                currentPackage = current.filter(c -> c.version().pkg().isPresent()).map(c -> registry.packageOf(c.version()));
            }
            return currentPackage;
        }

        @Override
        public Evaluation evaluate(StoredPackage pkg, DatasetVersion dataset) {
            Optional<EvaluationRecord> kept = store.read(tx -> repo(tx).findEvaluation(pkg.modelDigest(), dataset.id()));
            if (kept.isPresent()) {
                Map<String, Double> metrics = new TreeMap<>();
                RegistryService.read(kept.get().metricsJson()).fields().forEachRemaining(e -> metrics.put(e.getKey(),
                        e.getValue().isNumber() ? e.getValue().asDouble() : Double.NaN));
                return new Evaluation(kept.get().runId(), metrics, true);
            }
            int number = pkg.modelDigest().equals(candidatePackage().modelDigest()) ? candidate.version().version()
                    : current.orElseThrow().version().version();
            Evaluation fresh = evaluator.evaluate(caller, pkg, dataset, model.name(), number);
            ObjectNode metrics = JSON.createObjectNode();
            fresh.metrics().forEach((k, v) -> {
                if (Double.isFinite(v)) {
                    metrics.put(k, v);
                } else {
                    metrics.putNull(k);
                }
            });
            store.write(tx -> {
                repo(tx).insertEvaluation(new EvaluationRecord(pkg.modelDigest(), dataset.id(), fresh.runId(), RegistryService.write(metrics),
                        clock.millis()));
                return null;
            });
            return fresh;
        }

        @Override
        public Latency latency(StoredPackage pkg, DatasetVersion rows, int calls) {
            return latency.measure(pkg, rows, calls);
        }

        @Override
        public DatasetVersion datasetVersion(String id) {
            return datasetsById.computeIfAbsent(id, key -> datasets.versionById(key));
        }

        @Override
        public List<DatasetVersion> trainingData() {
            if (training == null) {
                List<String> ids = store.read(tx -> repo(tx).trainingDatasets(model.id(), candidate.version().version()));
                training = ids.stream().map(this::datasetVersion).toList();
            }
            return training;
        }

        @Override
        public Optional<ValidationState> validation(DatasetVersion version, Optional<String> suite) {
            return datasets.reports(version.datasetName(), version.version()).stream()
                    .filter(r -> suite.map(s -> s.equals(r.suite())).orElse(true)).findFirst()
                    .map((ValidationReport r) -> new ValidationState(r.id(), r.suite(), r.passed()));
        }

        @Override
        public Optional<ApprovalState> approvals() {
            return store.read(tx -> {
                List<ApprovalRequestRecord> requests = repo(tx).approvalRequests(model.id(), candidate.version().version(),
                        Optional.of(environment));
                if (requests.isEmpty()) {
                    return Optional.empty();
                }
                ApprovalRequestRecord latest = requests.get(requests.size() - 1);
                return Optional.of(new ApprovalState(latest, repo(tx).approvals(latest.id())));
            });
        }
    }
}
