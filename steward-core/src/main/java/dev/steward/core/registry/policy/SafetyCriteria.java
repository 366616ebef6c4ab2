package dev.steward.core.registry.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.spi.data.DatasetVersion;
import dev.steward.spi.registry.ModelVersionRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The criteria every promotion passes, with or without a policy: the version is ready (not failed,
 * not revoked), its training data is not quarantined, and its signature is compatible with the
 * version holding the environment (no input removed or retyped; a new input only if optional).
 * A policy adds to these, never removes them.
 */
public final class SafetyCriteria {
    private SafetyCriteria() {
    }

    public static List<Criterion> all() {
        return List.of(new VersionReady(), new TrainingDataUsable(), new SignatureCompatible());
    }

    static final class VersionReady implements Criterion {
        @Override
        public String kind() {
            return "version_ready";
        }

        @Override
        public String describe() {
            return "the version is ready (not failed or revoked)";
        }

        @Override
        public CriterionResult evaluate(PromotionContext context) {
            ModelVersionRecord v = context.candidate().version();
            String observed = v.status() + v.statusMessage().map(m -> ": " + m).orElse("");
            return new CriterionResult(kind(), describe(), v.ready(), observed, ModelVersionRecord.READY, List.of());
        }
    }

    static final class TrainingDataUsable implements Criterion {
        @Override
        public String kind() {
            return "training_data_not_quarantined";
        }

        @Override
        public String describe() {
            return "no dataset version the candidate was trained on is quarantined";
        }

        @Override
        public CriterionResult evaluate(PromotionContext context) {
            List<String> quarantined = new ArrayList<>();
            List<CriterionResult.Evidence> evidence = new ArrayList<>();
            for (DatasetVersion version : context.trainingData()) {
                evidence.add(new CriterionResult.Evidence("dataset_version", version.id()));
                if (!version.status().equals(DatasetVersion.ACTIVE)) {
                    quarantined.add(version.datasetName() + "@" + version.version() + " is " + version.status());
                }
            }
            return new CriterionResult(kind(), describe(), quarantined.isEmpty(), quarantined.isEmpty() ? context.trainingData().size()
                    + " dataset version(s), none quarantined" : String.join("; ", quarantined), "none quarantined", evidence);
        }
    }

    static final class SignatureCompatible implements Criterion {
        @Override
        public String kind() {
            return "signature_compatible";
        }

        @Override
        public String describe() {
            return "the inputs are compatible with the version holding the environment";
        }

        @Override
        public CriterionResult evaluate(PromotionContext context) {
            if (context.currentPackage().isEmpty()) {
                return new CriterionResult(kind(), describe(), true, "no version holds " + context.environment(), "no removed or retyped input",
                        List.of());
            }
            Map<String, JsonNode> current = inputs(context.currentPackage().get().manifest());
            Map<String, JsonNode> candidate = inputs(context.candidatePackage().manifest());
            List<String> problems = new ArrayList<>();
            current.forEach((name, input) -> {
                JsonNode replacement = candidate.get(name);
                if (replacement == null) {
                    problems.add("input '" + name + "' removed");
                } else if (!replacement.path("datatype").equals(input.path("datatype")) || !replacement.path("shape").equals(input.path("shape"))) {
                    problems.add("input '" + name + "' changed from " + input.path("datatype").asText() + input.path("shape") + " to "
                            + replacement.path("datatype").asText() + replacement.path("shape"));
                }
            });
            candidate.forEach((name, input) -> {
                if (!current.containsKey(name) && !input.path("optional").asBoolean(false)) {
                    problems.add("new required input '" + name + "'");
                }
            });
            return new CriterionResult(kind(), describe(), problems.isEmpty(), problems.isEmpty() ? "compatible with version "
                    + context.current().orElseThrow().version().version() : String.join("; ", problems), "no removed or retyped input, no new"
                    + " required input", List.of());
        }

        private static Map<String, JsonNode> inputs(JsonNode manifest) {
            Map<String, JsonNode> inputs = new HashMap<>();
            manifest.path("inputs").forEach(input -> inputs.put(input.path("name").asText(), input));
            return inputs;
        }
    }
}
