package dev.steward.core.registry.policy;

import dev.steward.core.jobs.SpecFields;
import dev.steward.spi.data.DatasetVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Every dataset version the candidate was trained on passed its latest validation (by a named suite, or any). */
public final class DataValidatedCriterion implements Criterion {
    public static final String KIND = "data_validated";
    private final Optional<String> suite;

    private DataValidatedCriterion(Optional<String> suite) {
        this.suite = suite;
    }

    /** {@code {suite: name}} (optional). */
    public static final class Kind implements CriterionKind {
        @Override
        public String name() {
            return KIND;
        }

        @Override
        public Criterion parse(SpecFields f, Optional<String> text, PolicyContext context) {
            Optional<String> suite = text.isPresent() ? text : f.optionalText("suite", 200);
            f.done();
            return new DataValidatedCriterion(suite);
        }
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String describe() {
        return "the training data passed its validation" + suite.map(s -> " suite '" + s + "'").orElse("");
    }

    @Override
    public CriterionResult evaluate(PromotionContext context) {
        List<DatasetVersion> training = context.trainingData();
        if (training.isEmpty()) {
            return new CriterionResult(KIND, describe(), false, "the candidate names no training data known to this Steward",
                    "validated training data", List.of());
        }
        List<CriterionResult.Evidence> evidence = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (DatasetVersion version : training) {
            Optional<PromotionContext.ValidationState> state = context.validation(version, suite);
            String name = version.datasetName() + "@" + version.version();
            if (state.isEmpty()) {
                failures.add(name + " was never validated" + suite.map(s -> " with suite '" + s + "'").orElse(""));
                continue;
            }
            evidence.add(new CriterionResult.Evidence("validation_report", state.get().reportId()));
            if (!state.get().passed()) {
                failures.add(name + " failed suite '" + state.get().suite() + "' (report " + state.get().reportId() + ")");
            }
        }
        return new CriterionResult(KIND, describe(), failures.isEmpty(), failures.isEmpty() ? training.size() + " dataset version(s) passed"
                : String.join("; ", failures), "every training dataset version passed", evidence);
    }
}
