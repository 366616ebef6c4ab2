package dev.steward.core.registry.policy;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.core.gates.Adaptivity;
import dev.steward.core.gates.GateCondition;
import dev.steward.core.gates.GateService;
import dev.steward.core.gates.GateSettings;
import dev.steward.core.gates.Mode;
import dev.steward.core.gates.Variable;
import dev.steward.core.jobs.SpecFields;
import dev.steward.spi.StewardException;
import dev.steward.spi.data.DatasetVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A statistically sound release gate (ease.ml/ci) as a promotion criterion: the candidate against
 * the version holding the environment, on a test set whose step budget every promotion attempt of
 * a new candidate spends:
 *
 * <pre>
 * - kind: statistical
 *   condition: "n - o > 0.02 +/- 0.01"
 *   reliability: 0.999
 *   adaptivity: full          # a promotion tells the promoter whether it passed: full or hybrid
 *   steps: 32
 *   test_set: penguins-holdout@1
 * </pre>
 *
 * {@code mode} (default {@code fp-free}) and {@code disagreement_bound} are optional. With no
 * version holding the environment, a condition over {@code o} or {@code d} has nothing to compare
 * with: the criterion passes saying so and spends nothing.
 */
public final class StatisticalCriterion implements Criterion {
    public static final String KIND = "statistical";

    private final GateService gates;
    private final GateSettings settings;
    private final String testSetReference;
    private final String testSetId;
    private final OptionalDouble disagreementBound;

    private StatisticalCriterion(GateService gates, GateSettings settings, String testSetReference, String testSetId, OptionalDouble bound) {
        this.gates = gates;
        this.settings = settings;
        this.testSetReference = testSetReference;
        this.testSetId = testSetId;
        this.disagreementBound = bound;
    }

    /** Parses {@code {condition, reliability, mode, adaptivity, steps, test_set, disagreement_bound}}. */
    public static final class Kind extends FieldsKind {
        private final GateService gates;

        public Kind(GateService gates) {
            super(KIND, "{condition: \"n - o > 0.02 +/- 0.01\", reliability: 0.999, adaptivity: full, steps: 32, test_set: holdout@1}");
            this.gates = requireNonNull(gates, "gates is null");
        }

        @Override
        Criterion parse(SpecFields f, PolicyContext context) {
            String text = f.requiredText("condition", 1_000);
            GateCondition condition = field(f, "condition", () -> GateCondition.parse(text));
            double reliability = f.optional("reliability").map(v -> {
                if (!v.isNumber()) {
                    throw f.invalid("reliability", "must be a number in (0, 1), e.g. 0.999");
                }
                return v.asDouble();
            }).orElseThrow(() -> f.invalid("reliability", "is required: the probability that the gate's answer is right, e.g. 0.999"));
            Mode mode = field(f, "mode", () -> Mode.parse(f.optionalText("mode", 20).orElse("fp-free")));
            Adaptivity adaptivity = field(f, "adaptivity", () -> Adaptivity.parse(f.optionalText("adaptivity", 20).orElse("full")));
            if (adaptivity == Adaptivity.NONE) {
                throw f.invalid("adaptivity", "a promotion tells the promoter whether it passed, so its gate cannot withhold the outcome: use"
                        + " 'full' (every outcome released) or 'hybrid' (the first pass uses the test set up); 'none' suits 'steward gate check'"
                        + " with the outcome going to administrators");
            }
            long steps = f.optionalLong("steps", 1, 1024).orElseThrow(() -> f.invalid("steps", "is required: how many candidates the test set"
                    + " may judge (H), e.g. 32"));
            GateSettings settings = field(f, "reliability", () -> new GateSettings(condition, reliability, mode, adaptivity, (int) steps));
            OptionalDouble bound = f.optional("disagreement_bound").map(v -> {
                if (!v.isNumber() || !(v.asDouble() > 0 && v.asDouble() <= 1)) {
                    throw f.invalid("disagreement_bound", "a known upper bound on the disagreement rate: a number in (0, 1]");
                }
                return OptionalDouble.of(v.asDouble());
            }).orElse(OptionalDouble.empty());
            DatasetVersion testSet = context.dataset(f.requiredText("test_set", 300), f.path("test_set"));
            // A test set too small for the plan is refused now rather than at the first promotion.
            long needed = Math.max(gates.size(settings, bound).path("labelled_rows").asLong(), gates.size(settings, bound).path("rows").asLong());
            if (bound.isPresent() || settings.condition().clauses().stream().noneMatch(c -> c.variables().contains(Variable.D) || c.variables().contains(Variable.O))) {
                if (testSet.rowCount() < needed) {
                    throw f.invalid("test_set", testSet.datasetName() + "@" + testSet.version() + " has " + testSet.rowCount() + " rows and the"
                            + " condition needs " + needed + " at reliability " + reliability + " over " + steps + " steps");
                }
            }
            return new StatisticalCriterion(gates, settings, testSet.datasetName() + "@" + testSet.version(), testSet.id(), bound);
        }

        private static <T> T field(SpecFields f, String field, java.util.function.Supplier<T> parse) {
            try {
                return parse.get();
            } catch (StewardException e) {
                if (e.field().isPresent()) {
                    throw f.invalid(e.field().get(), e.getMessage());
                }
                throw e;
            }
        }
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String describe() {
        return settings.condition().text() + " with reliability " + settings.reliability() + " (" + settings.mode().wireName() + ", "
                + settings.adaptivity().wireName() + " adaptivity, " + settings.steps() + " steps) on " + testSetReference;
    }

    @Override
    public CriterionResult evaluate(PromotionContext context) {
        boolean needsBaseline = settings.condition().clauses().stream().anyMatch(c -> c.variables().contains(Variable.O) || c.variables().contains(Variable.D));
        String candidate = "models:/" + context.candidate().version().modelName() + "/" + context.candidate().version().version();
        if (needsBaseline && context.currentPackage().isEmpty()) {
            return new CriterionResult(KIND, describe(), true, "no version holds " + context.environment() + ": nothing to compare with",
                    settings.condition().text(), List.of());
        }
        Optional<GateService.Model> baseline = needsBaseline ? Optional.of(new GateService.Model("models:/" + context.current().orElseThrow()
                .version().modelName() + "/" + context.current().orElseThrow().version().version(), context.currentPackage().get())) : Optional.empty();
        DatasetVersion testSet = context.datasetVersion(testSetId);
        GateService.CheckResult result = gates.check(context.caller(), new GateService.CheckRequest(settings, new GateService.Model(candidate,
                context.candidatePackage()), baseline, testSet, disagreementBound, Optional.empty()));
        List<CriterionResult.Evidence> evidence = new ArrayList<>();
        evidence.add(new CriterionResult.Evidence("gate_check", result.record().id()));
        evidence.add(new CriterionResult.Evidence("dataset_version", testSetId));
        result.record().runId().ifPresent(run -> evidence.add(new CriterionResult.Evidence("run", run)));
        JsonNode view = result.view();
        return new CriterionResult(KIND, describe(), result.record().outcome().equals("pass"), view.path("message").asText(),
                settings.condition().text(), evidence);
    }
}
