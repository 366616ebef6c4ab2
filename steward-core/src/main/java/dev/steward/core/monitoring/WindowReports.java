package dev.steward.core.monitoring;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.core.monitoring.WindowReport.FeatureDrift;
import dev.steward.core.monitoring.WindowReport.MmdResult;
import dev.steward.core.monitoring.WindowReport.OutlierSummary;
import dev.steward.core.monitoring.WindowReport.PerformanceSummary;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A {@link WindowReport} as JSON: how it is stored with its window and how the API answers it
 * (see the Reports section of {@code docs/monitoring.md} for every field). Keys are snake_case and always come in
 * the same order (the record's), maps sorted by key, so the same report always gives the same text.
 *
 * <p>Absent values are written as an explicit {@code null}, never left out, so every report has the
 * same shape: an empty {@code OptionalDouble} or {@code Optional} is {@code null}. JSON has no NaN
 * or infinity, and a statistic that is not a finite number says nothing, so an optional statistic
 * holding one is written as {@code null} too (read back as empty); a required number that is not
 * finite is a bug of whoever built the report and is refused with an {@link IllegalArgumentException}
 * naming its path. Apart from that normalisation, {@code fromJson(toJson(r))} equals {@code r}
 * field by field.
 *
 * <p>Reading ignores keys it does not know (a report written by a newer Steward stays readable) and
 * refuses anything else that is not a report as written here: a stored report that cannot be read
 * is {@link ErrorCode#DATA_CORRUPTED}, naming the offending path. Stateless and thread-safe.
 */
public final class WindowReports {
    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private WindowReports() {
    }

    /** The report as JSON text (compact, one line). */
    public static String toJson(WindowReport report) {
        try {
            return JSON.writeValueAsString(toNode(report));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing the report of window " + report.window() + " of monitor " + report.monitor(), e);
        }
    }

    /** The report as a JSON tree, for the HTTP layer to embed in its answers. */
    public static ObjectNode toNode(WindowReport report) {
        requireNonNull(report, "report is null");
        ObjectNode json = NODES.objectNode();
        json.put("monitor", report.monitor()).put("monitor_revision", report.monitorRevision()).put("window", report.window())
                .put("start_ms", report.startMillis()).put("end_ms", report.endMillis()).put("partial", report.partial())
                .put("rows", report.rows()).put("status", report.status()).put("reference_dataset", report.referenceDataset())
                .put("reference_version", report.referenceVersion()).put("method", report.method());
        ArrayNode features = json.putArray("features");
        for (int i = 0; i < report.features().size(); i++) {
            features.add(feature(report.features().get(i), "features[" + i + "]"));
        }
        json.put("compared_features", report.comparedFeatures()).put("drifted_features", report.driftedFeatures());
        json.set("mmd", report.mmd().map(WindowReports::mmd).orElse(null));
        json.set("predictions", report.predictions().map(p -> feature(p, "predictions")).orElse(null));
        json.set("labels", report.labels().map(l -> feature(l, "labels")).orElse(null));
        json.set("outliers", report.outliers().map(WindowReports::outliers).orElse(null));
        json.set("performance", report.performance().map(WindowReports::performance).orElse(null));
        ObjectNode versions = json.putObject("versions");
        new TreeMap<>(report.versions()).forEach(versions::put);
        json.put("source", report.source());
        return json;
    }

    /**
     * Reads a stored report.
     *
     * @throws StewardException {@code DATA_CORRUPTED} when {@code text} is not a window report as
     *     {@link #toJson} writes it
     */
    public static WindowReport fromJson(String text) {
        requireNonNull(text, "text is null");
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw corrupted("it is not JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || root.isMissingNode()) {
            throw corrupted("it is empty");
        }
        Node r = new Node(root, "");
        try {
            List<FeatureDrift> features = new ArrayList<>();
            List<Node> items = r.array("features");
            for (Node item : items) {
                features.add(item.feature());
            }
            return new WindowReport(r.text("monitor"), r.integer("monitor_revision"), r.longValue("window"), r.longValue("start_ms"),
                    r.longValue("end_ms"), r.bool("partial"), r.longValue("rows"), r.text("status"), r.text("reference_dataset"),
                    r.integer("reference_version"), r.text("method"), features, r.integer("compared_features"), r.integer("drifted_features"),
                    r.optionalObject("mmd").map(Node::mmd), r.optionalObject("predictions").map(Node::feature),
                    r.optionalObject("labels").map(Node::feature), r.optionalObject("outliers").map(Node::outliers),
                    r.optionalObject("performance").map(Node::performance), r.map("versions", Node::asLong), r.text("source"));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw corrupted("its values do not make a report (" + e.getMessage() + ")");
        }
    }

    private static ObjectNode feature(FeatureDrift f, String path) {
        ObjectNode json = NODES.objectNode();
        json.put("column", f.column()).put("kind", f.kind()).put("method", f.method());
        optional(json, "statistic", f.statistic());
        optional(json, "p_value", f.pValue());
        optional(json, "adjusted_p_value", f.adjustedPValue());
        json.put("drifted", f.drifted());
        optional(json, "psi", f.psi());
        optional(json, "jensen_shannon", f.jensenShannon());
        optional(json, "wasserstein", f.wasserstein());
        json.put("reference_count", f.referenceCount()).put("current_count", f.currentCount()).put("current_missing", f.currentMissing());
        f.bins().forEach(json.putArray("bins")::add);
        fractions(json.putArray("reference"), f.reference(), path + ".reference");
        fractions(json.putArray("current"), f.current(), path + ".current");
        if (f.skipped().isPresent()) {
            json.put("skipped", f.skipped().get());
        } else {
            json.putNull("skipped");
        }
        return json;
    }

    private static ObjectNode mmd(MmdResult m) {
        return NODES.objectNode().put("statistic", finite(m.statistic(), "mmd.statistic")).put("p_value", finite(m.pValue(), "mmd.p_value"))
                .put("bandwidth", finite(m.bandwidth(), "mmd.bandwidth")).put("reference_sample", m.referenceSample())
                .put("current_sample", m.currentSample()).put("permutations", m.permutations()).put("drifted", m.drifted());
    }

    private static ObjectNode outliers(OutlierSummary o) {
        return NODES.objectNode().put("outliers", o.outliers()).put("rate", finite(o.rate(), "outliers.rate"))
                .put("threshold", finite(o.threshold(), "outliers.threshold")).put("mean_score", finite(o.meanScore(), "outliers.mean_score"))
                .put("unseen_categories", o.unseenCategories());
    }

    private static ObjectNode performance(PerformanceSummary p) {
        ObjectNode json = NODES.objectNode().put("task", p.task()).put("labelled", p.labelled());
        optional(json, "accuracy", p.accuracy());
        optional(json, "mae", p.mae());
        optional(json, "estimated_accuracy", p.estimatedAccuracy());
        optional(json, "estimation_error", p.estimationError());
        ObjectNode metrics = json.putObject("metrics");
        new TreeMap<>(p.metrics()).forEach((name, value) -> metrics.put(name, finite(value, "performance.metrics." + name)));
        return json;
    }

    private static void optional(ObjectNode json, String key, OptionalDouble value) {
        if (value.isPresent() && Double.isFinite(value.getAsDouble())) {
            json.put(key, value.getAsDouble());
        } else {
            json.putNull(key);
        }
    }

    private static void fractions(ArrayNode array, double[] values, String path) {
        for (int i = 0; i < values.length; i++) {
            array.add(finite(values[i], path + "[" + i + "]"));
        }
    }

    private static double finite(double value, String path) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("the window report's " + path + " is " + value + ": JSON holds only finite numbers");
        }
        return value;
    }

    private static StewardException corrupted(String why) {
        return StewardException.of(ErrorCode.DATA_CORRUPTED, "a stored window report cannot be read: " + why);
    }

    /** A JSON node with its path in the report, whose getters refuse what the writer never writes. */
    private record Node(JsonNode json, String path) {
        private Node field(String name) {
            if (!json.isObject()) {
                throw corrupted(where() + " is not an object");
            }
            JsonNode value = json.get(name);
            if (value == null) {
                throw corrupted(child(name) + " is missing");
            }
            return new Node(value, child(name));
        }

        String text(String name) {
            Node node = field(name);
            if (!node.json.isTextual()) {
                throw node.wrong("a string");
            }
            return node.json.textValue();
        }

        Optional<String> optionalText(String name) {
            Node node = field(name);
            return node.json.isNull() ? Optional.empty() : Optional.of(text(name));
        }

        boolean bool(String name) {
            Node node = field(name);
            if (!node.json.isBoolean()) {
                throw node.wrong("true or false");
            }
            return node.json.booleanValue();
        }

        long longValue(String name) {
            return field(name).asLong();
        }

        int integer(String name) {
            Node node = field(name);
            if (!node.json.isIntegralNumber() || !node.json.canConvertToInt()) {
                throw node.wrong("a 32-bit integer");
            }
            return node.json.intValue();
        }

        long asLong() {
            if (!json.isIntegralNumber() || !json.canConvertToLong()) {
                throw wrong("a 64-bit integer");
            }
            return json.longValue();
        }

        double asDouble() {
            if (!json.isNumber() || !Double.isFinite(json.doubleValue())) {
                throw wrong("a finite number");
            }
            return json.doubleValue();
        }

        double number(String name) {
            return field(name).asDouble();
        }

        OptionalDouble optionalNumber(String name) {
            Node node = field(name);
            return node.json.isNull() ? OptionalDouble.empty() : OptionalDouble.of(node.asDouble());
        }

        Optional<Node> optionalObject(String name) {
            Node node = field(name);
            if (node.json.isNull()) {
                return Optional.empty();
            }
            if (!node.json.isObject()) {
                throw node.wrong("an object or null");
            }
            return Optional.of(node);
        }

        List<Node> array(String name) {
            Node node = field(name);
            if (!node.json.isArray()) {
                throw node.wrong("an array");
            }
            List<Node> items = new ArrayList<>(node.json.size());
            for (int i = 0; i < node.json.size(); i++) {
                items.add(new Node(node.json.get(i), node.path + "[" + i + "]"));
            }
            return items;
        }

        <T> Map<String, T> map(String name, Function<Node, T> value) {
            Node node = field(name);
            if (!node.json.isObject()) {
                throw node.wrong("an object");
            }
            Map<String, T> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> entry : node.json.properties()) {
                map.put(entry.getKey(), value.apply(new Node(entry.getValue(), node.child(entry.getKey()))));
            }
            return map;
        }

        FeatureDrift feature() {
            List<String> bins = new ArrayList<>();
            for (Node bin : array("bins")) {
                if (!bin.json.isTextual()) {
                    throw bin.wrong("a string");
                }
                bins.add(bin.json.textValue());
            }
            return new FeatureDrift(text("column"), text("kind"), text("method"), optionalNumber("statistic"), optionalNumber("p_value"),
                    optionalNumber("adjusted_p_value"), bool("drifted"), optionalNumber("psi"), optionalNumber("jensen_shannon"),
                    optionalNumber("wasserstein"), longValue("reference_count"), longValue("current_count"), longValue("current_missing"), bins,
                    numbers("reference"), numbers("current"), optionalText("skipped"));
        }

        MmdResult mmd() {
            return new MmdResult(number("statistic"), number("p_value"), number("bandwidth"), integer("reference_sample"),
                    integer("current_sample"), integer("permutations"), bool("drifted"));
        }

        OutlierSummary outliers() {
            return new OutlierSummary(longValue("outliers"), number("rate"), number("threshold"), number("mean_score"),
                    longValue("unseen_categories"));
        }

        PerformanceSummary performance() {
            return new PerformanceSummary(text("task"), longValue("labelled"), optionalNumber("accuracy"), optionalNumber("mae"),
                    optionalNumber("estimated_accuracy"), optionalNumber("estimation_error"), map("metrics", Node::asDouble));
        }

        private double[] numbers(String name) {
            List<Node> items = array(name);
            double[] values = new double[items.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = items.get(i).asDouble();
            }
            return values;
        }

        private StewardException wrong(String expected) {
            String found = json.isTextual() ? "a string" : json.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
            return corrupted(where() + " should be " + expected + ", not " + found);
        }

        private String child(String name) {
            return path.isEmpty() ? name : path + "." + name;
        }

        private String where() {
            return path.isEmpty() ? "the document" : path;
        }
    }
}
