package dev.steward.core.monitoring;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.steward.core.jobs.SpecFields;
import dev.steward.core.stats.MultipleTesting;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads and writes monitor specs, YAML or JSON (the language is described in {@code docs/monitoring.md}):
 *
 * <pre>
 * reference: {dataset: seattle-weather, version: 1}   # default: the served version's training data
 * window: {requests: 1000, min-rows: 30}              # or {duration: 1h, min-rows: 30}
 * features: [temp_max, temp_min, precipitation, wind] # default: every input column
 * drift: {correction: benjamini-hochberg, alpha: 0.05, large-window: 10000, wasserstein: 0.1, jensen-shannon: 0.1, psi: 0.2, bins: 10}
 * multivariate: {enabled: true, sample: 500, permutations: 200, alpha: 0.05, seed: 1}
 * outliers: {enabled: true, threshold: 6.0}
 * performance: {estimate: true}
 * schedule: {on-close: true, grace: 2s}
 * alerts:
 *   - {name: drift, when: "drifted_features >= 2", for: 1, actions: [retrain], priority: 5}
 * </pre>
 *
 * Every field is optional ({@code {}} is a monitor with every default). Every mistake is an error
 * naming the field ({@code window.requests}, {@code alerts[1].when}); unknown keys are refused.
 * The stored form is {@link #toJson}: canonical JSON with every default written out, which
 * {@link #fromJson} reads back to an equal spec. Stateless and thread-safe.
 */
public final class MonitorSpecs {
    /** The longest spec text read, in characters. */
    public static final int MAX_CHARS = 64 * 1024;
    private static final int MAX_NAME = 200;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Pattern SHORT_DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h|d)");

    private MonitorSpecs() {}

    /** Parses a spec a person wrote, YAML or JSON. */
    public static MonitorSpec parse(String text) {
        if (text == null) {
            throw StewardException.invalid("spec", "the spec is missing: give a monitor in YAML or JSON ('{}' takes every default)");
        }
        if (text.length() > MAX_CHARS) {
            throw StewardException.invalid("spec", "the spec is longer than " + MAX_CHARS + " characters");
        }
        if (text.isBlank()) {
            return MonitorSpec.DEFAULTS;
        }
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw StewardException.invalid("spec", "the spec is neither YAML nor JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        }
        if (root == null || root.isNull() || root.isMissingNode()) {
            return MonitorSpec.DEFAULTS;
        }
        if (!root.isObject()) {
            throw StewardException.invalid("spec", "the spec must be a mapping, e.g. {window: {requests: 1000}}");
        }
        return parse((ObjectNode) root);
    }

    /** Parses a spec given as a JSON object (an API body's {@code spec} field). */
    public static MonitorSpec parse(ObjectNode root) {
        SpecFields f = new SpecFields(root, "");
        Optional<MonitorSpec.Reference> reference = Optional.empty();
        SpecFields r = f.nested("reference");
        if (r != null) {
            String dataset = r.requiredText("dataset", MAX_NAME);
            int version = r.optionalLong("version", 1, Integer.MAX_VALUE).map(Long::intValue)
                    .orElseThrow(() -> r.invalid("version", "is required: the number of the dataset's version, e.g. 1"));
            r.done();
            reference = Optional.of(new MonitorSpec.Reference(dataset, version));
        }
        MonitorSpec.Window window = window(f.nested("window"));
        List<String> features = features(f);
        MonitorSpec.Drift drift = drift(f.nested("drift"));
        MonitorSpec.Multivariate multivariate = multivariate(f.nested("multivariate"));
        MonitorSpec.Outliers outliers = MonitorSpec.Outliers.DEFAULTS;
        SpecFields o = f.nested("outliers");
        if (o != null) {
            boolean enabled = bool(o, "enabled").orElse(outliers.enabled());
            Optional<Double> threshold = number(o, "threshold");
            o.done();
            outliers = new MonitorSpec.Outliers(enabled, threshold);
        }
        MonitorSpec.Performance performance = MonitorSpec.Performance.DEFAULTS;
        SpecFields p = f.nested("performance");
        if (p != null) {
            performance = new MonitorSpec.Performance(bool(p, "estimate").orElse(performance.estimate()));
            p.done();
        }
        MonitorSpec.Schedule schedule = MonitorSpec.Schedule.DEFAULTS;
        SpecFields s = f.nested("schedule");
        if (s != null) {
            boolean onClose = bool(s, "on-close").orElse(schedule.onClose());
            Duration grace = duration(s, "grace").orElse(schedule.grace());
            s.done();
            schedule = new MonitorSpec.Schedule(onClose, grace);
        }
        List<MonitorSpec.AlertRule> alerts = alerts(f);
        f.done();
        return new MonitorSpec(reference, window, features, drift, multivariate, outliers, performance, schedule, alerts);
    }

    private static MonitorSpec.Window window(SpecFields w) {
        MonitorSpec.Window defaults = MonitorSpec.Window.DEFAULTS;
        if (w == null) {
            return defaults;
        }
        Optional<Long> requests = w.optionalLong("requests", 1, Long.MAX_VALUE);
        Optional<Duration> duration = duration(w, "duration");
        long minRows = w.optionalLong("min-rows", 1, Long.MAX_VALUE).orElse(defaults.minRows());
        w.done();
        if (requests.isPresent() && duration.isPresent()) {
            throw w.invalid("duration", "give either requests (windows of so many rows) or duration (windows of so much time), not both");
        }
        if (duration.isPresent()) {
            return new MonitorSpec.Window(MonitorSpec.WindowKind.TIME, 0, duration.get(), minRows);
        }
        return new MonitorSpec.Window(MonitorSpec.WindowKind.REQUESTS, requests.orElse(defaults.requests()), Duration.ZERO, minRows);
    }

    private static List<String> features(SpecFields f) {
        Optional<JsonNode> node = f.optional("features");
        if (node.isEmpty()) {
            return List.of();
        }
        if (!node.get().isArray()) {
            throw f.invalid("features", "must be a list of input columns, e.g. [temp_max, wind]");
        }
        if (node.get().size() > MonitorSpec.MAX_FEATURES) {
            throw f.invalid("features", "a monitor watches at most " + MonitorSpec.MAX_FEATURES + " features, not " + node.get().size());
        }
        List<String> features = new ArrayList<>();
        for (int i = 0; i < node.get().size(); i++) {
            JsonNode item = node.get().get(i);
            String field = "features[" + i + "]";
            if (!item.isTextual() || item.asText().isBlank()) {
                throw StewardException.invalid(field, field + ": must be the name of an input column");
            }
            if (item.asText().length() > MAX_NAME) {
                throw StewardException.invalid(field, field + ": is longer than " + MAX_NAME + " characters");
            }
            if (features.contains(item.asText())) {
                throw StewardException.invalid(field, field + ": '" + item.asText() + "' is listed twice");
            }
            features.add(item.asText());
        }
        return features;
    }

    private static MonitorSpec.Drift drift(SpecFields d) {
        MonitorSpec.Drift defaults = MonitorSpec.Drift.DEFAULTS;
        if (d == null) {
            return defaults;
        }
        MultipleTesting correction = d.optionalText("correction", 40).map(text -> correction(d, text)).orElse(defaults.correction());
        double alpha = number(d, "alpha").orElse(defaults.alpha());
        long largeWindow = d.optionalLong("large-window", 1, Long.MAX_VALUE).orElse(defaults.largeWindow());
        double wasserstein = number(d, "wasserstein").orElse(defaults.wasserstein());
        double jensenShannon = number(d, "jensen-shannon").orElse(defaults.jensenShannon());
        Optional<Double> psi = number(d, "psi");
        int bins = d.optionalLong("bins", 0, Integer.MAX_VALUE).map(Long::intValue).orElse(defaults.bins());
        d.done();
        return new MonitorSpec.Drift(correction, alpha, largeWindow, wasserstein, jensenShannon, psi, bins);
    }

    private static MonitorSpec.Multivariate multivariate(SpecFields m) {
        MonitorSpec.Multivariate defaults = MonitorSpec.Multivariate.DEFAULTS;
        if (m == null) {
            return defaults;
        }
        boolean enabled = bool(m, "enabled").orElse(defaults.enabled());
        int sample = m.optionalLong("sample", 0, Integer.MAX_VALUE).map(Long::intValue).orElse(defaults.sample());
        int permutations = m.optionalLong("permutations", 0, Integer.MAX_VALUE).map(Long::intValue).orElse(defaults.permutations());
        double alpha = number(m, "alpha").orElse(defaults.alpha());
        long seed = m.optionalLong("seed", Long.MIN_VALUE, Long.MAX_VALUE).orElse(defaults.seed());
        m.done();
        return new MonitorSpec.Multivariate(enabled, sample, permutations, alpha, seed);
    }

    private static List<MonitorSpec.AlertRule> alerts(SpecFields f) {
        Optional<JsonNode> node = f.optional("alerts");
        if (node.isEmpty()) {
            return List.of();
        }
        if (!node.get().isArray()) {
            throw f.invalid("alerts", "must be a list of rules, e.g. [{name: drift, when: \"drifted_features >= 2\"}]");
        }
        if (node.get().size() > MonitorSpec.MAX_ALERTS) {
            throw f.invalid("alerts", "a monitor has at most " + MonitorSpec.MAX_ALERTS + " alert rules, not " + node.get().size());
        }
        List<MonitorSpec.AlertRule> rules = new ArrayList<>();
        for (int i = 0; i < node.get().size(); i++) {
            String path = "alerts[" + i + "]";
            if (!node.get().get(i).isObject()) {
                throw StewardException.invalid(path, path + ": must be a mapping such as {name: drift, when: \"drifted_features >= 2\"}");
            }
            SpecFields a = new SpecFields((ObjectNode) node.get().get(i), path + ".");
            String name = a.requiredText("name", 100);
            String when = a.requiredText("when", 200);
            AlertCondition condition = AlertCondition.parse(a.path("when"), when);
            int forWindows = a.optionalLong("for", 0, Integer.MAX_VALUE).map(Long::intValue).orElse(1);
            List<MonitorSpec.AlertAction> actions = actions(a);
            int priority = a.optionalLong("priority", Integer.MIN_VALUE, Integer.MAX_VALUE).map(Long::intValue).orElse(0);
            a.done();
            for (MonitorSpec.AlertRule other : rules) {
                if (other.name().equals(name)) {
                    throw a.invalid("name", "another rule is named '" + name + "' already; names must differ");
                }
            }
            try {
                rules.add(new MonitorSpec.AlertRule(name, condition, forWindows, actions, priority));
            } catch (StewardException e) {
                throw indexed(e, path);
            }
        }
        return rules;
    }

    private static List<MonitorSpec.AlertAction> actions(SpecFields a) {
        Optional<JsonNode> node = a.optional("actions");
        if (node.isEmpty()) {
            return List.of();
        }
        if (!node.get().isArray()) {
            throw a.invalid("actions", "must be a list of actions: " + actionNames());
        }
        List<MonitorSpec.AlertAction> actions = new ArrayList<>();
        for (int i = 0; i < node.get().size(); i++) {
            JsonNode item = node.get().get(i);
            String field = a.path("actions") + "[" + i + "]";
            MonitorSpec.AlertAction action = item.isTextual() ? Arrays.stream(MonitorSpec.AlertAction.values())
                    .filter(x -> x.wireName().equals(item.asText())).findFirst().orElse(null) : null;
            if (action == null) {
                throw StewardException.invalid(field, field + ": '" + item.asText() + "' is not an action; use " + actionNames());
            }
            if (actions.contains(action)) {
                throw StewardException.invalid(field, field + ": " + action.wireName() + " is listed twice");
            }
            actions.add(action);
        }
        return actions;
    }

    /** An error of a rule's record ({@code alerts.for}) named by the rule's place ({@code alerts[2].for}). */
    private static StewardException indexed(StewardException e, String path) {
        String field = e.field().orElse("alerts");
        String named = field.startsWith("alerts.") ? path + field.substring("alerts".length()) : field;
        String message = e.getMessage().startsWith(field) ? named + e.getMessage().substring(field.length()) : named + ": " + e.getMessage();
        return StewardException.invalid(named, message);
    }

    private static MultipleTesting correction(SpecFields d, String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "none" -> MultipleTesting.NONE;
            case "bonferroni" -> MultipleTesting.BONFERRONI;
            case "benjamini-hochberg" -> MultipleTesting.BENJAMINI_HOCHBERG;
            default -> throw d.invalid("correction", "'" + text + "' is not a correction; use none, bonferroni or benjamini-hochberg");
        };
    }

    private static String correctionName(MultipleTesting correction) {
        return switch (correction) {
            case NONE -> "none";
            case BONFERRONI -> "bonferroni";
            case BENJAMINI_HOCHBERG -> "benjamini-hochberg";
        };
    }

    private static Optional<Boolean> bool(SpecFields f, String key) {
        return f.optional(key).map(v -> {
            if (!v.isBoolean()) {
                throw f.invalid(key, "must be true or false, not " + v);
            }
            return v.booleanValue();
        });
    }

    private static Optional<Double> number(SpecFields f, String key) {
        return f.optional(key).map(v -> {
            if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
                throw f.invalid(key, "must be a number, not " + v);
            }
            return v.asDouble();
        });
    }

    private static Optional<Duration> duration(SpecFields f, String key) {
        return f.optional(key).map(v -> {
            if (!v.isTextual()) {
                throw f.invalid(key, "must be a duration such as 30s, 15m, 1h, 1d or PT1H30M, not " + v);
            }
            return parseDuration(f, key, v.asText().trim());
        });
    }

    private static Duration parseDuration(SpecFields f, String key, String text) {
        Matcher m = SHORT_DURATION.matcher(text);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(text.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw f.invalid(key, "'" + text + "' is not a duration; write e.g. 30s, 15m, 1h, 1d or ISO-8601 such as PT1H30M");
        }
    }

    /** A duration in the largest unit that holds it whole: {@code 2s}, {@code 90m}, {@code 1d}, {@code 250ms}. */
    static String durationText(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (ms % sizes[i] == 0) {
                return ms / sizes[i] + units[i];
            }
        }
        return ms + "ms";
    }

    private static String actionNames() {
        return Arrays.stream(MonitorSpec.AlertAction.values()).map(MonitorSpec.AlertAction::wireName).collect(Collectors.joining(", "));
    }

    /** The canonical stored form: every default written out, keys in a fixed order. */
    public static String toJson(MonitorSpec spec) {
        return tree(spec).toString();
    }

    /** The spec as a JSON tree, every default written out (what {@code show} prints). */
    public static ObjectNode tree(MonitorSpec spec) {
        ObjectNode root = JSON.createObjectNode();
        spec.reference().ifPresent(r -> root.putObject("reference").put("dataset", r.dataset()).put("version", r.version()));
        ObjectNode window = root.putObject("window");
        if (spec.window().kind() == MonitorSpec.WindowKind.TIME) {
            window.put("duration", durationText(spec.window().duration()));
        } else {
            window.put("requests", spec.window().requests());
        }
        window.put("min-rows", spec.window().minRows());
        ArrayNode features = root.putArray("features");
        spec.features().forEach(features::add);
        MonitorSpec.Drift d = spec.drift();
        ObjectNode drift = root.putObject("drift").put("correction", correctionName(d.correction())).put("alpha", d.alpha())
                .put("large-window", d.largeWindow()).put("wasserstein", d.wasserstein()).put("jensen-shannon", d.jensenShannon());
        d.psi().ifPresent(p -> drift.put("psi", p));
        drift.put("bins", d.bins());
        MonitorSpec.Multivariate m = spec.multivariate();
        root.putObject("multivariate").put("enabled", m.enabled()).put("sample", m.sample()).put("permutations", m.permutations())
                .put("alpha", m.alpha()).put("seed", m.seed());
        ObjectNode outliers = root.putObject("outliers").put("enabled", spec.outliers().enabled());
        spec.outliers().threshold().ifPresent(t -> outliers.put("threshold", t));
        root.putObject("performance").put("estimate", spec.performance().estimate());
        root.putObject("schedule").put("on-close", spec.schedule().onClose()).put("grace", durationText(spec.schedule().grace()));
        ArrayNode alerts = root.putArray("alerts");
        for (MonitorSpec.AlertRule rule : spec.alerts()) {
            ObjectNode a = alerts.addObject().put("name", rule.name()).put("when", rule.when().text()).put("for", rule.forWindows());
            ArrayNode actions = a.putArray("actions");
            rule.actions().forEach(x -> actions.add(x.wireName()));
            a.put("priority", rule.retrainPriority());
        }
        return root;
    }

    /** Reads a stored spec back. */
    public static MonitorSpec fromJson(String json) {
        try {
            JsonNode root = JSON.readTree(json);
            if (!(root instanceof ObjectNode object)) {
                throw new IllegalArgumentException("not a JSON object");
            }
            return parse(object);
        } catch (JsonProcessingException | RuntimeException e) {
            throw StewardException.of(ErrorCode.DATA_CORRUPTED, "a stored monitor spec cannot be read: " + e.getMessage());
        }
    }
}
