package dev.steward.core.tracking;

import dev.steward.core.util.NulCharacters;
import dev.steward.spi.StewardException;
import dev.steward.spi.tracking.DatasetInput;
import dev.steward.spi.tracking.KeyValue;
import dev.steward.spi.tracking.Metric;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** MLflow's input rules for names, lengths and batch sizes, with its error messages. */
public final class TrackingLimits {
    public static final int MAX_PARAMS_TAGS_PER_BATCH = 100;
    public static final int MAX_METRICS_PER_BATCH = 1000;
    public static final int MAX_ENTITIES_PER_BATCH = 1000;
    public static final int MAX_PARAM_VAL_LENGTH = 6000;
    public static final int MAX_TAG_VAL_LENGTH = 5000;
    public static final int MAX_EXPERIMENT_NAME_LENGTH = 500;
    public static final int MAX_EXPERIMENT_TAG_VAL_LENGTH = 5000;
    public static final int MAX_ENTITY_KEY_LENGTH = 250;
    public static final int MAX_RUN_NAME_LENGTH = 250;
    public static final int MAX_DATASET_NAME_SIZE = 500;
    public static final int MAX_DATASET_DIGEST_SIZE = 64;
    public static final int MAX_DATASET_SCHEMA_SIZE = 1_048_575;
    public static final int MAX_DATASET_SOURCE_SIZE = 65_535;
    public static final int MAX_DATASET_PROFILE_SIZE = 16_777_215;
    public static final int MAX_INPUT_TAG_KEY_SIZE = 255;
    public static final int MAX_INPUT_TAG_VALUE_SIZE = 500;
    public static final int MAX_RESULTS_THRESHOLD = 50_000;

    private static final Pattern NAME = Pattern.compile("^[/\\w.\\- ]*$", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern RUN_ID = Pattern.compile("^[a-zA-Z0-9][\\w\\-]{0,255}$");
    /** Experiment ids are the store's numbers: decimal, and within a long. */
    private static final Pattern EXPERIMENT_ID = Pattern.compile("^[0-9]{1,19}$");
    private static final String BAD_CHARACTERS = "Names may only contain alphanumerics, underscores (_), dashes (-), periods (.),"
            + " spaces ( ), and slashes (/).";

    private TrackingLimits() {}

    static void metric(Metric metric) {
        name("metric", "Metric", metric.key());
        if (metric.timestamp() < 0) {
            throw StewardException.invalid("timestamp", "Got invalid timestamp " + metric.timestamp() + " for metric '" + metric.key()
                    + "' (value=" + metric.value() + "). Timestamp must be a nonnegative long (64-bit integer) ");
        }
        length("Metric name", MAX_ENTITY_KEY_LENGTH, metric.key(), "key");
    }

    static void param(KeyValue param) {
        name("parameter", "Parameter", param.key());
        length("Param key", MAX_ENTITY_KEY_LENGTH, param.key(), "key");
        length("Param value", MAX_PARAM_VAL_LENGTH, param.value(), "value");
        NulCharacters.refuse("value", "The value of param '" + param.key() + "'", param.value());
    }

    static void tag(KeyValue tag) {
        name("tag", "Tag", tag.key());
        length("Tag key", MAX_ENTITY_KEY_LENGTH, tag.key(), "key");
        length("Tag value", MAX_TAG_VAL_LENGTH, tag.value(), "value");
        NulCharacters.refuse("value", "The value of tag '" + tag.key() + "'", tag.value());
    }

    static void experimentTag(KeyValue tag) {
        name("tag", "Tag", tag.key());
        length("Tag key", MAX_ENTITY_KEY_LENGTH, tag.key(), "key");
        length("Tag value", MAX_EXPERIMENT_TAG_VAL_LENGTH, tag.value(), "value");
        NulCharacters.refuse("value", "The value of tag '" + tag.key() + "'", tag.value());
    }

    static void experimentName(String name) {
        if (name == null || name.isEmpty()) {
            throw StewardException.invalid("name", "Invalid experiment name: '" + (name == null ? "None" : name) + "'");
        }
        if (name.length() > MAX_EXPERIMENT_NAME_LENGTH) {
            throw StewardException.invalid("name", "Experiment name exceeds the maximum length of " + MAX_EXPERIMENT_NAME_LENGTH
                    + " characters");
        }
        NulCharacters.refuse("name", "The experiment name", name);
    }

    static void runName(String name) {
        length("Run name", MAX_RUN_NAME_LENGTH, name, "run_name");
        NulCharacters.refuse("run_name", "The run name", name);
    }

    static void runId(String runId) {
        if (runId == null || runId.isEmpty()) {
            throw StewardException.invalid("run_id", "Missing value for required parameter 'run_id'. See the API docs for more"
                    + " information about request parameters.");
        }
        if (!RUN_ID.matcher(runId).matches()) {
            throw StewardException.invalid("run_id", "Invalid run ID: '" + runId + "'");
        }
    }

    static void experimentId(String id) {
        if (id == null || id.isEmpty()) {
            throw StewardException.invalid("experiment_id", "Missing value for required parameter 'experiment_id'. See the API docs"
                    + " for more information about request parameters.");
        }
        if (!EXPERIMENT_ID.matcher(id).matches() || !fitsLong(id)) {
            throw StewardException.invalid("experiment_id", "Invalid experiment ID: '" + id + "'. An experiment ID is a whole number"
                    + " from 0 to " + Long.MAX_VALUE + ".");
        }
    }

    static void batch(List<Metric> metrics, List<KeyValue> params, List<KeyValue> tags) {
        batchLimit("metrics", MAX_METRICS_PER_BATCH, metrics.size());
        batchLimit("params", MAX_PARAMS_TAGS_PER_BATCH, params.size());
        batchLimit("tags", MAX_PARAMS_TAGS_PER_BATCH, tags.size());
        batchLimit("metrics, params, and tags", MAX_ENTITIES_PER_BATCH, metrics.size() + params.size() + tags.size());
        // Batches repeat a few keys many times (one per step): check each distinct key once.
        Set<String> checkedKeys = new HashSet<>();
        for (Metric metric : metrics) {
            if (checkedKeys.add(metric.key())) {
                metric(metric);
            } else if (metric.timestamp() < 0) {
                metric(metric);
            }
        }
        params.forEach(TrackingLimits::param);
        tags.forEach(TrackingLimits::tag);
        Set<String> seen = new HashSet<>();
        List<String> duplicates = new ArrayList<>();
        for (KeyValue param : params) {
            if (!seen.add(param.key())) {
                duplicates.add(param.key());
            }
        }
        if (!duplicates.isEmpty()) {
            throw StewardException.invalid("params", "Duplicate parameter keys have been submitted: " + pythonList(duplicates)
                    + ". Please ensure the request contains only one param value per param key.");
        }
    }

    static void input(DatasetInput input) {
        if (input.name().isEmpty()) {
            throw StewardException.invalid("dataset.name", "Dataset name must be provided");
        }
        length("Dataset name", MAX_DATASET_NAME_SIZE, input.name(), "dataset.name");
        if (input.digest().isEmpty()) {
            throw StewardException.invalid("dataset.digest", "Dataset digest must be provided");
        }
        length("Dataset digest", MAX_DATASET_DIGEST_SIZE, input.digest(), "dataset.digest");
        length("Dataset source", MAX_DATASET_SOURCE_SIZE, input.source(), "dataset.source");
        input.schema().ifPresent(schema -> length("Dataset schema", MAX_DATASET_SCHEMA_SIZE, schema, "dataset.schema"));
        input.profile().ifPresent(profile -> length("Dataset profile", MAX_DATASET_PROFILE_SIZE, profile, "dataset.profile"));
        NulCharacters.refuse("dataset.name", "The dataset name", input.name());
        NulCharacters.refuse("dataset.digest", "The dataset digest", input.digest());
        NulCharacters.refuse("dataset.source_type", "The dataset source type", input.sourceType());
        NulCharacters.refuse("dataset.source", "The dataset source", input.source());
        input.schema().ifPresent(schema -> NulCharacters.refuse("dataset.schema", "The dataset schema", schema));
        input.profile().ifPresent(profile -> NulCharacters.refuse("dataset.profile", "The dataset profile", profile));
        for (KeyValue tag : input.tags()) {
            length("Input tag key", MAX_INPUT_TAG_KEY_SIZE, tag.key(), "tags.key");
            length("Input tag value", MAX_INPUT_TAG_VALUE_SIZE, tag.value(), "tags.value");
            NulCharacters.refuse("tags.key", "An input tag key", tag.key());
            NulCharacters.refuse("tags.value", "The value of input tag '" + tag.key() + "'", tag.value());
        }
    }

    static int maxResults(Integer requested, int defaultValue) {
        if (requested == null) {
            return defaultValue;
        }
        if (requested < 1 || requested > MAX_RESULTS_THRESHOLD) {
            throw StewardException.invalid("max_results", "Invalid value " + requested + " for parameter 'max_results' supplied. It must"
                    + " be at most " + MAX_RESULTS_THRESHOLD + " and at least 1");
        }
        return requested;
    }

    private static boolean fitsLong(String digits) {
        try {
            Long.parseLong(digits);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static void name(String kind, String title, String name) {
        if (name == null) {
            throw StewardException.invalid("key", title + " name cannot be None. A key name must be provided.");
        }
        if (!NAME.matcher(name).matches()) {
            throw StewardException.invalid("key", "Invalid " + kind + " name: '" + name + "'. " + BAD_CHARACTERS);
        }
        if (pathNotUnique(name)) {
            throw StewardException.invalid("key", "Invalid " + kind + " name: '" + name + "'. Names may be treated as files in certain"
                    + " cases, and must not resolve to other names when treated as such. This name would resolve to '"
                    + normalize(name) + "'");
        }
    }

    private static void length(String entity, int limit, String value, String field) {
        if (value != null && value.length() > limit) {
            throw StewardException.invalid(field, entity + " '" + value.substring(0, Math.min(250, value.length())) + "' had length "
                    + value.length() + ", which exceeded length limit of " + limit);
        }
    }

    private static void batchLimit(String entity, int limit, int length) {
        if (length > limit) {
            throw StewardException.invalid(entity.startsWith("metrics,") ? "batch" : entity, "A batch logging request can contain at most "
                    + limit + " " + entity + ". Got " + length + " " + entity + ". Please split up " + entity
                    + " across multiple requests and try again.");
        }
    }

    /** True when the name, read as a POSIX path, would normalise to something else. */
    static boolean pathNotUnique(String name) {
        String normalized = normalize(name);
        return !normalized.equals(name) || normalized.equals(".") || normalized.startsWith("..") || normalized.startsWith("/");
    }

    /** POSIX path normalisation as Python's posixpath.normpath does it. */
    static String normalize(String path) {
        if (path.isEmpty()) {
            return ".";
        }
        boolean absolute = path.startsWith("/");
        int leadingSlashes = absolute ? (path.startsWith("//") && !path.startsWith("///") ? 2 : 1) : 0;
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..") && ((!absolute && (parts.isEmpty() || parts.get(parts.size() - 1).equals(".."))))) {
                parts.add(part);
            } else if (part.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.remove(parts.size() - 1);
                }
            } else {
                parts.add(part);
            }
        }
        String joined = String.join("/", parts);
        String result = "/".repeat(leadingSlashes) + joined;
        return result.isEmpty() ? "." : result;
    }

    private static String pythonList(List<String> values) {
        return values.stream().map(v -> "'" + v + "'").toList().toString();
    }
}
