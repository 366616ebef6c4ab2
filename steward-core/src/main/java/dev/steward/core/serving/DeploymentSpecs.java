package dev.steward.core.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.steward.core.jobs.SpecFields;
import dev.steward.spi.StewardException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.BiFunction;

/**
 * Reads and writes deployment specs, YAML or JSON:
 *
 * <pre>
 * environment: production                     # default: production
 * versions:
 *   - model: models:/penguins@production      # a model URI (resolved to its version number now), or
 *     weight: 90
 *   - {model: penguins, version: 7, weight: 10, override_reason: "try-out approved by J."}
 * sticky_key: header:X-User                    # or field:user_id; pins a caller to one version
 * batching: {max_batch_size: 64, max_wait_ms: 2}
 * limits: {max_rows: 10000, max_request_bytes: 16777216, requests_per_second: 200, burst: 400}
 * threshold: {min_confidence: 0.6, fallback_label: unknown}
 * </pre>
 *
 * Every mistake is an error naming the field ({@code versions[1].weight}). The stored form is
 * {@link #toJson}: canonical JSON with every default written out and versions as numbers.
 */
public final class DeploymentSpecs {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final int MAX_CHARS = 100_000;
    private static final int MAX_VERSIONS = 20;

    private DeploymentSpecs() {}

    /** A model URI or a name plus a version, resolved to {@code (model, version)} by the registry. */
    @FunctionalInterface
    public interface VersionResolver extends BiFunction<String, Optional<Integer>, ResolvedVersion> {
    }

    /** A registered version a spec names. */
    public record ResolvedVersion(String model, int version) {
    }

    /** Parses a spec a person wrote; names are resolved through {@code resolver}. */
    public static DeploymentSpec parse(String text, VersionResolver resolver) {
        if (text == null || text.isBlank()) {
            throw StewardException.invalid("spec", "the spec is empty: give at least 'versions:' with one model");
        }
        if (text.length() > MAX_CHARS) {
            throw StewardException.invalid("spec", "the spec is longer than " + MAX_CHARS + " characters");
        }
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw StewardException.invalid("spec", "the spec is neither YAML nor JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        }
        if (root == null || !root.isObject()) {
            throw StewardException.invalid("spec", "the spec must be a mapping with 'versions'");
        }
        return parse((ObjectNode) root, resolver);
    }

    /** Parses a spec given as a JSON object (the API's {@code spec} field). */
    public static DeploymentSpec parse(ObjectNode root, VersionResolver resolver) {
        SpecFields f = new SpecFields(root, "");
        String environment = f.optionalText("environment", 100).orElse("production");
        JsonNode items = f.optional("versions").orElseThrow(() -> f.invalid("versions", "is required: a list of the model versions to serve"));
        if (!items.isArray() || items.isEmpty()) {
            throw f.invalid("versions", "must be a non-empty list");
        }
        if (items.size() > MAX_VERSIONS) {
            throw f.invalid("versions", "at most " + MAX_VERSIONS + " versions");
        }
        List<DeploymentSpec.ServedVersion> versions = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String path = "versions[" + i + "].";
            if (!items.get(i).isObject()) {
                throw StewardException.invalid("versions[" + i + "]", "versions[" + i + "]: must be a mapping such as {model: models:/penguins/3,"
                        + " weight: 1}");
            }
            SpecFields v = new SpecFields((ObjectNode) items.get(i), path);
            String model = v.requiredText("model", 500);
            Optional<Integer> number = v.optionalLong("version", 1, Integer.MAX_VALUE).map(Long::intValue);
            double weight = v.optional("weight").map(w -> {
                if (!w.isNumber() || !(w.asDouble() >= 0) || Double.isInfinite(w.asDouble())) {
                    throw v.invalid("weight", "must be a number of 0 or more (a relative share of the traffic)");
                }
                return w.asDouble();
            }).orElse(1.0);
            Optional<String> override = v.optionalText("override_reason", 1_000);
            v.done();
            ResolvedVersion resolved;
            try {
                resolved = resolver.apply(model, number);
            } catch (StewardException e) {
                throw StewardException.of(e.code(), path + "model: " + e.getMessage()).withField(path + "model");
            }
            for (DeploymentSpec.ServedVersion other : versions) {
                if (other.model().equals(resolved.model()) && other.version() == resolved.version()) {
                    throw StewardException.invalid(path + "model", path + "model: " + other.uri() + " is listed twice");
                }
            }
            versions.add(new DeploymentSpec.ServedVersion(resolved.model(), resolved.version(), weight, override));
        }
        if (versions.stream().mapToDouble(DeploymentSpec.ServedVersion::weight).sum() <= 0) {
            throw f.invalid("versions", "at least one version needs a weight above 0");
        }
        Optional<String> sticky = f.optionalText("sticky_key", 200);
        sticky.ifPresent(key -> {
            if (!key.matches("(header|field):[A-Za-z0-9_.-]{1,100}")) {
                throw f.invalid("sticky_key", "'" + key + "' is neither header:NAME nor field:NAME");
            }
        });
        DeploymentSpec.Batching batching = DeploymentSpec.Batching.DEFAULT;
        SpecFields b = f.nested("batching");
        if (b != null) {
            int size = b.optionalLong("max_batch_size", 1, 4096).map(Long::intValue).orElse(batching.maxBatchSize());
            long wait = b.optional("max_wait_ms").map(w -> {
                if (!w.isNumber() || w.asDouble() < 0 || w.asDouble() > 1_000) {
                    throw b.invalid("max_wait_ms", "must be a number of milliseconds from 0 to 1000");
                }
                return Math.round(w.asDouble() * 1_000);
            }).orElse(batching.maxWaitMicros());
            b.done();
            batching = new DeploymentSpec.Batching(size, wait);
        }
        DeploymentSpec.Limits limits = DeploymentSpec.Limits.DEFAULT;
        SpecFields l = f.nested("limits");
        if (l != null) {
            int rows = l.optionalLong("max_rows", 1, 1_000_000).map(Long::intValue).orElse(limits.maxRows());
            long bytes = l.optionalLong("max_request_bytes", 1, 1L << 30).orElse(limits.maxRequestBytes());
            OptionalDouble rate = l.optional("requests_per_second").map(r -> {
                if (!r.isNumber() || !(r.asDouble() > 0) || r.asDouble() > 1e7) {
                    throw l.invalid("requests_per_second", "must be a number above 0 (per token)");
                }
                return OptionalDouble.of(r.asDouble());
            }).orElse(OptionalDouble.empty());
            int burst = l.optionalLong("burst", 0, 10_000_000).map(Long::intValue).orElse(0);
            if (burst > 0 && rate.isEmpty()) {
                throw l.invalid("burst", "goes with requests_per_second");
            }
            l.done();
            limits = new DeploymentSpec.Limits(rows, bytes, rate, burst);
        }
        Optional<DeploymentSpec.Threshold> threshold = Optional.empty();
        SpecFields t = f.nested("threshold");
        if (t != null) {
            double min = t.optional("min_confidence").map(c -> {
                if (!c.isNumber() || !(c.asDouble() > 0 && c.asDouble() <= 1)) {
                    throw t.invalid("min_confidence", "must be a probability in (0, 1]");
                }
                return c.asDouble();
            }).orElseThrow(() -> t.invalid("min_confidence", "is required: the lowest top-class probability answered as is"));
            Optional<String> fallback = t.optionalText("fallback_label", 200);
            t.done();
            threshold = Optional.of(new DeploymentSpec.Threshold(min, fallback));
        }
        f.done();
        return new DeploymentSpec(environment, versions, sticky, batching, limits, threshold);
    }

    /** The canonical stored form. */
    public static String toJson(DeploymentSpec spec) {
        return tree(spec).toString();
    }

    /** The spec as JSON, every default written out. */
    public static ObjectNode tree(DeploymentSpec spec) {
        ObjectNode root = JSON.createObjectNode();
        root.put("environment", spec.environment());
        ArrayNode versions = root.putArray("versions");
        for (DeploymentSpec.ServedVersion v : spec.versions()) {
            ObjectNode node = versions.addObject().put("model", v.model()).put("version", v.version()).put("weight", v.weight());
            v.overrideReason().ifPresent(r -> node.put("override_reason", r));
        }
        spec.stickyKey().ifPresent(k -> root.put("sticky_key", k));
        root.putObject("batching").put("max_batch_size", spec.batching().maxBatchSize()).put("max_wait_ms", spec.batching().maxWaitMicros() / 1000.0);
        ObjectNode limits = root.putObject("limits").put("max_rows", spec.limits().maxRows()).put("max_request_bytes", spec.limits().maxRequestBytes());
        spec.limits().requestsPerSecond().ifPresent(r -> limits.put("requests_per_second", r));
        if (spec.limits().burst() > 0) {
            limits.put("burst", spec.limits().burst());
        }
        spec.threshold().ifPresent(t -> {
            ObjectNode node = root.putObject("threshold").put("min_confidence", t.minConfidence());
            t.fallbackLabel().ifPresent(label -> node.put("fallback_label", label));
        });
        return root;
    }

    /** Reads a stored spec back (its versions are numbers already). */
    public static DeploymentSpec fromJson(String json) {
        try {
            return parse((ObjectNode) JSON.readTree(json), (model, version) -> new ResolvedVersion(model, version.orElseThrow()));
        } catch (JsonProcessingException | RuntimeException e) {
            throw StewardException.of(dev.steward.spi.ErrorCode.DATA_CORRUPTED, "a stored deployment spec cannot be read: " + e.getMessage());
        }
    }
}
