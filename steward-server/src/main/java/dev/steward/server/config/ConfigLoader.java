package dev.steward.server.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.steward.spi.StewardException;
import dev.steward.store.jdbc.JdbcStoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds a {@link StewardConfig} from, in increasing precedence: built-in defaults,
 * {@code $STEWARD_HOME/steward.yaml}, {@code STEWARD_*} environment variables, and explicit
 * overrides (command-line flags). Keys are dashed and dotted ({@code server.bind-address}); the
 * environment variable of a key is its upper-cased form with dots and dashes turned into
 * underscores ({@code STEWARD_SERVER_BIND_ADDRESS}). An unknown key in the file or the overrides
 * is an error that names it.
 */
public final class ConfigLoader {
    public static final String FILE_NAME = "steward.yaml";

    private ConfigLoader() {}

    /** Every key with its default; {@code ${home}} stands for the home directory. */
    public static Map<String, String> defaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("server.bind-address", "127.0.0.1");
        defaults.put("server.port", "8080");
        defaults.put("server.max-body-bytes", Long.toString(16L << 20));
        defaults.put("server.max-json-depth", "64");
        defaults.put("server.max-string-length", Integer.toString(1 << 20));
        defaults.put("server.max-artifact-bytes", Long.toString(5L << 30));
        defaults.put("server.shutdown-timeout-ms", "30000");
        defaults.put("store.url", "jdbc:sqlite:${home}/steward.db");
        defaults.put("store.user", "");
        defaults.put("store.password", "");
        defaults.put("store.pool-size", "8");
        defaults.put("store.busy-timeout-ms", "10000");
        defaults.put("store.sqlite-synchronous", "NORMAL");
        defaults.put("artifacts.url", "${home}/artifacts");
        defaults.put("jobs.concurrency", "0");
        defaults.put("jobs.directory", "${home}/jobs");
        defaults.put("jobs.training-isolation", "process");
        defaults.put("jobs.lease-seconds", "30");
        defaults.put("webhooks.timeout-ms", "10000");
        defaults.put("webhooks.max-attempts", "30");
        defaults.put("webhooks.max-age-hours", "24");
        defaults.put("webhooks.retry-base-ms", "1000");
        defaults.put("serving.log-dir", "");
        defaults.put("serving.log-segment-mb", "64");
        defaults.put("serving.log-segment-minutes", "60");
        defaults.put("serving.log-retention-hours", "168");
        defaults.put("serving.log-queue", "65536");
        defaults.put("serving.intra-op-threads", "0");
        defaults.put("serving.poll-ms", "250");
        defaults.put("feedback.index-predictions", "100000");
        defaults.put("feedback.index-rows", "1000000");
        defaults.put("feedback.index-hours", "24");
        defaults.put("feedback.max-batch", "1000");
        defaults.put("feedback.review-buffer", "10000");
        return defaults;
    }

    public static String environmentVariable(String key) {
        return "STEWARD_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * Loads the configuration of the installation at {@code home}.
     *
     * @param environment the process environment (only {@code STEWARD_*} entries matter)
     * @param overrides explicit key/value overrides, e.g. from flags
     */
    public static StewardConfig load(Path home, Map<String, String> environment, Map<String, String> overrides) {
        requireNonNull(home, "home is null");
        requireNonNull(environment, "environment is null");
        requireNonNull(overrides, "overrides is null");
        Path absoluteHome = home.toAbsolutePath().normalize();
        Map<String, String> values = defaults();
        Map<String, String> sources = new TreeMap<>();
        values.keySet().forEach(key -> sources.put(key, "default"));

        Path file = absoluteHome.resolve(FILE_NAME);
        if (Files.isRegularFile(file)) {
            readFile(file).forEach((key, value) -> put(values, sources, key, value, file.toString()));
        }
        for (String key : defaults().keySet()) {
            String value = environment.get(environmentVariable(key));
            if (value != null) {
                put(values, sources, key, value, "environment variable " + environmentVariable(key));
            }
        }
        overrides.forEach((key, value) -> put(values, sources, key, value, "command line"));

        values.replaceAll((key, value) -> value.replace("${home}", absoluteHome.toString()));
        Values typed = new Values(values, sources);
        ServerConfig server = new ServerConfig(
                typed.string("server.bind-address"),
                typed.integer("server.port", 0, 65535),
                typed.longValue("server.max-body-bytes", 1024, Long.MAX_VALUE),
                typed.integer("server.max-json-depth", 2, 1000),
                typed.integer("server.max-string-length", 64, Integer.MAX_VALUE),
                typed.longValue("server.max-artifact-bytes", 1, Long.MAX_VALUE),
                typed.longValue("server.shutdown-timeout-ms", 0, 3_600_000));
        String synchronous = typed.string("store.sqlite-synchronous").toUpperCase(Locale.ROOT);
        if (!synchronous.equals("NORMAL") && !synchronous.equals("FULL")) {
            throw typed.error("store.sqlite-synchronous", "must be NORMAL or FULL");
        }
        JdbcStoreConfig store = new JdbcStoreConfig(
                typed.string("store.url"),
                typed.string("store.user"),
                typed.string("store.password"),
                typed.integer("store.pool-size", 1, 1000),
                typed.integer("store.busy-timeout-ms", 0, 3_600_000),
                synchronous);
        int concurrency = typed.integer("jobs.concurrency", 0, 1024);
        String isolation = typed.string("jobs.training-isolation");
        if (!isolation.equals("process") && !isolation.equals("none")) {
            throw typed.error("jobs.training-isolation", "must be process (trainings in worker JVMs of their own) or none (in the server's JVM)");
        }
        JobsConfig jobs = new JobsConfig(concurrency == 0 ? Runtime.getRuntime().availableProcessors() : concurrency,
                Path.of(typed.string("jobs.directory")).toAbsolutePath().normalize(), isolation.equals("process"),
                Duration.ofSeconds(typed.integer("jobs.lease-seconds", 3, 3600)));
        WebhooksConfig webhooks = new WebhooksConfig(Duration.ofMillis(typed.longValue("webhooks.timeout-ms", 100, 600_000)),
                typed.integer("webhooks.max-attempts", 1, 1000), Duration.ofHours(typed.integer("webhooks.max-age-hours", 1, 24 * 30)),
                Duration.ofMillis(typed.longValue("webhooks.retry-base-ms", 1, 3_600_000)));
        String logDir = typed.string("serving.log-dir");
        ServingConfig serving = new ServingConfig(logDir.isBlank() ? absoluteHome.resolve("logs") : absoluteHome.resolve(logDir),
                typed.longValue("serving.log-segment-mb", 1, 1 << 20) * 1024 * 1024, Duration.ofMinutes(typed.integer("serving.log-segment-minutes",
                1, 24 * 60)), Duration.ofHours(typed.integer("serving.log-retention-hours", 0, 24 * 365 * 10)),
                typed.integer("serving.log-queue", 1, 1 << 24), typed.integer("serving.intra-op-threads", 0, 1024),
                Duration.ofMillis(typed.integer("serving.poll-ms", 10, 60_000)));
        FeedbackConfig feedback = new FeedbackConfig(typed.integer("feedback.index-predictions", 1, 100_000_000),
                typed.longValue("feedback.index-rows", 1, 1_000_000_000), Duration.ofHours(typed.integer("feedback.index-hours", 1, 24 * 365)),
                typed.integer("feedback.max-batch", 1, 100_000), typed.integer("feedback.review-buffer", 1, 1 << 24));
        return new StewardConfig(absoluteHome, server, store, typed.string("artifacts.url"), jobs, webhooks, serving, feedback);
    }

    private static void put(Map<String, String> values, Map<String, String> sources, String key, String value, String source) {
        if (!values.containsKey(key)) {
            throw StewardException.invalid(key, "unknown configuration key '" + key + "' in " + source
                    + "; known keys: " + String.join(", ", defaults().keySet()));
        }
        values.put(key, value);
        sources.put(key, source);
    }

    private static Map<String, String> readFile(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw StewardException.invalid("config", "cannot read " + file + ": " + e.getMessage());
        }
        Map<String, String> flat = new LinkedHashMap<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return flat;
        }
        if (!root.isObject()) {
            throw StewardException.invalid("config", file + " must be a mapping of keys to values");
        }
        flatten("", root, flat, file);
        return flat;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out, Path file) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            String key = prefix.isEmpty() ? entry.getKey() : prefix + "." + entry.getKey();
            JsonNode value = entry.getValue();
            if (value.isObject()) {
                flatten(key, value, out, file);
            } else if (value.isValueNode()) {
                out.put(key, value.isNull() ? "" : value.asText());
            } else {
                throw StewardException.invalid(key, "'" + key + "' in " + file + " must be a single value, not a list");
            }
        }
    }

    private record Values(Map<String, String> values, Map<String, String> sources) {
        String string(String key) {
            return values.get(key).trim();
        }

        int integer(String key, int min, int max) {
            return (int) longValue(key, min, max);
        }

        long longValue(String key, long min, long max) {
            long value;
            try {
                value = Long.parseLong(string(key));
            } catch (NumberFormatException e) {
                throw error(key, "must be a whole number, not '" + string(key) + "'");
            }
            if (value < min || value > max) {
                throw error(key, "must be between " + min + " and " + max + ", not " + value);
            }
            return value;
        }

        StewardException error(String key, String problem) {
            return StewardException.invalid(key, "configuration key '" + key + "' (from " + sources.get(key) + ") " + problem);
        }
    }
}
