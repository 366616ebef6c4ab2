package dev.steward.core.gates;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.core.audit.AuditLog;
import dev.steward.core.data.DatasetService;
import dev.steward.core.tracking.TrackingService;
import dev.steward.core.training.ModelEvaluator;
import dev.steward.core.training.StoredPackage;
import dev.steward.core.util.Ids;
import dev.steward.spi.Caller;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.Role;
import dev.steward.spi.StewardException;
import dev.steward.spi.data.DatasetVersion;
import dev.steward.spi.gates.GateCheckRecord;
import dev.steward.spi.gates.GateRepository;
import dev.steward.spi.gates.TestSetBudgetRecord;
import dev.steward.spi.store.MetadataStore;
import dev.steward.spi.store.StoreTransaction;
import dev.steward.spi.tracking.DatasetInput;
import dev.steward.spi.tracking.KeyValue;
import dev.steward.spi.tracking.Metric;
import dev.steward.spi.tracking.RunStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Statistically sound release gates (ease.ml/ci) on Steward's own evaluations. A check runs a
 * candidate and (for conditions over {@code o} or {@code d}) a baseline through the runtime on a
 * test set, estimates {@code n}, {@code o} and {@code d}, and decides the condition with the
 * settings' reliability. The test set carries a step budget: its first use fixes the settings and
 * {@code H}; every check of a new candidate spends one step (audited, in the same transaction as
 * the check); a spent budget, or hybrid adaptivity's first pass, retires the test set, and a fresh
 * one must share no row with the earlier test sets of the same dataset. Nothing is spent when a
 * check is refused (bad settings, too few labelled rows, a retired test set). Outcomes reach the
 * submitter only as the adaptivity allows; estimates are shown to administrators, and to everyone
 * once the test set is retired. Thread-safe.
 */
public final class GateService {
    /** Where checks are kept as runs: {@code gates/<test set's dataset>}. */
    public static final String EXPERIMENT_PREFIX = "gates/";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final int SPEND_ATTEMPTS = 5;

    private final MetadataStore store;
    private final DatasetService datasets;
    private final ModelEvaluator evaluator;
    private final TrackingService tracking;
    private final AuditLog audit;
    private final Clock clock;
    private final TestSetRows rows;

    public GateService(MetadataStore store, DatasetService datasets, ModelEvaluator evaluator, TrackingService tracking, AuditLog audit, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.datasets = requireNonNull(datasets, "datasets is null");
        this.evaluator = requireNonNull(evaluator, "evaluator is null");
        this.tracking = requireNonNull(tracking, "tracking is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.rows = new TestSetRows(datasets);
    }

    /** A model a check compares: how people name it (a model URI) and its package. */
    public record Model(String label, StoredPackage pkg) {
        public Model {
            requireNonNull(label, "label is null");
            requireNonNull(pkg, "pkg is null");
        }
    }

    /**
     * What to check: the settings, the candidate, the baseline ({@code o}; required when the
     * condition uses {@code o} or {@code d}), the test set, and optionally a known upper bound on the
     * disagreement (otherwise it is estimated from the test set's rows, labelled or not).
     */
    public record CheckRequest(GateSettings settings, Model candidate, Optional<Model> baseline, DatasetVersion testSet,
            OptionalDouble disagreementBound, Optional<String> overrideReason) {
        public CheckRequest {
            requireNonNull(settings, "settings is null");
            requireNonNull(candidate, "candidate is null");
            requireNonNull(baseline, "baseline is null");
            requireNonNull(testSet, "testSet is null");
            requireNonNull(disagreementBound, "disagreementBound is null");
            requireNonNull(overrideReason, "overrideReason is null");
        }
    }

    /** What the submitter is told about a check. */
    public enum Outcome {
        PASS, FAIL, WITHHELD;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * A check's result: the stored record, the budget after it, what the caller may see
     * ({@code view}), and whether an earlier identical check was returned without spending a step.
     */
    public record CheckResult(GateCheckRecord record, TestSetBudgetRecord budget, Outcome outcome, ObjectNode view, boolean repeated) {
    }

    /** The sample sizes the settings need, as a JSON report (see {@link SampleSizes}). */
    public ObjectNode size(GateSettings settings, OptionalDouble disagreementBound) {
        requireNonNull(settings, "settings is null");
        requireNonNull(disagreementBound, "disagreementBound is null");
        disagreementBound.ifPresent(GateService::checkBound);
        return planJson(settings, SampleSizes.plan(settings, disagreementBound));
    }

    /** Runs one check; see the class comment. Refusals are {@link ErrorCode#RESOURCE_EXHAUSTED} (test set spent or too small) or 4xx. */
    public CheckResult check(Caller caller, CheckRequest request) {
        requireNonNull(caller, "caller is null");
        requireNonNull(request, "request is null");
        try {
            return checkOnce(caller, request);
        } catch (StewardException e) {
            if (e.code() == ErrorCode.RESOURCE_EXHAUSTED) {
                // A refused check spends nothing, but that it was asked for is part of the test set's story.
                DatasetVersion testSet = request.testSet();
                store.write(tx -> audit.record(tx, caller, "gate.check.refuse", "dataset_version", testSet.id(), Map.of("test_set",
                        testSet.datasetName() + "@" + testSet.version(), "candidate", request.candidate().label(), "reason", e.getMessage())));
            }
            throw e;
        }
    }

    private CheckResult checkOnce(Caller caller, CheckRequest request) {
        GateSettings settings = request.settings();
        request.disagreementBound().ifPresent(GateService::checkBound);
        boolean needsBaseline = settings.condition().clauses().stream().anyMatch(c -> c.variables().contains(Variable.O) || c.variables().contains(Variable.D));
        if (needsBaseline && request.baseline().isEmpty()) {
            throw StewardException.invalid("against", "the condition uses o or d: name the model to compare with (the version in production, e.g."
                    + " models:/name@production)");
        }
        DatasetVersion testSet = datasets.requireUsable(caller, request.testSet(), "a gate's test set", request.overrideReason());
        String where = testSet.datasetName() + "@" + testSet.version();
        Optional<TestSetBudgetRecord> existing = store.read(tx -> repo(tx).findBudget(testSet.id()));
        existing.ifPresent(budget -> requireSameSettings(budget, settings, where));
        existing.filter(b -> b.stepsLeft() == 0).ifPresent(budget -> {
            throw spent(budget, where);
        });
        Optional<Model> baseline = needsBaseline ? request.baseline() : Optional.empty();
        Optional<GateCheckRecord> earlier = existing.flatMap(b -> repeatOf(b, request.candidate(), baseline));
        if (earlier.isPresent()) {
            GateCheckRecord record = earlier.get();
            TestSetBudgetRecord budget = existing.get();
            Outcome outcome = outcomeFor(settings.adaptivity(), record.outcome().equals("pass"));
            return new CheckResult(record, budget, outcome, view(caller, record, budget, outcome, true), true);
        }

        ModelEvaluator.Predictions candidate = evaluator.predict(request.candidate().pkg(), testSet);
        Optional<ModelEvaluator.Predictions> old = baseline.map(b -> evaluator.predict(b.pkg(), testSet));
        old.ifPresent(o -> {
            if (!o.target().equals(candidate.target())) {
                throw StewardException.invalid("against", "the candidate predicts '" + candidate.target() + "' and the baseline '" + o.target()
                        + "': a gate compares models of the same target");
            }
        });
        if (existing.isEmpty()) {
            requireFresh(testSet, candidate.target(), where);
        }

        int total = candidate.rows();
        long disagreements = 0;
        List<Integer> labelled = new ArrayList<>();
        for (int r = 0; r < total; r++) {
            if (old.isPresent() && !candidate.predicted()[r].equals(old.get().predicted()[r])) {
                disagreements++;
            }
            if (candidate.actual()[r] != null) {
                labelled.add(r);
            }
        }
        double observedD = (double) disagreements / total;
        OptionalDouble bound = request.disagreementBound();
        String boundSource = bound.isPresent() ? "given" : "none";
        Optional<DisagreementBound> estimated = Optional.empty();
        if (bound.isEmpty() && old.isPresent()) {
            DisagreementBound fromRows = SampleSizes.fromUnlabelled(observedD, total, SampleSizes.disagreementDelta(settings));
            estimated = Optional.of(fromRows);
            bound = OptionalDouble.of(fromRows.upper());
            boundSource = "estimated";
        }
        SampleSizePlan plan = SampleSizes.plan(settings, bound);
        long labelsNeeded = plan.labelledRows();
        long rowsNeeded = plan.required();
        if (labelled.size() < labelsNeeded || total < rowsNeeded) {
            String missing = labelled.size() < labelsNeeded
                    ? "the condition needs " + labelsNeeded + " labelled rows and " + where + " has " + labelled.size()
                            + (total > labelled.size() ? " (label " + (labelsNeeded - labelled.size()) + " more of its " + (total - labelled.size())
                                    + " unlabelled rows, or import a larger test set)" : "")
                    : "the condition needs " + rowsNeeded + " rows and " + where + " has " + total;
            throw StewardException.of(ErrorCode.RESOURCE_EXHAUSTED, "not enough samples: " + missing + " at reliability "
                    + settings.reliability() + " over " + settings.steps() + " steps (" + settings.adaptivity().wireName()
                    + " adaptivity); nothing was spent from the test set's budget");
        }
        int used = Math.toIntExact(labelsNeeded);
        long correctNew = 0;
        long correctOld = 0;
        for (int i = 0; i < used; i++) {
            int r = labelled.get(i);
            String truth = candidate.actual()[r];
            if (truth.equals(candidate.predicted()[r])) {
                correctNew++;
            }
            if (old.isPresent() && truth.equals(old.get().predicted()[r])) {
                correctOld++;
            }
        }
        double n = used == 0 ? 0 : (double) correctNew / used;
        double o = used == 0 || old.isEmpty() ? 0 : (double) correctOld / used;
        Estimates estimates = new Estimates(n, o, old.isPresent() ? observedD : 0, used, total);
        Decision decision = GateDecision.decide(plan, estimates);

        ObjectNode details = JSON.createObjectNode();
        details.put("condition", settings.condition().text());
        ObjectNode est = details.putObject("estimates");
        putNumber(est, "n", used == 0 ? Double.NaN : n);
        putNumber(est, "o", used == 0 || old.isEmpty() ? Double.NaN : o);
        putNumber(est, "d", old.isPresent() ? observedD : Double.NaN);
        est.put("labelled_rows_used", used).put("rows", total).put("labelled_rows_available", labelled.size());
        ArrayNode clauses = details.putArray("clauses");
        for (ClauseOutcome c : decision.clauses()) {
            ObjectNode node = clauses.addObject().put("clause", c.clause().text()).put("passed", c.passed());
            putNumber(node, "estimate", c.estimate());
            putNumber(node, "lower", c.lower());
            putNumber(node, "upper", c.upper());
        }
        ObjectNode disagreement = details.putObject("disagreement_bound").put("source", boundSource);
        bound.ifPresent(b -> disagreement.put("bound", b));
        estimated.ifPresent(e -> disagreement.put("observed", e.observed()).put("rows", e.unlabelledRows()).put("delta", e.delta()));
        details.set("plan", planJson(settings, plan));
        return record(caller, request, testSet, where, existing, baseline, decision.passed(), details);
    }

    /** The budget of a test set and its checks, as the caller may see them. */
    public ObjectNode testSet(Caller caller, DatasetVersion testSet) {
        requireNonNull(caller, "caller is null");
        String where = testSet.datasetName() + "@" + testSet.version();
        TestSetBudgetRecord budget = store.read(tx -> repo(tx).findBudget(testSet.id())).orElseThrow(() -> StewardException.notFound(where
                + " has not served as a gate's test set"));
        List<GateCheckRecord> checks = store.read(tx -> repo(tx).checks(testSet.id()));
        ObjectNode node = budgetJson(budget);
        ArrayNode list = node.putArray("checks");
        Adaptivity adaptivity = Adaptivity.parse(budget.adaptivity());
        for (GateCheckRecord check : checks) {
            list.add(view(caller, check, budget, outcomeFor(adaptivity, check.outcome().equals("pass")), false));
        }
        return node;
    }

    // ---- the steps ---------------------------------------------------------------------------

    private CheckResult record(Caller caller, CheckRequest request, DatasetVersion testSet, String where, Optional<TestSetBudgetRecord> existing,
            Optional<Model> baseline, boolean passed, ObjectNode details) {
        GateSettings settings = request.settings();
        String detailsJson = details.toString();
        String checkId = Ids.randomHex("gck_", 8);
        for (int attempt = 0; attempt < SPEND_ATTEMPTS; attempt++) {
            Optional<CheckResult> done = store.write(tx -> {
                GateRepository repo = repo(tx);
                long now = clock.millis();
                TestSetBudgetRecord budget = repo.findBudget(testSet.id()).orElse(null);
                if (budget == null) {
                    budget = new TestSetBudgetRecord(testSet.id(), testSet.datasetName(), testSet.version(), settings.condition().text(),
                            settings.reliability(), settings.mode().wireName(), settings.adaptivity().wireName(), settings.steps(), 0,
                            Optional.empty(), Optional.empty(), now, caller.actor().id());
                    repo.insertBudget(budget);
                    audit.record(tx, caller, "gate.test_set.create", "dataset_version", testSet.id(), Map.of("test_set", where,
                            "condition", settings.condition().text(), "reliability", Double.toString(settings.reliability()),
                            "mode", settings.mode().wireName(), "adaptivity", settings.adaptivity().wireName(),
                            "steps", Integer.toString(settings.steps())));
                } else {
                    requireSameSettings(budget, settings, where);
                    if (budget.stepsLeft() == 0) {
                        throw spent(budget, where);
                    }
                }
                if (!repo.spend(testSet.id(), budget.stepsUsed())) {
                    return Optional.<CheckResult>empty();
                }
                int step = budget.stepsUsed() + 1;
                Outcome outcome = outcomeFor(settings.adaptivity(), passed);
                GateCheckRecord record = new GateCheckRecord(checkId, testSet.id(), step, request.candidate().label(),
                        request.candidate().pkg().modelDigest(), baseline.map(Model::label), baseline.map(b -> b.pkg().modelDigest()),
                        passed ? "pass" : "fail", outcome == Outcome.WITHHELD ? "nothing" : "outcome", detailsJson, Optional.empty(), now,
                        caller.actor().id());
                repo.insertCheck(record);
                Map<String, String> event = new LinkedHashMap<>();
                event.put("test_set", where);
                event.put("check", checkId);
                event.put("step", step + " of " + budget.steps());
                event.put("candidate", record.candidate());
                baseline.ifPresent(b -> event.put("baseline", b.label()));
                event.put("outcome", record.outcome());
                event.put("released", record.released());
                audit.record(tx, caller, "gate.check", "dataset_version", testSet.id(), event);
                Optional<String> retire = step >= budget.steps() ? Optional.of("its budget of " + budget.steps() + " steps is spent")
                        : settings.adaptivity().endsBudget(passed) ? Optional.of("a candidate passed, and in hybrid adaptivity the first pass"
                                + " uses the test set up") : Optional.empty();
                retire.ifPresent(reason -> {
                    repo.retire(testSet.id(), now, reason);
                    audit.record(tx, caller, "gate.test_set.retire", "dataset_version", testSet.id(), Map.of("test_set", where, "reason", reason,
                            "steps_used", Integer.toString(step)));
                });
                TestSetBudgetRecord after = repo.findBudget(testSet.id()).orElseThrow();
                return Optional.of(new CheckResult(record, after, outcome, JSON.createObjectNode(), false));
            });
            if (done.isPresent()) {
                CheckResult result = done.get();
                String runId = keepAsRun(caller, result, testSet, where);
                store.write(tx -> {
                    repo(tx).setCheckRun(result.record().id(), runId);
                    return null;
                });
                GateCheckRecord withRun = store.read(tx -> repo(tx).findCheck(result.record().id())).orElseThrow();
                return new CheckResult(withRun, result.budget(), result.outcome(), view(caller, withRun, result.budget(), result.outcome(), false),
                        false);
            }
        }
        throw StewardException.of(ErrorCode.TEMPORARILY_UNAVAILABLE, "other checks kept spending " + where + "'s steps first; try again");
    }

    /** The check as a run of {@code gates/<dataset>}: the settings as params, the test set as input; estimates stay out while withheld. */
    private String keepAsRun(Caller caller, CheckResult result, DatasetVersion testSet, String where) {
        GateCheckRecord record = result.record();
        TestSetBudgetRecord budget = result.budget();
        String experiment = tracking.experimentNamed(caller, EXPERIMENT_PREFIX + testSet.datasetName());
        List<KeyValue> tags = new ArrayList<>(List.of(new KeyValue("steward.gate.check", record.id()), new KeyValue("steward.gate.test_set", where),
                new KeyValue("steward.gate.outcome", result.outcome().wireName())));
        String runId = tracking.createRun(caller, experiment, Optional.empty(), Optional.empty(), tags, Optional.of("gate-" + where + "-step-"
                + record.step())).info().runId();
        tracking.logInputs(caller, runId, List.of(new DatasetInput(testSet.datasetName(), testSet.sha256(), "steward", "steward:dataset/"
                + testSet.datasetName() + "/" + testSet.version(), Optional.empty(), Optional.empty(), List.of(new KeyValue("mlflow.data.context",
                "gate")), Optional.of(testSet.id()))));
        List<KeyValue> params = new ArrayList<>(List.of(new KeyValue("condition", budget.condition()), new KeyValue("reliability",
                Double.toString(budget.reliability())), new KeyValue("mode", budget.mode()), new KeyValue("adaptivity", budget.adaptivity()),
                new KeyValue("steps", Integer.toString(budget.steps())), new KeyValue("step", Integer.toString(record.step())),
                new KeyValue("candidate", record.candidate()), new KeyValue("test_set", where)));
        record.baseline().ifPresent(b -> params.add(new KeyValue("baseline", b)));
        JsonNode details = read(record.detailsJson());
        long now = clock.millis();
        List<Metric> metrics = List.of(new Metric("labelled_rows_used", details.at("/estimates/labelled_rows_used").asDouble(), now, 0),
                new Metric("rows", details.at("/estimates/rows").asDouble(), now, 0),
                new Metric("steps_left", budget.stepsLeft(), now, 0));
        tracking.logBatch(caller, runId, metrics, params, List.of());
        tracking.updateRun(caller, runId, Optional.of(RunStatus.FINISHED), Optional.of(clock.millis()), Optional.empty());
        return runId;
    }

    private Optional<GateCheckRecord> repeatOf(TestSetBudgetRecord budget, Model candidate, Optional<Model> baseline) {
        return store.read(tx -> repo(tx).checks(budget.datasetVersionId())).stream()
                .filter(c -> c.candidateDigest().equals(candidate.pkg().modelDigest())
                        && c.baselineDigest().equals(baseline.map(b -> b.pkg().modelDigest())))
                .findFirst();
    }

    /** A test set used for the first time shares no row (over the columns they have in common, the label aside) with earlier test sets of its dataset. */
    private void requireFresh(DatasetVersion testSet, String target, String where) {
        List<TestSetBudgetRecord> earlier = store.read(tx -> repo(tx).budgetsOfDataset(testSet.datasetName()));
        for (TestSetBudgetRecord budget : earlier) {
            DatasetVersion old = datasets.versionById(budget.datasetVersionId());
            List<String> columns = TestSetRows.sharedColumns(testSet, old, target);
            if (columns.isEmpty()) {
                continue;
            }
            long shared = TestSetRows.shared(rows.digests(testSet, columns), rows.digests(old, columns));
            if (shared > 0) {
                throw StewardException.invalidState(where + " shares " + shared + " rows with " + old.datasetName() + "@" + old.version()
                        + ", an earlier test set (" + (budget.retired() ? "retired: " + budget.retiredReason().orElse("") : budget.stepsLeft()
                        + " steps left") + "): a fresh test set must be disjoint from the old ones; import new rows as a new version");
            }
        }
    }

    private static void requireSameSettings(TestSetBudgetRecord budget, GateSettings settings, String where) {
        boolean same = squeeze(budget.condition()).equals(squeeze(settings.condition().text())) && budget.reliability() == settings.reliability()
                && budget.mode().equals(settings.mode().wireName()) && budget.adaptivity().equals(settings.adaptivity().wireName())
                && budget.steps() == settings.steps();
        if (!same) {
            throw StewardException.invalidState(where + " is the test set of a gate with condition '" + budget.condition() + "', reliability "
                    + budget.reliability() + ", mode " + budget.mode() + ", adaptivity " + budget.adaptivity() + " and " + budget.steps()
                    + " steps; check with the same settings, or use a fresh test set for new ones");
        }
    }

    private static StewardException spent(TestSetBudgetRecord budget, String where) {
        return StewardException.of(ErrorCode.RESOURCE_EXHAUSTED, where + " is used up as a test set (" + budget.retiredReason().orElse(
                "its budget of " + budget.steps() + " steps is spent") + "): a fresh test set is needed — import new labelled rows as a new"
                + " version (it must share no row with " + where + ") and check against it");
    }

    private static Outcome outcomeFor(Adaptivity adaptivity, boolean passed) {
        return adaptivity.releases(passed) ? (passed ? Outcome.PASS : Outcome.FAIL) : Outcome.WITHHELD;
    }

    /** A check as {@code caller} may see it: estimates only for administrators, or once the test set is retired. */
    private ObjectNode view(Caller caller, GateCheckRecord check, TestSetBudgetRecord budget, Outcome outcome, boolean repeated) {
        boolean admin = caller.actor().role().includes(Role.ADMIN);
        boolean open = admin || budget.retired();
        ObjectNode node = JSON.createObjectNode();
        node.put("id", check.id()).put("step", check.step()).put("steps", budget.steps()).put("steps_left", budget.stepsLeft())
                .put("candidate", check.candidate());
        check.baseline().ifPresent(b -> node.put("baseline", b));
        node.put("outcome", open ? check.outcome() : outcome.wireName());
        if (repeated) {
            node.put("repeated", true);
        }
        node.put("test_set", budget.datasetName() + "@" + budget.datasetVersion()).put("retired", budget.retired());
        budget.retiredReason().ifPresent(r -> node.put("retired_reason", r));
        check.runId().ifPresent(r -> node.put("run_id", r));
        JsonNode details = read(check.detailsJson());
        node.set("plan", details.get("plan"));
        if (open) {
            node.set("estimates", details.get("estimates"));
            node.set("clauses", details.get("clauses"));
            node.set("disagreement_bound", details.get("disagreement_bound"));
        }
        node.put("message", message(check, budget, outcome, open, repeated));
        node.put("created_at", check.createdAt());
        return node;
    }

    private static String message(GateCheckRecord check, TestSetBudgetRecord budget, Outcome outcome, boolean open, boolean repeated) {
        String where = budget.datasetName() + "@" + budget.datasetVersion();
        String step = repeated ? "the same models were checked at step " + check.step() + "; no step spent"
                : "step " + check.step() + " of " + budget.steps() + " on " + where;
        String told = switch (outcome) {
            case PASS -> "passed";
            case FAIL -> "failed";
            case WITHHELD -> open ? "the outcome (" + check.outcome() + ") is withheld from the submitter (adaptivity none)"
                    : "recorded; the outcome is withheld from you (adaptivity none: it goes to administrators)";
        };
        return "'" + budget.condition() + "' " + told + " (" + step + (budget.retired() ? "; the test set is retired: "
                + budget.retiredReason().orElse("") : "; " + budget.stepsLeft() + " steps left") + ")";
    }

    private static ObjectNode budgetJson(TestSetBudgetRecord budget) {
        ObjectNode node = JSON.createObjectNode();
        node.put("test_set", budget.datasetName() + "@" + budget.datasetVersion()).put("condition", budget.condition())
                .put("reliability", budget.reliability()).put("mode", budget.mode()).put("adaptivity", budget.adaptivity())
                .put("steps", budget.steps()).put("steps_used", budget.stepsUsed()).put("steps_left", budget.stepsLeft())
                .put("retired", budget.retired());
        budget.retiredAt().ifPresent(t -> node.put("retired_at", t));
        budget.retiredReason().ifPresent(r -> node.put("retired_reason", r));
        node.put("created_at", budget.createdAt());
        return node;
    }

    static ObjectNode planJson(GateSettings settings, SampleSizePlan plan) {
        ObjectNode node = JSON.createObjectNode();
        node.put("condition", settings.condition().text()).put("reliability", settings.reliability()).put("mode", settings.mode().wireName())
                .put("adaptivity", settings.adaptivity().wireName()).put("steps", settings.steps())
                .put("labelled_rows", plan.labelledRows()).put("rows", plan.required());
        ArrayNode clauses = node.putArray("clauses");
        for (ClauseSize size : plan.clauses()) {
            ObjectNode c = clauses.addObject().put("clause", size.clause().text()).put("hoeffding", size.hoeffding());
            size.bennett().ifPresent(b -> c.put("bennett", b));
            c.put("required", size.chosen()).put("method", size.method());
        }
        return node;
    }

    private static void checkBound(double bound) {
        if (!(bound > 0 && bound <= 1)) {
            throw StewardException.invalid("disagreement_bound", "a bound on the disagreement rate is a number in (0, 1], e.g. 0.1");
        }
    }

    private static void putNumber(ObjectNode node, String field, double value) {
        if (Double.isFinite(value)) {
            node.put(field, value);
        } else {
            node.putNull(field);
        }
    }

    private static String squeeze(String text) {
        return text.replaceAll("\\s+", "");
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw StewardException.internal("reading a stored gate check", e);
        }
    }

    private static GateRepository repo(StoreTransaction tx) {
        return tx.repository(GateRepository.class);
    }
}
