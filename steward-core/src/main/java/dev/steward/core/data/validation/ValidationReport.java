package dev.steward.core.data.validation;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The stored result of running a suite version on a dataset version.
 *
 * @param quarantined whether this run quarantined the version
 */
public record ValidationReport(String id, String dataset, int version, String versionId, String suite, int suiteVersion, boolean passed,
        boolean quarantined, List<CheckResult> checks, long createdAt, String createdBy) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public ValidationReport {
        requireNonNull(id, "id is null");
        requireNonNull(dataset, "dataset is null");
        requireNonNull(versionId, "versionId is null");
        requireNonNull(suite, "suite is null");
        checks = List.copyOf(checks);
        requireNonNull(createdBy, "createdBy is null");
    }

    /** The checks that failed, of either severity. */
    public List<CheckResult> failures() {
        return checks.stream().filter(c -> !c.passed()).toList();
    }

    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", id).put("dataset", dataset).put("version", version).put("version_id", versionId).put("suite", suite)
                .put("suite_version", suiteVersion).put("passed", passed).put("quarantined", quarantined);
        ArrayNode array = root.putArray("checks");
        for (CheckResult c : checks) {
            ObjectNode check = array.addObject();
            check.put("index", c.index()).put("check", c.kind());
            c.label().ifPresent(l -> check.put("name", l));
            c.column().ifPresent(col -> check.put("column", col));
            check.put("severity", c.severity()).put("passed", c.passed());
            check.set("observed", c.observed().map(JSON::valueToTree).map(JsonNode.class::cast).orElse(JSON.nullNode()));
            check.put("expected", c.expected()).put("message", c.message());
        }
        root.put("created_at", createdAt).put("created_by", createdBy);
        return root;
    }

    public String toJsonText() {
        try {
            return JSON.writeValueAsString(toJson());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("serialising validation report " + id, e);
        }
    }

    public static ValidationReport fromJson(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored validation report is not JSON", e);
        }
        List<CheckResult> checks = new ArrayList<>();
        for (JsonNode c : root.get("checks")) {
            JsonNode observed = c.get("observed");
            checks.add(new CheckResult(c.get("index").asInt(), c.get("check").asText(), Optional.ofNullable(c.get("name")).map(JsonNode::asText),
                    Optional.ofNullable(c.get("column")).map(JsonNode::asText), c.get("severity").asText(), c.get("passed").asBoolean(),
                    observed == null || observed.isNull() ? Optional.empty() : Optional.of(JSON.convertValue(observed, Object.class)),
                    c.get("expected").asText(), c.get("message").asText()));
        }
        return new ValidationReport(root.get("id").asText(), root.get("dataset").asText(), root.get("version").asInt(),
                root.get("version_id").asText(), root.get("suite").asText(), root.get("suite_version").asInt(), root.get("passed").asBoolean(),
                root.get("quarantined").asBoolean(), checks, root.get("created_at").asLong(), root.get("created_by").asText());
    }
}
