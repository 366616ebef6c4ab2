package dev.steward.core.feasibility;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/** A study's report as JSON ({@code feasibility.json} and the API's answer), snake_case as on the wire. */
final class ReportJson {
    private ReportJson() {}

    /** Where the rows came from and how many of them the study used. */
    record Context(String dataset, int version, String datasetSha256, String target, List<String> features, List<String> classes,
            long rowsInVersion, int sampled, int labelled, long seed, int maxRows, OptionalDouble targetAccuracy) {
        Context {
            features = List.copyOf(features);
            classes = List.copyOf(classes);
        }
    }

    static ObjectNode of(FeasibilityReport report, Context context) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("dataset", context.dataset()).put("version", context.version()).put("dataset_sha256", context.datasetSha256())
                .put("target", context.target());
        context.features().forEach(json.putArray("features")::add);
        json.put("class_count", report.classes());
        context.classes().forEach(json.putArray("classes")::add);
        json.putObject("rows").put("in_version", context.rowsInVersion()).put("sampled", context.sampled())
                .put("labelled", context.labelled()).put("train", report.trainRows()).put("test", report.testRows());
        json.put("seed", context.seed()).put("max_rows", context.maxRows()).put("dimensions", report.inputDimensions());

        FeasibilityReport.Estimate estimate = report.estimate();
        ObjectNode e = json.putObject("estimate").put("transform", estimate.transform()).put("knn_error", estimate.knnError())
                .put("ber_lower", estimate.berLower()).put("ber_upper", estimate.berUpper()).put("max_accuracy", estimate.maxAccuracy());
        e.putArray("ber_lower_interval").add(estimate.berLowerInterval().low()).add(estimate.berLowerInterval().high());
        e.putArray("ber_upper_interval").add(estimate.berUpperInterval().low()).add(estimate.berUpperInterval().high());
        json.put("ceiling_sentence", report.ceiling());
        StringBuilder summary = new StringBuilder(sentence(report.ceiling()));
        if (context.targetAccuracy().isPresent()) {
            double target = context.targetAccuracy().getAsDouble();
            json.put("target_accuracy", target).put("target_supported", report.supports(target)).put("target_sentence", report.target(target));
            summary.append(' ').append(sentence(report.target(target)));
        }
        summary.append(' ').append(sentence(report.noiseSentence())).append(' ').append(sentence(report.curveSentence()));
        json.put("summary", summary.toString());

        ArrayNode candidates = json.putArray("candidates");
        for (FeasibilityReport.Candidate candidate : report.candidates()) {
            ObjectNode c = candidates.addObject().put("name", candidate.name()).put("kind", candidate.kind())
                    .put("dimensions", candidate.dimensions()).put("selected", candidate.selected());
            if (candidate.droppedAfter() > 0) {
                c.put("dropped_after_train_rows", candidate.droppedAfter());
            } else {
                c.putNull("dropped_after_train_rows");
            }
            evaluations(c.putArray("evaluations"), candidate.evaluations());
        }

        FeasibilityReport.NoiseCheck noise = report.noise();
        ObjectNode feebee = json.putObject("feebee").put("behaves", noise.behaves()).put("sentence", report.noiseSentence())
                .put("slope", noise.slope()).put("expected_slope", noise.expectedSlope());
        ArrayNode levels = feebee.putArray("levels");
        for (FeasibilityReport.NoiseLevel level : noise.levels()) {
            levels.addObject().put("rho", level.rho()).put("knn_error", level.knnError()).put("ber_lower", level.berLower())
                    .put("band_lower", level.bandLower()).put("band_upper", level.bandUpper()).put("within_band", level.withinBand());
        }

        FeasibilityReport.Curve curve = report.curve();
        ObjectNode learning = json.putObject("learning_curve").put("verdict", curve.fit().verdict().name().toLowerCase(Locale.ROOT))
                .put("sentence", report.curveSentence()).put("knn_accuracy_at_2x", 1 - curve.knnErrorAt2x())
                .put("knn_accuracy_at_10x", 1 - curve.knnErrorAt10x()).put("max_accuracy_at_10x", 1 - curve.berLowerAt10x());
        learning.putObject("fit").put("model", "knn_error = intercept + slope * ln(train_rows)")
                .put("extrapolation", "from the knn_error at the largest train_rows, along min(slope, 0)").put("intercept", curve.fit().intercept())
                .put("slope", curve.fit().slope()).put("slope_standard_error", curve.fit().slopeError())
                .put("per_doubling", curve.fit().perDoubling());
        evaluations(learning.putArray("points"), curve.points());
        return json;
    }

    private static void evaluations(ArrayNode array, List<FeasibilityReport.Evaluation> evaluations) {
        for (FeasibilityReport.Evaluation evaluation : evaluations) {
            array.addObject().put("train_rows", evaluation.trainRows()).put("knn_error", evaluation.knnError())
                    .put("ber_lower", evaluation.berLower());
        }
    }

    /** A clause as a sentence: capitalised, with a full stop. */
    private static String sentence(String clause) {
        return Character.toUpperCase(clause.charAt(0)) + clause.substring(1) + ".";
    }
}
