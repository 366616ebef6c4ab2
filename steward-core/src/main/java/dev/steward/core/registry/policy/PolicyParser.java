package dev.steward.core.registry.policy;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.steward.core.jobs.SpecFields;
import dev.steward.spi.StewardException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads promotion policies, YAML or JSON:
 *
 * <pre>
 * description: what production needs
 * criteria:
 *   - metric: "f1_macro >= 0.9 on penguins@3"
 *   - metric: "f1_macro >= current - 0.01 on penguins@3"
 *   - kind: latency          # or, the same: latency: {p50_ms: 5}
 *     p50_ms: 5
 *   - approvals: {count: 1, role: deployer, four_eyes: true}
 *   - data_validated
 * </pre>
 *
 * An item is {@code {kind: K, ...fields}}, {@code {K: fields}}, {@code {K: "compact text"}} or just
 * {@code K}. Every mistake is an error naming the field ({@code criteria[1].metric}), and names of
 * datasets are looked up, so a policy naming something that does not exist is refused when set.
 * The kinds are pluggable: the parser knows only the {@link CriterionKind}s it is given.
 */
public final class PolicyParser {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final int MAX_CHARS = 100_000;
    private static final int MAX_CRITERIA = 50;

    private final Map<String, CriterionKind> kinds = new LinkedHashMap<>();

    public PolicyParser(List<CriterionKind> kinds) {
        kinds.forEach(kind -> this.kinds.put(kind.name(), kind));
    }

    /** The kinds Steward ships: metric, data_validated, package_size, latency, approvals. */
    public static List<CriterionKind> builtInKinds() {
        return List.of(new MetricCriterion.Kind(), new DataValidatedCriterion.Kind(), new PackageSizeCriterion.Kind(), new LatencyCriterion.Kind(),
                new ApprovalsCriterion.Kind(), new SignatureKind());
    }

    public Policy parse(String definition, PolicyContext context) {
        requireNonNull(context, "context is null");
        if (definition == null || definition.isBlank()) {
            throw StewardException.invalid("policy", "the policy is empty: give at least 'criteria:' with one criterion");
        }
        if (definition.length() > MAX_CHARS) {
            throw StewardException.invalid("policy", "the policy is longer than " + MAX_CHARS + " characters");
        }
        JsonNode root;
        try {
            root = YAML.readTree(definition);
        } catch (JsonProcessingException e) {
            throw StewardException.invalid("policy", "the policy is neither YAML nor JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        }
        if (root == null || !root.isObject()) {
            throw StewardException.invalid("policy", "the policy must be a mapping with 'criteria'");
        }
        SpecFields top = new SpecFields((ObjectNode) root, "");
        Optional<String> description = top.optionalText("description", 10_000);
        JsonNode items = top.optional("criteria").orElseThrow(() -> top.invalid("criteria", "is required: a list of criteria"));
        if (!items.isArray() || items.isEmpty()) {
            throw top.invalid("criteria", "must be a non-empty list");
        }
        if (items.size() > MAX_CRITERIA) {
            throw top.invalid("criteria", "at most " + MAX_CRITERIA + " criteria");
        }
        top.done();
        List<Criterion> criteria = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            criteria.add(item(items.get(i), "criteria[" + i + "]", context));
        }
        return new Policy(criteria, description);
    }

    private Criterion item(JsonNode item, String path, PolicyContext context) {
        ObjectMapper json = new ObjectMapper();
        if (item.isTextual()) {
            return kind(item.asText(), path).parse(new SpecFields(json.createObjectNode(), path + "."), Optional.empty(), context);
        }
        if (!item.isObject() || item.isEmpty()) {
            throw StewardException.invalid(path, path + ": a criterion is a kind name or a mapping, e.g. {metric: 'f1_macro >= 0.9 on data@1'}");
        }
        ObjectNode object = (ObjectNode) item;
        if (object.has("kind")) {
            JsonNode name = object.get("kind");
            if (!name.isTextual()) {
                throw StewardException.invalid(path + ".kind", path + ".kind: must be a string");
            }
            ObjectNode fields = object.deepCopy();
            fields.remove("kind");
            return kind(name.asText(), path + ".kind").parse(new SpecFields(fields, path + "."), Optional.empty(), context);
        }
        if (object.size() != 1) {
            throw StewardException.invalid(path, path + ": give the criterion's 'kind', or one key naming it; known kinds are " + kinds.keySet());
        }
        String name = object.fieldNames().next();
        CriterionKind kind = kind(name, path + "." + name);
        JsonNode value = object.get(name);
        if (value.isTextual()) {
            SpecFields fields = new SpecFields(object, path + ".");
            fields.optional(name);
            return kind.parse(fields, Optional.of(value.asText()), context);
        }
        if (value.isNull()) {
            return kind.parse(new SpecFields(json.createObjectNode(), path + "." + name + "."), Optional.empty(), context);
        }
        if (!value.isObject()) {
            throw StewardException.invalid(path + "." + name, path + "." + name + ": must be a mapping of the criterion's fields or its compact text");
        }
        return kind.parse(new SpecFields((ObjectNode) value, path + "." + name + "."), Optional.empty(), context);
    }

    private CriterionKind kind(String name, String path) {
        CriterionKind kind = kinds.get(name);
        if (kind == null) {
            throw StewardException.invalid(path, path + ": unknown criterion kind '" + name + "'; use one of " + kinds.keySet());
        }
        return kind;
    }

    /** {@code signature_compatible} may be listed for clarity; it is always checked (a safety criterion). */
    static final class SignatureKind implements CriterionKind {
        @Override
        public String name() {
            return "signature_compatible";
        }

        @Override
        public Criterion parse(SpecFields fields, Optional<String> text, PolicyContext context) {
            fields.done();
            return new SafetyCriteria.SignatureCompatible();
        }
    }
}
