package dev.steward.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.server.config.ConfigLoader;
import dev.steward.server.http.Route;
import dev.steward.testing.TestPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * Seeded random requests against every route the server declares: hostile path values, query
 * parameters of the wrong type or unknown, and bodies of every wrong shape, mixed with the ids
 * of real objects so that some requests get past the first check. No answer may be a 5xx, every
 * error must be a JSON error body without a stack trace, and nothing may be logged as an
 * unexpected failure. The sequence of each route depends only on the seed and the route, so a
 * failure reproduces.
 */
class RequestFuzzTest {
    /** Fixed, so that every build sends the same requests; {@code -Dsteward.fuzz.seed=...} explores further. */
    private static final long SEED = Long.getLong("steward.fuzz.seed", 0x5eed_2026L);
    private static final int REQUESTS_PER_ROUTE = Integer.getInteger("steward.fuzz.requests", 150);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern PATH_PARAM = Pattern.compile("\\{(\\w+)}|<(\\w+)>");
    /** Field names of MLflow's REST API (service.proto, model_registry.proto), whose routes the OpenAPI document does not list. */
    private static final List<String> MLFLOW_FIELDS = List.of("experiment_id", "experiment_ids", "experiment_name", "name", "new_name",
            "artifact_location", "tags", "key", "value", "run_id", "run_uuid", "run_name", "user_id", "start_time", "end_time", "status",
            "timestamp", "step", "metrics", "params", "datasets", "dataset", "digest", "source_type", "source", "schema", "profile",
            "filter", "max_results", "order_by", "page_token", "view_type", "run_view_type", "metric_key", "path", "version", "stage",
            "stages", "alias", "archive_existing_versions", "description", "run_link");
    /**
     * Strings that break parsers. Command jobs run their {@code command} through a shell, so none of
     * these may do anything as a command but fail (or, for "true", succeed) at once; and none may
     * contain what the test looks for as a leaked stack trace.
     */
    private static final List<String> HOSTILE = List.of("", " ", "demo", "0", "-1", "1", "007", "1.5", "1e3", "0x10",
            "99999999999999999999", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "2147483648", "-2147483649",
            "NaN", "Infinity", "-Infinity", "null", "true", "latest", "ACTIVE_ONLY", "DELETED_ONLY", "RUNNING", "FINISHED", "admin",
            "\u0000", "a\u0000b", "..", "../..", "a/../b", "/", "//", "./x", "x/", "x//y", "ñandú 日本 🙂", "\u202e\u0301", "\ud83d", "<script>",
            "' OR '1'='1", "\"", "%", "%00", "%2e%2e", "\\", "\t", "\n", "\r\n", "a".repeat(300), "x".repeat(5000), "tok_0000000000000000",
            "job_0000000000000000", "vrp_0000000000000000", "0123456789abcdef0123456789abcdef",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
            "1970-01-01T00:00:00Z", "2026-13-45T99:00:00Z", "+10000-01-01T00:00:00Z", "-1000000000-01-01T00:00:00Z", "1,2,x", ",,",
            "metrics.acc > 0.9", "attributes.start_time < 0", "params.x = 'a'", "tags.`x` LIKE '%'", "name = 'x' OR", "metrics.", "(",
            "attribute.run_id IN ('a', 'b')", "dataset.name = 'x'", "metrics.`a` DESC", "start_time ASC, name",
            "eyJvZmZzZXQiOiAtMX0=", "eyJvZmZzZXQiOiA5OTk5OTk5OTl9", "e30=", "!!!", "AAAA", "csv", "parquet", "jsonl", "bonferroni", "tab",
            "train", "sweep", "command", "viewer", "editor", "deployer", "oldest", "newest", "queued", "running", "failed");
    private static final List<String> OTHER_METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE");
    private static final List<String> CONTENT_TYPES = List.of("application/json", "application/json", "text/plain", "application/yaml",
            "application/octet-stream", "multipart/form-data; boundary=x", "application/json; charset=latin1");

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path home;

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private StewardServer server;
    private String admin;
    private JsonNode openApi;
    /** Ids and names of objects that exist, so that some requests reach the code past the lookups. */
    private final List<String> real = new ArrayList<>();

    /** Starts a server on the store (SQLite, or a fresh PostgreSQL database, where some wrong values fail differently) and seeds it. */
    private void start(String store) throws IOException {
        log.start();
        root().addAppender(log);
        Map<String, String> settings = new HashMap<>(Map.of("server.port", "0", "server.max-artifact-bytes", "1000000",
                "jobs.concurrency", "1", "jobs.training-isolation", "none"));
        if (store.equals("postgresql")) {
            settings.put("store.url", TestPostgres.newDatabase());
            settings.put("store.user", TestPostgres.user());
        }
        server = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), settings)));
        admin = server.createdAdminToken().orElseThrow();
        openApi = MAPPER.readTree(send("GET", "/api/v1/openapi.json", null, null).body());
        seed();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        root().detachAppender(log);
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    /**
     * An experiment with a run (metrics, params, tags, an artifact, an MLflow model), a registered model with a version of that
     * model and an alias, a deployment of it, a blob, a dataset version with a validation report, a job and a spare token.
     */
    private void seed() throws IOException {
        String experiment = created(send("POST", "/api/v1/experiments", "application/json", bytes("{\"name\": \"fuzz\"}"))).get("id").asText();
        String run = created(send("POST", "/api/v1/runs", "application/json",
                bytes("{\"experiment_id\": \"" + experiment + "\", \"run_name\": \"seed\"}"))).get("id").asText();
        ok(send("POST", "/api/v1/runs/" + run + "/log", "application/json", bytes("{\"metrics\": [{\"key\": \"loss\", \"value\": 0.5,"
                + " \"step\": 1}], \"params\": {\"lr\": \"0.1\"}, \"tags\": {\"team\": \"fuzz\"}}")));
        String artifactPath = experiment + "/" + run + "/artifacts/notes/readme.txt";
        ok(send("PUT", "/api/2.0/mlflow-artifacts/artifacts/" + artifactPath, "application/octet-stream", bytes("seed notes")));
        String model = "mlflow-artifacts:/" + experiment + "/" + run + "/artifacts/model";
        for (String file : List.of("MLmodel", "model.onnx")) {
            try (InputStream in = RequestFuzzTest.class.getResourceAsStream("/model/external/mlflow-onnx/" + file)) {
                ok(send("PUT", "/api/2.0/mlflow-artifacts/artifacts/" + experiment + "/" + run + "/artifacts/model/" + file,
                        "application/octet-stream", in.readAllBytes()));
            }
        }
        ok(send("POST", "/api/2.0/mlflow/registered-models/create", "application/json", bytes("{\"name\": \"fuzz\"}")));
        ok(send("POST", "/api/2.0/mlflow/model-versions/create", "application/json", bytes("{\"name\": \"fuzz\", \"source\": \"" + model
                + "\"}")));
        ok(send("POST", "/api/2.0/mlflow/registered-models/alias", "application/json", bytes("{\"name\": \"fuzz\", \"alias\":"
                + " \"champion\", \"version\": \"1\"}")));
        // A deployment of that version, so that the deployment, feedback and review routes get past their lookups.
        ok(send("POST", "/api/v1/models/fuzz/versions/1/promote", "application/json", bytes("{\"environment\": \"production\"}")));
        created(send("POST", "/api/v1/deployments", "application/json", bytes("{\"name\": \"fuzz\", \"model\": \"models:/fuzz/1\"}")));
        String blob = created(send("PUT", "/api/v1/artifacts", "application/octet-stream", bytes("seed blob"))).get("sha256").asText();
        byte[] penguins;
        try (InputStream in = RequestFuzzTest.class.getResourceAsStream("/data/penguins.csv")) {
            penguins = in.readAllBytes();
        }
        JsonNode version = created(send("POST", "/api/v1/datasets/penguins/versions?file_name=penguins.csv", "text/csv", penguins))
                .get("version");
        created(send("POST", "/api/v1/validation-suites", "application/yaml",
                bytes("name: fuzz-suite\nchecks:\n  - check: row_count\n    min: 1\n  - check: completeness\n    column: sex\n")));
        String report = ok(send("POST", "/api/v1/datasets/penguins/versions/1/validate", "application/json",
                bytes("{\"suite\": \"fuzz-suite\"}"))).get("id").asText();
        String job = created(send("POST", "/api/v1/jobs", "application/json",
                bytes("{\"kind\": \"command\", \"spec\": {\"command\": \"true\", \"experiment\": \"fuzz\"}}"))).get("id").asText();
        String token = created(send("POST", "/api/v1/tokens", "application/json", bytes("{\"name\": \"spare\", \"role\": \"viewer\"}")))
                .at("/token/id").asText();
        real.addAll(List.of(experiment, "0", run, "loss", "lr", "team", artifactPath, experiment + "/" + run + "/artifacts", "notes", blob,
                "penguins", "1", version.get("sha256").asText(), version.get("id").asText(), "fuzz-suite", report, job, token, "species",
                "sex", "body_mass_g", "fuzz", "Default", model, "champion"));
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void noRouteAnswersAServerErrorOrLeaksAStackTraceWhateverItIsSent(String store) throws IOException {
        // PostgreSQL adds what it refuses that SQLite lets through (types, NULs); it answers slower, so it gets fewer requests.
        int requestsPerRoute = store.equals("sqlite") ? REQUESTS_PER_ROUTE : REQUESTS_PER_ROUTE / 5;
        start(store);
        List<Route> routes = server.routes();
        assertThat(routes).hasSizeGreaterThan(60);
        List<String> failures = new ArrayList<>();
        long started = System.nanoTime();
        int sent = 0;
        for (Route route : routes) {
            Random random = new Random(SEED ^ (route.method() + " " + route.path()).hashCode());
            Generator generator = new Generator(random, knownQuery(route), knownFields(route), route.path().startsWith("/api/2.0/"));
            for (int i = 0; i < requestsPerRoute; i++) {
                String path = generator.path(route.path()) + generator.query();
                // Now and then another method on the same path: the answer must still be a JSON error.
                String method = random.nextInt(25) == 0 ? generator.pick(OTHER_METHODS) : route.method();
                String contentType = null;
                byte[] body = null;
                if (!method.equals("GET")) {
                    contentType = random.nextInt(8) == 0 ? CONTENT_TYPES.get(random.nextInt(CONTENT_TYPES.size())) : null;
                    body = binaryBody(route) ? generator.binaryBody() : generator.jsonBody();
                    if (contentType == null) {
                        contentType = binaryBody(route) ? "application/octet-stream" : "application/json";
                    }
                }
                HttpResponse<String> response = send(method, path, contentType, body);
                sent++;
                String problem = problem(response);
                if (problem != null) {
                    failures.add(method + " " + path + (body == null ? "" : " body " + excerpt(new String(body, StandardCharsets.UTF_8)))
                            + "\n    -> " + problem);
                }
            }
        }
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        System.out.printf("fuzzed %d routes on %s with %d requests in %d ms%n", routes.size(), store, sent, millis);

        assertThat(failures).as("%d of %d requests failed; the first ones:%n%s", failures.size(), sent,
                String.join("\n", failures.subList(0, Math.min(40, failures.size())))).isEmpty();
        assertThat(unexpectedFailuresLogged()).isEmpty();
    }

    /** What is wrong with a response, or null. */
    private static String problem(HttpResponse<String> response) {
        // What Jetty refuses while parsing (a NUL in the path) never reaches a route: it has Steward's shape wherever it was sent.
        boolean oip = response.uri().getPath().startsWith("/v2") && !response.body().contains("refused before it reached Steward");
        String body = response.body();
        if (response.statusCode() >= 500) {
            return "status " + response.statusCode() + ": " + excerpt(body);
        }
        if (body.contains("at dev.steward") || body.contains("Exception:") || body.contains("\tat ")) {
            return "a stack trace in the body: " + excerpt(body);
        }
        if (response.statusCode() >= 400 && isUiPath(response.uri().getPath())
                && response.headers().firstValue("Content-Type").orElse("").startsWith("text/html")) {
            // A page of the web UI answers people: its error is a page that says what went wrong (a method no page
            // answers gets the server's JSON error, checked below).
            return body.contains("class=\"alert error\"") || body.contains("id=\"token\"") ? null
                    : "status " + response.statusCode() + " of the web UI without an error page: " + excerpt(body);
        }
        if (response.statusCode() >= 400) {
            try {
                JsonNode error = MAPPER.readTree(body);
                if (oip && !(error != null && error.path("error").isTextual())) {
                    return "status " + response.statusCode() + " without the Open Inference Protocol's error: " + excerpt(body);
                }
                if (!oip && (error == null || !error.path("error_code").isTextual() || !error.path("message").isTextual())) {
                    return "status " + response.statusCode() + " without error_code and message: " + excerpt(body);
                }
            } catch (IOException e) {
                return "status " + response.statusCode() + " with a body that is not JSON: " + excerpt(body);
            }
        }
        return null;
    }

    private static boolean isUiPath(String path) {
        return path.equals("/") || path.equals("/ui") || path.startsWith("/ui/");
    }

    private List<String> unexpectedFailuresLogged() {
        return log.list.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR) && e.getThrowableProxy() != null)
                .map(e -> e.getFormattedMessage() + ": " + e.getThrowableProxy().getClassName() + ": " + e.getThrowableProxy().getMessage())
                .toList();
    }

    private static boolean binaryBody(Route route) {
        return route.path().startsWith("/api/2.0/mlflow-artifacts") || route.path().equals("/api/v1/artifacts")
                || route.path().endsWith("/versions") || route.path().equals("/api/v1/validation-suites");
    }

    /** Query parameters the OpenAPI document lists for the route; MLflow's field names for MLflow's routes. */
    private List<String> knownQuery(Route route) {
        JsonNode operation = operation(route);
        if (operation.isMissingNode()) {
            return MLFLOW_FIELDS;
        }
        List<String> names = new ArrayList<>();
        operation.path("parameters").forEach(p -> {
            if (p.path("in").asText().equals("query")) {
                names.add(p.get("name").asText());
            }
        });
        return names;
    }

    /** Top-level body fields the OpenAPI document lists for the route; MLflow's field names for MLflow's routes. */
    private List<String> knownFields(Route route) {
        JsonNode operation = operation(route);
        if (operation.isMissingNode()) {
            return MLFLOW_FIELDS;
        }
        List<String> names = new ArrayList<>();
        operation.at("/requestBody/content/application~1json/schema/properties").fieldNames().forEachRemaining(names::add);
        return names;
    }

    private JsonNode operation(Route route) {
        String path = route.path().replaceAll("<(\\w+)>", "{$1}");
        return openApi.path("paths").path(path).path(route.method().toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * Random parts of requests, from one seeded source. Half the bodies and queries are plausible
     * (every known field with a value of the right kind, pointing at real objects) with one field
     * spoiled, so that requests get past the first check; the rest are junk.
     */
    private final class Generator {
        private final Random random;
        private final List<String> queryNames;
        private final List<String> fields;
        private final boolean mlflow;
        private int fresh;

        Generator(Random random, List<String> queryNames, List<String> fields, boolean mlflow) {
            this.random = random;
            this.queryNames = queryNames;
            this.fields = fields;
            this.mlflow = mlflow;
        }

        /** The template with each parameter replaced by a hostile or a real value, percent-encoded (or, sometimes, raw). */
        String path(String template) {
            Matcher matcher = PATH_PARAM.matcher(template);
            StringBuilder out = new StringBuilder();
            while (matcher.find()) {
                boolean wildcard = matcher.group(2) != null;
                String value = string();
                String encoded;
                if (random.nextInt(10) == 0 && value.matches("[\\w./ -]*")) {
                    encoded = value.replace(" ", "%20");
                } else if (wildcard) {
                    encoded = String.join("/", encodeEach(value.split("/", -1)));
                } else {
                    encoded = encode(value);
                }
                matcher.appendReplacement(out, Matcher.quoteReplacement(encoded));
            }
            matcher.appendTail(out);
            return out.toString();
        }

        String query() {
            if (random.nextBoolean() && !queryNames.isEmpty()) {
                ObjectNode plausible = plausibleObject(queryNames);
                StringBuilder query = new StringBuilder();
                plausible.fields().forEachRemaining(field -> {
                    JsonNode value = field.getValue();
                    List<JsonNode> values = new ArrayList<>();
                    if (value.isArray()) {
                        value.forEach(values::add);
                    } else {
                        values.add(value);
                    }
                    for (JsonNode v : values) {
                        query.append(query.length() == 0 ? '?' : '&').append(encode(field.getKey())).append('=')
                                .append(encode(v.isValueNode() ? v.asText() : v.toString()));
                    }
                });
                return query.toString();
            }
            int count = random.nextInt(5);
            if (count == 0) {
                return "";
            }
            StringBuilder query = new StringBuilder();
            for (int i = 0; i < count; i++) {
                String name = random.nextInt(5) == 0 || queryNames.isEmpty() ? pick(List.of("x", "max_results", "page_token", "view", "%00",
                        "experiment_id", "run_id", "a".repeat(300))) : pick(queryNames);
                query.append(i == 0 ? '?' : '&').append(name.equals("%00") ? name : encode(name));
                if (random.nextInt(10) != 0) {
                    query.append('=').append(encode(random.nextBoolean() ? number() : string()));
                }
            }
            return query.toString();
        }

        byte[] jsonBody() {
            return switch (random.nextInt(20)) {
                case 0 -> new byte[0];
                case 1 -> bytes(pick(List.of("{", "}", "{\"a\":", "[", "nul", "{\"name\": \"x\",}", "{'name': 'x'}", "{\"a\" 1}",
                        "{} {}", "{}x", "\"\\ud800\"", "{\"name\": \"\\u0000\"}", "{\"name\": \"x\", \"name\": 5}")));
                case 2 -> bytes(pick(List.of("null", "[]", "[{}]", "\"x\"", "123", "true", "-0", "1e999999", "NaN", "{}")));
                case 3 -> randomBytes();
                case 4 -> bytes("[".repeat(2000) + "]".repeat(2000));
                case 5 -> bytes("{\"a\":" + "{\"a\":".repeat(100) + "1" + "}".repeat(101));
                case 6 -> bytes("\ufeff{}");
                case 7, 8, 9, 10, 11, 12 -> bytes(plausibleObject(fields).toString());
                default -> bytes(object(2, fields).toString());
            };
        }

        byte[] binaryBody() {
            return switch (random.nextInt(6)) {
                case 0 -> new byte[0];
                case 1 -> randomBytes();
                case 2 -> bytes("a,b\n1,2\n3\n");
                case 3 -> bytes(pick(List.of("name: x\nchecks: []\n", "name: [\nchecks", "{\"name\": 5, \"checks\": {}}", "---\n- a\n- b\n",
                        "name: y\nchecks:\n  - check: range\n    column: 5\n    min: x\n", "name: z\nchecks:\n  - check: nope\n",
                        "a,b\n\"unterminated\n", "{\"x\": 1}\n{\"x\": \"a\"}\n", "\u0000\u0000\u0000")));
                case 4 -> bytes(object(2, fields).toString());
                default -> bytes("c1,c2,c3\n" + "1,x,2.5\n".repeat(random.nextInt(50)));
            };
        }

        /** Most known fields with a value of the kind they take, then one of them spoiled (or dropped). */
        private ObjectNode plausibleObject(List<String> names) {
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            for (String name : names) {
                if (random.nextInt(5) != 0) {
                    object.set(name, plausible(name));
                }
            }
            if (!names.isEmpty()) {
                String spoiled = pick(names);
                switch (random.nextInt(4)) {
                    case 0 -> object.remove(spoiled);
                    case 1 -> object.set(spoiled, value(1));
                    default -> object.set(spoiled, spoil(plausible(spoiled)));
                }
            }
            return object;
        }

        /** A value of nearly the right shape: the wrong kind of scalar, a null or junk inside a list or an object. */
        private JsonNode spoil(JsonNode good) {
            JsonNodeFactory nodes = JsonNodeFactory.instance;
            if (good.isArray()) {
                ArrayNode array = good.deepCopy();
                switch (random.nextInt(4)) {
                    case 0 -> array.addNull();
                    case 1 -> array.add(value(0));
                    case 2 -> array.set(0, spoil(array.get(0)));
                    default -> array.removeAll();
                }
                return array;
            }
            if (good.isObject()) {
                ObjectNode object = good.deepCopy();
                List<String> names = new ArrayList<>();
                object.fieldNames().forEachRemaining(names::add);
                if (names.isEmpty() || random.nextInt(3) == 0) {
                    object.set(pick(MLFLOW_FIELDS), value(0));
                } else {
                    String name = pick(names);
                    object.set(name, random.nextBoolean() ? nodes.nullNode() : spoil(object.get(name)));
                }
                return object;
            }
            if (good.isTextual()) {
                return switch (random.nextInt(5)) {
                    case 0 -> nodes.numberNode(random.nextInt(3));
                    case 1 -> nodes.booleanNode(true);
                    case 2 -> nodes.arrayNode().add(good);
                    default -> nodes.textNode(pick(HOSTILE));
                };
            }
            return switch (random.nextInt(6)) {
                case 0 -> nodes.textNode(good.asText());
                case 1 -> nodes.numberNode(new BigInteger("18446744073709551621"));
                case 2 -> nodes.numberNode(-1 - random.nextInt(1000));
                case 3 -> nodes.numberNode(Double.NaN);
                case 4 -> nodes.numberNode(2.5);
                default -> nodes.textNode(pick(HOSTILE));
            };
        }

        /** A value of the kind the field takes in Steward's or MLflow's API, naming real objects where it names one. */
        private JsonNode plausible(String name) {
            JsonNodeFactory nodes = JsonNodeFactory.instance;
            return switch (name) {
                case "experiment_id" -> nodes.textNode(random.nextBoolean() ? real.get(0) : "0");
                case "experiment_ids" -> nodes.arrayNode().add(real.get(0)).add("0");
                case "name", "new_name", "experiment_name", "run_name", "file_name" ->
                        nodes.textNode(random.nextBoolean() ? "fuzz" : "fuzz-" + fresh++);
                case "run_id", "run_uuid" -> nodes.textNode(real.get(2));
                case "key", "metric_key" -> nodes.textNode(pick(List.of("loss", "lr", "team", "k" + fresh++)));
                case "value" -> random.nextBoolean() ? nodes.numberNode(0.5) : nodes.textNode("v");
                case "timestamp", "start_time", "end_time", "from", "to" -> nodes.numberNode(1_700_000_000_000L + random.nextInt(1000));
                case "step", "priority", "suite_version", "from_version", "reference", "current", "offset" -> nodes.numberNode(random.nextInt(3));
                // MLflow's registry sends version numbers as strings.
                case "version" -> mlflow ? nodes.textNode(Integer.toString(random.nextInt(3))) : nodes.numberNode(random.nextInt(3));
                case "stage" -> nodes.textNode(pick(List.of("Staging", "Production", "Archived", "None", "production")));
                case "stages" -> nodes.arrayNode().add(pick(List.of("Staging", "Production", "Archived", "None")));
                case "alias" -> nodes.textNode(pick(List.of("champion", "production", "fuzz-" + fresh++)));
                case "archive_existing_versions" -> nodes.booleanNode(random.nextBoolean());
                case "max_results", "max_bytes", "bins" -> nodes.numberNode(1 + random.nextInt(20));
                case "alpha" -> nodes.numberNode(0.05);
                case "status" -> nodes.textNode(pick(List.of("FINISHED", "RUNNING", "KILLED", "queued", "failed")));
                case "page_token" -> nodes.textNode("eyJvZmZzZXQiOiAxfQ==");
                case "filter" -> nodes.textNode(pick(List.of("metrics.loss > 0", "params.lr = '0.1'", "name LIKE 'fuzz%'",
                        "tags.team = 'fuzz'", "attributes.run_name = 'seed'")));
                case "order_by" -> mlflow ? nodes.arrayNode().add("metrics.loss DESC") : nodes.textNode("start_time ASC");
                case "view_type", "run_view_type", "view" -> nodes.textNode(pick(List.of("ALL", "ACTIVE_ONLY", "DELETED_ONLY")));
                case "tags", "params" -> mlflow ? nodes.arrayNode().add(nodes.objectNode().put("key", "k" + fresh++).put("value", "v"))
                        : nodes.objectNode().put("k" + fresh++, "v");
                case "metrics" -> nodes.arrayNode().add(nodes.objectNode().put("key", "m").put("value", 1.0).put("timestamp", 1L).put("step", 0));
                case "datasets" -> nodes.arrayNode().add(nodes.objectNode().set("dataset", nodes.objectNode().put("name", "d")
                        .put("digest", "abc").put("source_type", "local").put("source", "s")));
                case "artifact_location" -> nodes.textNode("mlflow-artifacts:/fuzz-" + fresh++);
                case "path" -> nodes.textNode(pick(List.of("notes", "", "notes/readme.txt")));
                case "role" -> nodes.textNode(pick(List.of("viewer", "editor")));
                case "kind" -> nodes.textNode(pick(List.of("command", "train", "sweep")));
                case "spec" -> nodes.objectNode().put("command", "true").put("experiment", "fuzz");
                case "suite" -> nodes.textNode("fuzz-suite");
                case "dataset" -> nodes.textNode("penguins");
                case "versions" -> nodes.textNode("1");
                case "correction" -> nodes.textNode("bonferroni");
                case "columns" -> nodes.textNode("species,sex");
                case "order" -> nodes.textNode("newest");
                case "header" -> nodes.booleanNode(true);
                default -> nodes.textNode(pick(real));
            };
        }

        private ObjectNode object(int depth, List<String> names) {
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            int count = random.nextInt(5);
            for (int i = 0; i < count; i++) {
                String name = random.nextInt(6) == 0 || names.isEmpty() ? pick(List.of("x", "", "\u0000", "__proto__", "a".repeat(300)))
                        : pick(names);
                object.set(name, value(depth));
            }
            return object;
        }

        private JsonNode value(int depth) {
            JsonNodeFactory nodes = JsonNodeFactory.instance;
            return switch (random.nextInt(depth > 0 ? 10 : 8)) {
                case 0, 1, 2 -> nodes.textNode(string());
                case 3 -> nodes.numberNode(pick(List.of(0L, -1L, 1L, 2147483648L, Long.MAX_VALUE, Long.MIN_VALUE)));
                case 4 -> nodes.numberNode(new BigInteger("123456789012345678901234567890"));
                case 5 -> nodes.numberNode(pick(List.of(1.5, -0.0, 1e308, 4.9e-324, 0.1)));
                case 6 -> nodes.booleanNode(random.nextBoolean());
                case 7 -> nodes.nullNode();
                case 8 -> {
                    ArrayNode array = nodes.arrayNode();
                    for (int i = random.nextInt(4); i > 0; i--) {
                        array.add(random.nextBoolean() ? object(depth - 1, MLFLOW_FIELDS) : value(depth - 1));
                    }
                    yield array;
                }
                default -> object(depth - 1, random.nextBoolean() ? fields : MLFLOW_FIELDS);
            };
        }

        private String string() {
            return random.nextInt(3) == 0 ? pick(real) : pick(HOSTILE);
        }

        private String number() {
            return pick(List.of("0", "-1", "1", "-2147483648", "2147483648", "9223372036854775808", "1e3", "1.5", "50001", "1000000",
                    " 5", "5 ", "+5", "0x10", "1_000", "٣"));
        }

        private byte[] randomBytes() {
            byte[] bytes = new byte[random.nextInt(300)];
            random.nextBytes(bytes);
            return bytes;
        }

        private <T> T pick(List<T> values) {
            return values.get(random.nextInt(values.size()));
        }

    }

    private static List<String> encodeEach(String[] parts) {
        List<String> encoded = new ArrayList<>();
        for (String part : parts) {
            encoded.add(encode(part));
        }
        return encoded;
    }

    /** Percent-encodes every byte of the UTF-8 form that is not unreserved, so the URI reaches the server as sent. */
    private static String encode(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0)) {
                out.append(c);
            } else {
                out.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
            }
        }
        return out.toString();
    }

    private HttpResponse<String> send(String method, String path, String contentType, byte[] body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(server.uri() + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + admin)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        try {
            return CLIENT.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static JsonNode created(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return StewardServerTest.json(response);
    }

    private static JsonNode ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return StewardServerTest.json(response);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String excerpt(String text) {
        String flat = text.replace("\n", "\\n");
        return flat.length() > 300 ? flat.substring(0, 300) + "…(" + flat.length() + " chars)" : flat;
    }
}
