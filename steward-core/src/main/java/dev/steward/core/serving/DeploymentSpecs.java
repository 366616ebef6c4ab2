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
 * traffic:                                    # optional; one of:
 *   canary: {candidate: models:/penguins/8, stable: models:/penguins/7, steps: [5, 25, 50, 100], dwell_seconds: 60,
 *            min_requests: 100, guardrails: {max_error_rate: 0.01, max_p99_ms: 50, min_accuracy: 0.9, min_labelled: 50}}
 *   shadow: {primary: models:/penguins/7, shadow: models:/penguins/8, queue: 1000}
 *   bandit: {algorithm: thompson, reward: binary, epsilon: 0.1, discount: 1}
 * cutout: {max_error_rate: 0.5, window_seconds: 60, min_requests: 20, forbidden_labels: [deny-all]}
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
        Optional<DeploymentSpec.Traffic> traffic = Optional.empty();
        SpecFields tr = f.nested("traffic");
        if (tr != null) {
            traffic = Optional.of(traffic(tr, versions, resolver));
            versions = weighted(versions, traffic.get());
        }
        Optional<DeploymentSpec.Cutout> cutout = Optional.empty();
        SpecFields c = f.nested("cutout");
        if (c != null) {
            OptionalDouble rate = fraction(c, "max_error_rate");
            long window = c.optionalLong("window_seconds", 1, 24 * 3600).orElse(60L);
            long minRequests = c.optionalLong("min_requests", 1, 1_000_000_000).orElse(20L);
            List<String> forbidden = new ArrayList<>();
            c.optional("forbidden_labels").ifPresent(list -> {
                if (!list.isArray() || list.size() > 100) {
                    throw c.invalid("forbidden_labels", "must be a list of at most 100 labels");
                }
                for (JsonNode label : list) {
                    if (!label.isTextual() || label.asText().isEmpty()) {
                        throw c.invalid("forbidden_labels", "must hold labels (strings)");
                    }
                    forbidden.add(label.asText());
                }
            });
            if (rate.isEmpty() && forbidden.isEmpty()) {
                throw c.invalid("max_error_rate", "a cut-out needs max_error_rate or forbidden_labels");
            }
            c.done();
            cutout = Optional.of(new DeploymentSpec.Cutout(rate, java.time.Duration.ofSeconds(window), minRequests, forbidden));
        }
        f.done();
        return new DeploymentSpec(environment, versions, sticky, batching, limits, threshold, traffic, cutout);
    }

    private static DeploymentSpec.Traffic traffic(SpecFields tr, List<DeploymentSpec.ServedVersion> versions, VersionResolver resolver) {
        SpecFields canary = tr.nested("canary");
        SpecFields shadow = tr.nested("shadow");
        SpecFields bandit = tr.nested("bandit");
        tr.done();
        int given = (canary == null ? 0 : 1) + (shadow == null ? 0 : 1) + (bandit == null ? 0 : 1);
        if (given != 1) {
            throw StewardException.invalid("traffic", "traffic: give exactly one of canary, shadow or bandit");
        }
        if (canary != null) {
            String candidate = served(canary, "candidate", versions, resolver).orElseThrow(() -> canary.invalid("candidate",
                    "is required: the version being rolled out (one of the versions)"));
            String stable = served(canary, "stable", versions, resolver).orElseGet(() -> versions.stream().map(DeploymentSpec.ServedVersion::uri)
                    .filter(uri -> !uri.equals(candidate)).findFirst().orElseThrow(() -> canary.invalid("stable",
                            "a canary needs a stable version besides the candidate among the versions")));
            if (stable.equals(candidate)) {
                throw canary.invalid("stable", "the stable version and the candidate must differ");
            }
            List<Double> steps = new ArrayList<>();
            JsonNode list = canary.optional("steps").orElse(null);
            if (list == null) {
                steps.addAll(List.of(5.0, 25.0, 50.0, 100.0));
            } else {
                if (!list.isArray() || list.isEmpty() || list.size() > 20) {
                    throw canary.invalid("steps", "must be a list of 1 to 20 percentages, e.g. [5, 25, 50, 100]");
                }
                for (JsonNode step : list) {
                    double p = step.asDouble();
                    if (!step.isNumber() || !(p > 0 && p <= 100) || (!steps.isEmpty() && p <= steps.get(steps.size() - 1))) {
                        throw canary.invalid("steps", "must be rising percentages above 0 and at most 100, e.g. [5, 25, 50, 100]");
                    }
                    steps.add(p);
                }
            }
            long dwell = canary.optionalLong("dwell_seconds", 0, 7 * 24 * 3600).orElse(60L);
            long minRequests = canary.optionalLong("min_requests", 0, 1_000_000_000).orElse(100L);
            int step = canary.optionalLong("step", 0, steps.size() - 1).map(Long::intValue).orElse(0);
            DeploymentSpec.Guardrails guardrails = new DeploymentSpec.Guardrails(java.util.OptionalDouble.of(0.05),
                    java.util.OptionalDouble.empty(), java.util.OptionalDouble.empty(), 50);
            SpecFields g = canary.nested("guardrails");
            if (g != null) {
                OptionalDouble errors = fraction(g, "max_error_rate");
                OptionalDouble p99 = g.optional("max_p99_ms").map(v -> {
                    if (!v.isNumber() || !(v.asDouble() > 0)) {
                        throw g.invalid("max_p99_ms", "must be a number of milliseconds above 0");
                    }
                    return OptionalDouble.of(v.asDouble());
                }).orElse(OptionalDouble.empty());
                OptionalDouble accuracy = fraction(g, "min_accuracy");
                long labelled = g.optionalLong("min_labelled", 1, 1_000_000_000).orElse(50L);
                g.done();
                guardrails = new DeploymentSpec.Guardrails(errors, p99, accuracy, labelled);
            }
            canary.done();
            return new DeploymentSpec.Canary(stable, candidate, steps, java.time.Duration.ofSeconds(dwell), minRequests, guardrails, step);
        }
        if (shadow != null) {
            String shadowVersion = served(shadow, "shadow", versions, resolver).orElseThrow(() -> shadow.invalid("shadow",
                    "is required: the version that gets a copy of the traffic (one of the versions)"));
            String primary = served(shadow, "primary", versions, resolver).orElseGet(() -> versions.stream()
                    .map(DeploymentSpec.ServedVersion::uri).filter(uri -> !uri.equals(shadowVersion)).findFirst().orElseThrow(() ->
                            shadow.invalid("primary", "a shadow needs a primary version besides it among the versions")));
            if (primary.equals(shadowVersion)) {
                throw shadow.invalid("shadow", "the primary and the shadow must differ");
            }
            int queue = shadow.optionalLong("queue", 1, 1_000_000).map(Long::intValue).orElse(1_000);
            shadow.done();
            return new DeploymentSpec.Shadow(primary, shadowVersion, queue);
        }
        if (versions.size() < 2) {
            throw bandit.invalid("algorithm", "a bandit chooses between at least two versions");
        }
        String algorithm = bandit.optionalText("algorithm", 40).orElse("thompson");
        if (!List.of("thompson", "epsilon_greedy").contains(algorithm)) {
            throw bandit.invalid("algorithm", "'" + algorithm + "' is not a bandit Steward runs: thompson or epsilon_greedy");
        }
        String reward = bandit.optionalText("reward", 20).orElse("binary");
        if (!List.of("binary", "real").contains(reward)) {
            throw bandit.invalid("reward", "'" + reward + "' is neither binary (0 or 1) nor real");
        }
        double epsilon = fraction(bandit, "epsilon").orElse(0.1);
        double discount = bandit.optional("discount").map(v -> {
            if (!v.isNumber() || !(v.asDouble() > 0 && v.asDouble() <= 1)) {
                throw bandit.invalid("discount", "must be in (0, 1]: how much of an arm's past each new reward keeps (1 forgets nothing)");
            }
            return v.asDouble();
        }).orElse(1.0);
        bandit.done();
        return new DeploymentSpec.Bandit(algorithm, reward, epsilon, discount);
    }

    /** The versions' weights as the traffic policy sets them. */
    static List<DeploymentSpec.ServedVersion> weighted(List<DeploymentSpec.ServedVersion> versions, DeploymentSpec.Traffic traffic) {
        List<DeploymentSpec.ServedVersion> out = new ArrayList<>();
        for (DeploymentSpec.ServedVersion v : versions) {
            double weight = v.weight();
            if (traffic instanceof DeploymentSpec.Canary c) {
                weight = v.uri().equals(c.candidate()) ? c.candidatePercent() : v.uri().equals(c.stable()) ? 100 - c.candidatePercent() : 0;
            } else if (traffic instanceof DeploymentSpec.Shadow sh && v.uri().equals(sh.shadow())) {
                weight = 0;
            }
            out.add(new DeploymentSpec.ServedVersion(v.model(), v.version(), weight, v.overrideReason()));
        }
        if (out.stream().mapToDouble(DeploymentSpec.ServedVersion::weight).sum() <= 0) {
            throw StewardException.invalid("versions", "versions: at least one version needs a weight above 0 besides the shadow");
        }
        return out;
    }

    private static OptionalDouble fraction(SpecFields f, String key) {
        return f.optional(key).map(v -> {
            if (!v.isNumber() || !(v.asDouble() >= 0 && v.asDouble() <= 1)) {
                throw f.invalid(key, "must be a fraction from 0 to 1");
            }
            return OptionalDouble.of(v.asDouble());
        }).orElse(OptionalDouble.empty());
    }

    /** A version a traffic field names, which must be one of the served versions; its URI. */
    private static Optional<String> served(SpecFields f, String key, List<DeploymentSpec.ServedVersion> versions, VersionResolver resolver) {
        Optional<String> text = f.optionalText(key, 500);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        ResolvedVersion resolved;
        try {
            resolved = resolver.apply(text.get(), Optional.empty());
        } catch (StewardException e) {
            throw f.invalid(key, e.getMessage());
        }
        String uri = "models:/" + resolved.model() + "/" + resolved.version();
        if (versions.stream().noneMatch(v -> v.uri().equals(uri))) {
            throw f.invalid(key, uri + " is not one of the versions; list it under 'versions' too");
        }
        return Optional.of(uri);
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
        spec.cutout().ifPresent(c -> {
            ObjectNode node = root.putObject("cutout");
            c.maxErrorRate().ifPresent(r -> node.put("max_error_rate", r));
            node.put("window_seconds", c.window().toSeconds()).put("min_requests", c.minRequests());
            if (!c.forbiddenLabels().isEmpty()) {
                ArrayNode labels = node.putArray("forbidden_labels");
                c.forbiddenLabels().forEach(labels::add);
            }
        });
        spec.traffic().ifPresent(traffic -> {
            ObjectNode node = root.putObject("traffic");
            if (traffic instanceof DeploymentSpec.Canary c) {
                {
                    ObjectNode canary = node.putObject("canary").put("candidate", c.candidate()).put("stable", c.stable());
                    ArrayNode steps = canary.putArray("steps");
                    c.steps().forEach(steps::add);
                    canary.put("dwell_seconds", c.dwell().toSeconds()).put("min_requests", c.minRequests()).put("step", c.step());
                    ObjectNode g = canary.putObject("guardrails");
                    c.guardrails().maxErrorRate().ifPresent(v -> g.put("max_error_rate", v));
                    c.guardrails().maxP99Millis().ifPresent(v -> g.put("max_p99_ms", v));
                    c.guardrails().minAccuracy().ifPresent(v -> g.put("min_accuracy", v));
                    g.put("min_labelled", c.guardrails().minLabelled());
                }
            } else if (traffic instanceof DeploymentSpec.Shadow sh) {
                node.putObject("shadow").put("primary", sh.primary()).put("shadow", sh.shadow()).put("queue", sh.queue());
            } else if (traffic instanceof DeploymentSpec.Bandit b) {
                node.putObject("bandit").put("algorithm", b.algorithm()).put("reward", b.reward()).put("epsilon", b.epsilon())
                        .put("discount", b.discount());
            }
        });
        return root;
    }

    /** A stored {@code models:/name/N}. */
    private static ResolvedVersion stored(String uri) {
        int slash = uri.lastIndexOf('/');
        return new ResolvedVersion(uri.substring("models:/".length(), slash), Integer.parseInt(uri.substring(slash + 1)));
    }

    /** Reads a stored spec back (its versions are numbers already). */
    public static DeploymentSpec fromJson(String json) {
        try {
            return parse((ObjectNode) JSON.readTree(json), (model, version) -> version.isPresent() ? new ResolvedVersion(model, version.get())
                    : stored(model));
        } catch (JsonProcessingException | RuntimeException e) {
            throw StewardException.of(dev.steward.spi.ErrorCode.DATA_CORRUPTED, "a stored deployment spec cannot be read: " + e.getMessage());
        }
    }
}
