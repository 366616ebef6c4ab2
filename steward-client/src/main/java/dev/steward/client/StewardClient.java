package dev.steward.client;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * Client of Steward's native API. Thread-safe; one instance can be shared by a whole program.
 *
 * <pre>{@code
 * try (StewardClient client = StewardClient.create(URI.create("http://127.0.0.1:8080"), token)) {
 *     client.verifyAudit();
 * }
 * }</pre>
 */
public final class StewardClient implements AutoCloseable {
    private final URI baseUrl;
    private final String token;
    private final HttpClient http;
    private final ObjectMapper mapper;

    private StewardClient(URI baseUrl, String token) {
        this.baseUrl = baseUrl;
        this.token = token;
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if ("http".equals(baseUrl.getScheme())) {
            // Plain HTTP never uses TLS (redirects are not followed), yet without a context of its own the
            // JDK's client loads and parses the default trust store: tens of milliseconds of a CLI call.
            try {
                http.sslContext(SSLContext.getInstance("TLS")).sslParameters(new SSLParameters());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("this JDK has no TLS", e);
            }
        }
        this.http = http.build();
        this.mapper = new ObjectMapper()
                .registerModule(new Jdk8Module())
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    /**
     * @param baseUrl the server, e.g. {@code http://127.0.0.1:8080}
     * @param token an API token (sent as {@code Authorization: Bearer})
     */
    public static StewardClient create(URI baseUrl, String token) {
        requireNonNull(baseUrl, "baseUrl is null");
        requireNonNull(token, "token is null");
        String text = baseUrl.toString();
        return new StewardClient(URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text), token);
    }

    public URI baseUrl() {
        return baseUrl;
    }

    /** {@code /health}: the server's and its stores' status. */
    public JsonNode health() {
        return send(request("/health").GET(), JsonNode.class);
    }

    public WhoAmI whoAmI() {
        return send(request("/api/v1/whoami").GET(), WhoAmI.class);
    }

    public CreatedToken createToken(String name, String role) {
        return send(jsonRequest("/api/v1/tokens", "POST", Map.of("name", name, "role", role)), CreatedToken.class);
    }

    public List<TokenInfo> listTokens() {
        JsonNode body = send(request("/api/v1/tokens").GET(), JsonNode.class);
        return convert(body.get("tokens"), new TypeReference<List<TokenInfo>>() {});
    }

    public TokenInfo revokeToken(String id) {
        return send(request("/api/v1/tokens/" + encodePath(id)).DELETE(), TokenInfo.class);
    }

    public AuditPage listAudit(AuditFilter filter) {
        String query = filter.queryString();
        return send(request("/api/v1/audit" + (query.isEmpty() ? "" : "?" + query)).GET(), AuditPage.class);
    }

    public AuditVerificationResult verifyAudit() {
        return send(request("/api/v1/audit/verify").GET(), AuditVerificationResult.class);
    }

    /** Uploads a file as a content-addressed blob, streaming it. */
    public ArtifactInfo uploadArtifact(Path file) {
        try {
            return send(request("/api/v1/artifacts").header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofFile(file)), ArtifactInfo.class);
        } catch (java.io.FileNotFoundException e) {
            throw new StewardClientException(0, "INVALID_PARAMETER_VALUE", "no such file: " + file, "file", e);
        }
    }

    /**
     * Deletes the blobs nothing refers to whose last store is older than {@code olderThan} (with
     * {@code dryRun}, only lists them): what was scanned, found and deleted, and the orphans.
     */
    public JsonNode collectGarbage(Duration olderThan, boolean dryRun) {
        return send(jsonRequest("/api/v1/artifacts/gc", "POST", Map.of("older_than_seconds", olderThan.toSeconds(), "dry_run", dryRun)),
                JsonNode.class);
    }

    /** Opens a stored blob; the caller closes the stream. */
    public InputStream downloadArtifact(String sha256) {
        return openStream("/api/v1/artifacts/" + encodePath(sha256));
    }

    /** GETs a path whose answer is a byte stream; errors are read and thrown as usual. */
    private InputStream openStream(String path) {
        HttpResponse<InputStream> response = exchange(request(path).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() >= 400) {
            try (InputStream body = response.body()) {
                throw error(response.statusCode(), body.readAllBytes());
            } catch (IOException e) {
                throw new StewardClientException(response.statusCode(), "UNKNOWN", "HTTP " + response.statusCode(), null, e);
            }
        }
        return response.body();
    }

    // ---- tracking ----------------------------------------------------------------------------

    public ExperimentInfo createExperiment(String name) {
        return send(jsonRequest("/api/v1/experiments", "POST", Map.of("name", name)), ExperimentInfo.class);
    }

    public ExperimentInfo getExperiment(String id) {
        return send(request("/api/v1/experiments/" + encodePath(id)).GET(), ExperimentInfo.class);
    }

    /** The experiment with this name, created when it does not exist yet. */
    public ExperimentInfo experimentNamed(String name) {
        return findExperimentByName(name).orElseGet(() -> createExperiment(name));
    }

    /** The active experiment with this name, if there is one. */
    public Optional<ExperimentInfo> findExperimentByName(String name) {
        String filter = "name = '" + name.replace("'", "''") + "'";
        JsonNode body = send(request("/api/v1/experiments?filter=" + encodeQuery(filter)).GET(), JsonNode.class);
        List<ExperimentInfo> found = convert(body.get("experiments"), new TypeReference<List<ExperimentInfo>>() {});
        return found.stream().findFirst();
    }

    /** Experiments by lifecycle view ({@code ACTIVE_ONLY}, {@code DELETED_ONLY}, {@code ALL}). */
    public List<ExperimentInfo> listExperiments(String view) {
        JsonNode body = send(request("/api/v1/experiments?max_results=50000&view=" + encodeQuery(view)).GET(), JsonNode.class);
        return convert(body.get("experiments"), new TypeReference<List<ExperimentInfo>>() {});
    }

    public ExperimentInfo deleteExperiment(String id) {
        return send(request("/api/v1/experiments/" + encodePath(id)).DELETE(), ExperimentInfo.class);
    }

    /** Starts a run with tags about its source (user, git commit, host, JVM); close the handle to end it. */
    public Run startRun(String experimentId, String runName) {
        return new Run(this, createRun(experimentId, runName, SourceTags.collect(java.nio.file.Path.of(""))));
    }

    /** Creates a run with the given tags and nothing else; see {@link #startRun} for a managed run. */
    public RunDetails createRun(String experimentId, String runName, Map<String, String> tags) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("experiment_id", experimentId);
        if (runName != null) {
            body.put("run_name", runName);
        }
        body.put("tags", tags);
        return send(jsonRequest("/api/v1/runs", "POST", body), RunDetails.class);
    }

    public RunDetails getRun(String runId) {
        return send(request("/api/v1/runs/" + encodePath(runId)).GET(), RunDetails.class);
    }

    public RunPage searchRuns(RunSearch search) {
        return send(request("/api/v1/runs?" + search.queryString()).GET(), RunPage.class);
    }

    /** Logs metrics, params and tags in one atomic batch (MLflow's limits: 1000 metrics, 100 params, 100 tags). */
    public void logBatch(String runId, List<MetricPoint> metrics, Map<String, String> params, Map<String, String> tags) {
        send(jsonRequest("/api/v1/runs/" + encodePath(runId) + "/log", "POST", Map.of("metrics", metrics, "params", params, "tags", tags)),
                JsonNode.class);
    }

    public List<MetricPoint> metricHistory(String runId, String key) {
        JsonNode body = send(request("/api/v1/runs/" + encodePath(runId) + "/metrics/" + encodePath(key)).GET(), JsonNode.class);
        return convert(body.get("metrics"), new TypeReference<List<MetricPoint>>() {});
    }

    /** Ends a run with a terminal status (FINISHED, FAILED, KILLED), which seals its content. */
    public RunDetails endRun(String runId, String status) {
        return send(jsonRequest("/api/v1/runs/" + encodePath(runId), "PATCH", Map.of("status", status)), RunDetails.class);
    }

    public RunDetails deleteRun(String runId) {
        return send(request("/api/v1/runs/" + encodePath(runId)).DELETE(), RunDetails.class);
    }

    /** Uploads a file into a run's artifacts through the MLflow artifact proxy, streaming it. */
    public void uploadRunArtifact(RunDetails run, Path file, String directory) {
        String dir = directory == null ? "" : directory;
        try {
            send(request(artifactProxyPath(run, dir + "/" + file.getFileName())).header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofFile(file)), JsonNode.class);
        } catch (java.io.FileNotFoundException e) {
            throw new StewardClientException(0, "INVALID_PARAMETER_VALUE", "no such file: " + file, "file", e);
        }
    }

    /** The files and directories directly under {@code path} (empty: the root) of a run's artifacts. */
    public RunArtifacts listRunArtifacts(String runId, String path) {
        return send(request("/api/v1/runs/" + encodePath(runId) + "/artifacts" + (path.isEmpty() ? "" : "?path=" + encodeQuery(path))).GET(),
                RunArtifacts.class);
    }

    /** Opens one of a run's artifact files ({@code path} relative to its artifact root); the caller closes the stream. */
    public InputStream downloadRunArtifact(RunDetails run, String path) {
        return openStream(artifactProxyPath(run, path));
    }

    /** The MLflow artifact proxy's path of a file in a run's artifacts, each segment encoded. */
    private static String artifactProxyPath(RunDetails run, String relative) {
        String scheme = "mlflow-artifacts:";
        if (!run.artifactUri().startsWith(scheme)) {
            throw new StewardClientException(0, "INVALID_PARAMETER_VALUE", "run " + run.id() + " keeps its artifacts at "
                    + run.artifactUri() + ", which this client cannot reach", "artifact_uri", null);
        }
        StringBuilder path = new StringBuilder("/api/2.0/mlflow-artifacts/artifacts");
        for (String segment : (run.artifactUri().substring(scheme.length()) + "/" + relative).split("/")) {
            if (!segment.isEmpty()) {
                path.append('/').append(encodePath(segment));
            }
        }
        return path.toString();
    }

    // ---- datasets ----------------------------------------------------------------------------

    /**
     * Imports a file as the next version of a dataset, streaming it. {@code options} are the
     * import's query parameters: {@code format}, {@code delimiter}, {@code quote}, {@code header},
     * {@code subject_column}, {@code description}. Answers {@code {"created": bool, "version": {...}}}.
     */
    public JsonNode importDataset(String name, Path file, Map<String, String> options) {
        StringBuilder path = new StringBuilder("/api/v1/datasets/").append(encodePath(name)).append("/versions?file_name=")
                .append(encodeQuery(file.getFileName().toString()));
        options.forEach((key, value) -> path.append('&').append(encodeQuery(key)).append('=').append(encodeQuery(value)));
        try {
            return send(request(path.toString()).header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofFile(file)), JsonNode.class);
        } catch (java.io.FileNotFoundException e) {
            throw new StewardClientException(0, "INVALID_PARAMETER_VALUE", "no such file: " + file, "file", e);
        }
    }

    public JsonNode listDatasets() {
        return send(request("/api/v1/datasets").GET(), JsonNode.class);
    }

    /** A dataset with all its versions. */
    public JsonNode getDataset(String name) {
        return send(request("/api/v1/datasets/" + encodePath(name)).GET(), JsonNode.class);
    }

    /** One version (a number, or {@code latest}) with its schema and column summaries. */
    public JsonNode getDatasetVersion(String name, String version) {
        return send(request("/api/v1/datasets/" + encodePath(name) + "/versions/" + encodePath(version)).GET(), JsonNode.class);
    }

    /** The mergeable profile of one version (a number, or {@code latest}), or of several merged. */
    public JsonNode profileDataset(String name, List<String> versions) {
        return send(request(versions.size() == 1
                ? "/api/v1/datasets/" + encodePath(name) + "/versions/" + encodePath(versions.get(0)) + "/profile"
                : "/api/v1/datasets/" + encodePath(name) + "/profile?versions=" + encodeQuery(String.join(",", versions))).GET(), JsonNode.class);
    }

    /** Quarantines a version (training and evaluation on it then need an override); the reason is audited. */
    public JsonNode quarantineDatasetVersion(String name, String version, String reason) {
        return send(jsonRequest("/api/v1/datasets/" + encodePath(name) + "/versions/" + encodePath(version) + "/quarantine", "POST",
                Map.of("reason", reason)), JsonNode.class);
    }

    /** Releases a quarantined version; the reason is audited. */
    public JsonNode releaseDatasetVersion(String name, String version, String reason) {
        return send(jsonRequest("/api/v1/datasets/" + encodePath(name) + "/versions/" + encodePath(version) + "/release", "POST",
                Map.of("reason", reason)), JsonNode.class);
    }

    public JsonNode diffDataset(String name, int from, int to) {
        return send(request("/api/v1/datasets/" + encodePath(name) + "/diff?from=" + from + "&to=" + to).GET(), JsonNode.class);
    }

    /** The original bytes of a version, verified by the server; the caller closes the stream. */
    public InputStream downloadDatasetVersion(String name, String version) {
        return openStream("/api/v1/datasets/" + encodePath(name) + "/versions/" + encodePath(version) + "/download");
    }

    /**
     * Compares two versions column by column: drift statistics, p-values corrected with
     * {@code correction} ({@code none}, {@code bonferroni} or {@code bh}), and the schema diff.
     */
    public JsonNode compareDataset(String name, int reference, int current, String correction, double alpha) {
        return send(request("/api/v1/datasets/" + encodePath(name) + "/compare?reference=" + reference + "&current=" + current
                + "&correction=" + encodeQuery(correction) + "&alpha=" + alpha).GET(), JsonNode.class);
    }

    /** Stores a validation suite (YAML or JSON text) as the next version of its name. */
    public JsonNode addValidationSuite(String definition) {
        return send(request("/api/v1/validation-suites").header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(definition, java.nio.charset.StandardCharsets.UTF_8)), JsonNode.class);
    }

    public JsonNode listValidationSuites() {
        return send(request("/api/v1/validation-suites").GET(), JsonNode.class);
    }

    /** Runs a stored suite ({@code suiteVersion} 0 for its latest) on a version and returns the stored report. */
    public JsonNode validateDataset(String name, String version, String suite, int suiteVersion) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("suite", suite);
        if (suiteVersion > 0) {
            body.put("suite_version", suiteVersion);
        }
        return send(jsonRequest("/api/v1/datasets/" + encodePath(name) + "/versions/" + encodePath(version) + "/validate", "POST", body),
                JsonNode.class);
    }

    /** The validation reports of a version, newest first. */
    public JsonNode validationReports(String name, String version) {
        return send(request("/api/v1/datasets/" + encodePath(name) + "/versions/" + encodePath(version) + "/reports").GET(), JsonNode.class);
    }

    // ---- jobs --------------------------------------------------------------------------------

    /** Queues a job ({@code train}, {@code command} or {@code sweep}) with its spec; answers the stored job. */
    public JsonNode submitJob(String kind, int priority, JsonNode spec) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("kind", kind);
        body.put("priority", priority);
        body.put("spec", spec);
        return send(jsonRequest("/api/v1/jobs", "POST", body), JsonNode.class);
    }

    /** Jobs, newest first; {@code status} may be null for all. */
    public JsonNode listJobs(String status, int maxResults) {
        return send(request("/api/v1/jobs?max_results=" + maxResults + (status == null ? "" : "&status=" + encodeQuery(status))).GET(),
                JsonNode.class);
    }

    public JsonNode getJob(String id) {
        return send(request("/api/v1/jobs/" + encodePath(id)).GET(), JsonNode.class);
    }

    public JsonNode cancelJob(String id, String reason) {
        return send(jsonRequest("/api/v1/jobs/" + encodePath(id) + "/cancel", "POST", reason == null ? Map.of() : Map.of("reason", reason)),
                JsonNode.class);
    }

    public JsonNode retryJob(String id) {
        return send(jsonRequest("/api/v1/jobs/" + encodePath(id) + "/retry", "POST", Map.of()), JsonNode.class);
    }

    /** Log text from byte {@code offset}: {@code {"text", "next_offset", "finished"}}. */
    public JsonNode jobLog(String id, long offset) {
        return send(request("/api/v1/jobs/" + encodePath(id) + "/logs?offset=" + offset).GET(), JsonNode.class);
    }

    // ---- evaluation --------------------------------------------------------------------------

    /**
     * Evaluates the model package of run {@code runId} on a dataset version in the server's ONNX
     * Runtime; answers the report (metrics, confusion matrix, the evaluation run's id).
     * {@code overrideReason} may be null (needed only for a quarantined version).
     */
    public JsonNode evaluate(String runId, String dataset, int version, String overrideReason) {
        return evaluate("run_id", runId, dataset, version, overrideReason);
    }

    /**
     * Evaluates the model a URI names ({@code models:/penguins/3}, {@code models:/penguins@production},
     * {@code runs:/<run>/model}) on a dataset version; answers the report as {@link #evaluate} does.
     */
    public JsonNode evaluateModel(String modelUri, String dataset, int version, String overrideReason) {
        return evaluate("model", modelUri, dataset, version, overrideReason);
    }

    /**
     * Creates a deployment. {@code body} holds {@code name} and either {@code model} (a model URI;
     * optionally {@code environment}, {@code override_reason}) or {@code spec} (a whole spec object),
     * as the API names them; answers the deployment.
     */
    public JsonNode createDeployment(Map<String, Object> body) {
        return send(jsonRequest("/api/v1/deployments", "POST", body), JsonNode.class);
    }

    /** Every live deployment: {@code {deployments: [...]}}. */
    public JsonNode listDeployments() {
        return send(request("/api/v1/deployments").GET(), JsonNode.class);
    }

    public JsonNode deployment(String name) {
        return send(request("/api/v1/deployments/" + encodePath(name)).GET(), JsonNode.class);
    }

    /** A new revision: {@code model} or {@code spec}, optionally {@code reason} and {@code override_reason}. */
    public JsonNode updateDeployment(String name, Map<String, Object> body) {
        return send(jsonRequest("/api/v1/deployments/" + encodePath(name), "PUT", body), JsonNode.class);
    }

    public JsonNode deploymentHistory(String name) {
        return send(request("/api/v1/deployments/" + encodePath(name) + "/history").GET(), JsonNode.class);
    }

    public JsonNode restoreDeployment(String name, int revision, String reason) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("revision", revision);
        if (reason != null) {
            body.put("reason", reason);
        }
        return send(jsonRequest("/api/v1/deployments/" + encodePath(name) + "/restore", "POST", body), JsonNode.class);
    }

    /** The emergency stop: every request is refused with 503 and the reason until {@link #resumeDeployment}. */
    public JsonNode stopDeployment(String name, String reason) {
        return send(jsonRequest("/api/v1/deployments/" + encodePath(name) + "/stop", "POST", Map.of("reason", reason, "emergency", true)),
                JsonNode.class);
    }

    public JsonNode resumeDeployment(String name, String reason) {
        return send(jsonRequest("/api/v1/deployments/" + encodePath(name) + "/resume", "POST", reason == null ? Map.of()
                : Map.of("reason", reason)), JsonNode.class);
    }

    public void deleteDeployment(String name) {
        HttpResponse<byte[]> response = exchange(request("/api/v1/deployments/" + encodePath(name)).DELETE().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() >= 400) {
            throw error(response.statusCode(), response.body());
        }
    }

    // ---- monitors ----------------------------------------------------------------------------

    /** Creates the monitor of a deployment from its spec's YAML or JSON text ({@code {}} for the defaults). */
    public JsonNode createMonitor(String deployment, String specText) {
        return send(jsonRequest("/api/v1/monitors", "POST", Map.of("deployment", deployment, "spec_text", specText)), JsonNode.class);
    }

    /** Every monitor: {@code {monitors: [...]}}. */
    public JsonNode listMonitors() {
        return send(request("/api/v1/monitors").GET(), JsonNode.class);
    }

    public JsonNode monitor(String deployment) {
        return send(request(monitorPath(deployment)).GET(), JsonNode.class);
    }

    /** A new revision of a deployment's monitor; {@code reason} may be null. */
    public JsonNode updateMonitor(String deployment, String specText, String reason) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("spec_text", specText);
        if (reason != null) {
            body.put("reason", reason);
        }
        return send(jsonRequest(monitorPath(deployment), "PUT", body), JsonNode.class);
    }

    public void deleteMonitor(String deployment) {
        HttpResponse<byte[]> response = exchange(request(monitorPath(deployment)).DELETE().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() >= 400) {
            throw error(response.statusCode(), response.body());
        }
    }

    public JsonNode monitorHistory(String deployment) {
        return send(request(monitorPath(deployment) + "/history").GET(), JsonNode.class);
    }

    /** Evaluates the deployment's open window now: a partial report. */
    public JsonNode runMonitor(String deployment) {
        return send(jsonRequest(monitorPath(deployment) + "/run", "POST", Map.of()), JsonNode.class);
    }

    /** Closed windows, newest first: {@code {windows: [...], next_before}}; {@code before} may be null. */
    public JsonNode monitorWindows(String deployment, Long before, int maxResults) {
        return send(request(monitorPath(deployment) + "/windows?max_results=" + maxResults + (before == null ? "" : "&before=" + before)).GET(),
                JsonNode.class);
    }

    /** A closed window's report (with the labels that arrived since it closed). */
    public JsonNode monitorReport(String deployment, long window) {
        return send(request(monitorPath(deployment) + "/windows/" + window).GET(), JsonNode.class);
    }

    /** A closed window's self-contained HTML report. */
    public String monitorReportHtml(String deployment, long window) {
        try (InputStream page = openStream(monitorPath(deployment) + "/windows/" + window + "/report.html")) {
            return new String(page.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StewardClientException(0, "UNREACHABLE", "reading the report of window " + window + " of " + deployment + " failed: " + e,
                    null, e);
        }
    }

    /** A window recomputed from the request log beside its live report: {@code {rows_live, rows_rebuilt, live, rebuilt}}. */
    public JsonNode rebuildMonitorWindow(String deployment, long window) {
        return send(jsonRequest(monitorPath(deployment) + "/windows/" + window + "/rebuild", "POST", Map.of()), JsonNode.class);
    }

    /** Alerts, latest first; {@code deployment} and {@code state} ({@code firing}, {@code resolved}) may be null. */
    public JsonNode alerts(String deployment, String state, int maxResults) {
        StringBuilder path = new StringBuilder(deployment == null ? "/api/v1/alerts" : monitorPath(deployment) + "/alerts");
        path.append("?max_results=").append(maxResults);
        if (state != null) {
            path.append("&state=").append(encodeQuery(state));
        }
        return send(request(path.toString()).GET(), JsonNode.class);
    }

    private static String monitorPath(String deployment) {
        return "/api/v1/monitors/" + encodePath(deployment);
    }

    /**
     * Feedback on a deployment's predictions: each item holds {@code request_id}, optionally
     * {@code row} (default 0), and {@code label} or {@code value} and/or {@code reward}, as the API
     * names them (at most the server's {@code feedback.max-batch} items, 1,000 by default); answers
     * {@code {accepted, duplicates, unknown: [request ids]}}.
     */
    public JsonNode sendFeedback(String deployment, List<Map<String, Object>> items) {
        return send(jsonRequest("/api/v1/deployments/" + encodePath(deployment) + "/feedback", "POST", Map.of("feedback", items)),
                JsonNode.class);
    }

    /** A deployment's live figures from its feedback (accuracy, errors, rewards), overall and per version. */
    public JsonNode feedbackFigures(String deployment) {
        return send(request("/api/v1/deployments/" + encodePath(deployment) + "/feedback").GET(), JsonNode.class);
    }

    /**
     * A deployment's review queue, oldest first: its rows answered as abstained.
     *
     * @param status {@code open}, {@code labelled} or {@code all}
     */
    public JsonNode reviews(String deployment, String status, int maxResults) {
        return send(request("/api/v1/deployments/" + encodePath(deployment) + "/reviews?status=" + encodeQuery(status) + "&max_results="
                + maxResults).GET(), JsonNode.class);
    }

    public JsonNode review(String id) {
        return send(request("/api/v1/reviews/" + encodePath(id)).GET(), JsonNode.class);
    }

    /** Labels a review; the label counts as feedback for that request's row. Answers the labelled review. */
    public JsonNode labelReview(String id, String label) {
        return send(jsonRequest("/api/v1/reviews/" + encodePath(id) + "/label", "POST", Map.of("label", label)), JsonNode.class);
    }

    /**
     * The labelled test examples a gate condition needs. {@code settings} holds {@code condition}
     * and optionally {@code reliability}, {@code mode}, {@code adaptivity}, {@code steps},
     * {@code disagreement_bound}, as the API names them; see docs/gates.md.
     */
    public JsonNode gateSampleSize(Map<String, Object> settings) {
        return send(jsonRequest("/api/v1/gates/sample-size", "POST", settings), JsonNode.class);
    }

    /**
     * Checks a candidate against a baseline on a test set ({@code candidate}, {@code against},
     * {@code test_set} as NAME@VERSION, and the settings of {@link #gateSampleSize}), spending one
     * step of the test set's budget. A refusal is a {@link StewardClientException} whose error code
     * is {@code RESOURCE_EXHAUSTED} when the test set is used up or too small.
     */
    public JsonNode gateCheck(Map<String, Object> request) {
        return send(jsonRequest("/api/v1/gates/checks", "POST", request), JsonNode.class);
    }

    /** A test set's step budget and its checks. */
    public JsonNode gateTestSet(String dataset, int version) {
        return send(request("/api/v1/gates/test-sets/" + encodePath(dataset) + "/" + version).GET(), JsonNode.class);
    }

    private JsonNode evaluate(String field, String model, String dataset, int version, String overrideReason) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put(field, model);
        body.put("dataset", dataset);
        body.put("version", version);
        if (overrideReason != null) {
            body.put("override_reason", overrideReason);
        }
        return send(jsonRequest("/api/v1/evaluations", "POST", body), JsonNode.class);
    }

    // ---- feasibility -------------------------------------------------------------------------

    /**
     * A feasibility study of a dataset version's target, before anything is trained: Bayes error
     * bounds (the best accuracy any model can reach on the data), FeeBee's self-check and a
     * learning curve, kept as a run in the experiment {@code feasibility/<dataset>}; answers the
     * report ({@code estimate}, {@code summary}, {@code feebee}, {@code learning_curve}, {@code run_id}, ...).
     */
    public JsonNode feasibility(FeasibilityRequest request) {
        return send(jsonRequest("/api/v1/feasibility", "POST", request.body()), JsonNode.class);
    }

    // ---- model registry ----------------------------------------------------------------------

    /**
     * Registered models matching {@code filter} (MLflow's filter language, e.g.
     * {@code name LIKE 'penguin%'}; null for all), at most {@code maxResults}:
     * {@code {"models": [...], "next_page_token"}}.
     */
    public JsonNode searchModels(String filter, int maxResults) {
        return send(request("/api/v1/models?max_results=" + maxResults + (filter == null ? "" : "&filter=" + encodeQuery(filter))).GET(),
                JsonNode.class);
    }

    /** A registered model with its tags, aliases and which version holds each environment. */
    public JsonNode getModel(String name) {
        return send(request(modelPath(name)).GET(), JsonNode.class);
    }

    /** The live versions of a model, newest first: {@code {"versions": [...]}}. */
    public JsonNode listModelVersions(String name) {
        return send(request(modelPath(name) + "/versions").GET(), JsonNode.class);
    }

    /** One version: status (ready, failed, revoked with its reason), signature, classes, metrics, aliases, environments. */
    public JsonNode getModelVersion(String name, int version) {
        return send(request(versionPath(name, version)).GET(), JsonNode.class);
    }

    /**
     * The version a model URI names ({@code models:/NAME/VERSION}, {@code models:/NAME@ALIAS},
     * {@code models:/NAME@ENVIRONMENT}), or the package a run keeps ({@code runs:/RUN_ID/model}).
     */
    public JsonNode resolveModel(String uri) {
        return send(request("/api/v1/resolve?uri=" + encodeQuery(uri)).GET(), JsonNode.class);
    }

    /**
     * Registers the package of a Steward training run as the next version of {@code name} (the
     * model is created when it does not exist). {@code description} may be null; answers the version.
     */
    public JsonNode registerModelFromRun(String name, String runId, String description, Map<String, String> tags) {
        return registerModelVersion(name, Map.of("run_id", runId), description, tags);
    }

    /**
     * Registers the model folder an artifact URI names ({@code runs:/RUN_ID/model}, a run's
     * {@code mlflow-artifacts:/} URI), as MLflow clients do; a flavor Steward cannot serve gives a
     * {@code failed} version with the reason. {@code description} may be null.
     */
    public JsonNode registerModelFromSource(String name, String source, String description, Map<String, String> tags) {
        return registerModelVersion(name, Map.of("source", source), description, tags);
    }

    /**
     * Uploads an ONNX graph built anywhere and registers it with a signature document (which columns
     * feed which input, output roles, classes, target: see docs/model-format.md; null for none).
     * The server loads and runs the graph once first and refuses one it cannot load, registering
     * nothing (the uploaded blob then stays unreferenced until garbage collection takes it).
     * {@code description} may be null.
     */
    public JsonNode registerOnnxModel(String name, Path onnxFile, JsonNode signature, String description, Map<String, String> tags) {
        Map<String, Object> source = new java.util.LinkedHashMap<>();
        source.put("onnx_sha256", uploadArtifact(onnxFile).sha256());
        if (signature != null) {
            source.put("signature", signature);
        }
        return registerModelVersion(name, source, description, tags);
    }

    private JsonNode registerModelVersion(String name, Map<String, Object> source, String description, Map<String, String> tags) {
        Map<String, Object> body = new java.util.LinkedHashMap<>(source);
        if (description != null) {
            body.put("description", description);
        }
        body.put("tags", tags);
        return send(jsonRequest(modelPath(name) + "/versions", "POST", body), JsonNode.class);
    }

    /**
     * Describes a version for its model card; a null argument leaves that text as it is. Answers the version.
     */
    public JsonNode updateModelVersion(String name, int version, String description, String intendedUse, String limitations) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        if (description != null) {
            body.put("description", description);
        }
        if (intendedUse != null) {
            body.put("intended_use", intendedUse);
        }
        if (limitations != null) {
            body.put("limitations", limitations);
        }
        return send(jsonRequest(versionPath(name, version), "PATCH", body), JsonNode.class);
    }

    /** Points an alias ({@code champion}, ...) at a ready version; answers the version. */
    public JsonNode setModelAlias(String name, String alias, int version) {
        return send(jsonRequest(modelPath(name) + "/aliases/" + encodePath(alias), "PUT", Map.of("version", version)), JsonNode.class);
    }

    /** Deletes an alias; answers the model. */
    public JsonNode deleteModelAlias(String name, String alias) {
        return send(request(modelPath(name) + "/aliases/" + encodePath(alias)).DELETE(), JsonNode.class);
    }

    /** Sets the promotion policy of a model for an environment (YAML or JSON text, see docs/registry.md): a new revision. */
    public JsonNode setPromotionPolicy(String name, String environment, String definition) {
        return send(request(modelPath(name) + "/policies/" + encodePath(environment)).header("Content-Type", "application/yaml")
                .PUT(HttpRequest.BodyPublishers.ofString(definition, java.nio.charset.StandardCharsets.UTF_8)), JsonNode.class);
    }

    /** The latest revision of a model's promotion policy for an environment, with its definition verbatim. */
    public JsonNode getPromotionPolicy(String name, String environment) {
        return send(request(modelPath(name) + "/policies/" + encodePath(environment)).GET(), JsonNode.class);
    }

    /**
     * Asks for a promotion: the server checks the safety criteria and the environment's policy and
     * stores a report; the environment moves only when every criterion passed ({@code promoted} in
     * the answer). {@code overrideReason} (admins only; may be null) promotes despite failed criteria.
     */
    public JsonNode promoteModelVersion(String name, int version, String environment, String overrideReason) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("environment", environment);
        if (overrideReason != null) {
            body.put("override_reason", overrideReason);
        }
        return send(jsonRequest(versionPath(name, version) + "/promote", "POST", body), JsonNode.class);
    }

    /** Asks for approval of a version for an environment; {@code comment} may be null. */
    public JsonNode requestApproval(String name, int version, String environment, String comment) {
        return send(jsonRequest(versionPath(name, version) + "/approval-requests", "POST", environmentAndComment(environment, comment)),
                JsonNode.class);
    }

    /** Approves the latest approval request of a version for an environment; {@code comment} may be null. */
    public JsonNode approveModelVersion(String name, int version, String environment, String comment) {
        return decide(name, version, environment, "approve", comment);
    }

    /** Rejects the latest approval request of a version for an environment, which blocks promotion until a new request. */
    public JsonNode rejectModelVersion(String name, int version, String environment, String comment) {
        return decide(name, version, environment, "reject", comment);
    }

    private JsonNode decide(String name, int version, String environment, String decision, String comment) {
        Map<String, Object> body = environmentAndComment(environment, comment);
        body.put("decision", decision);
        return send(jsonRequest(versionPath(name, version) + "/approvals", "POST", body), JsonNode.class);
    }

    private static Map<String, Object> environmentAndComment(String environment, String comment) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("environment", environment);
        if (comment != null) {
            body.put("comment", comment);
        }
        return body;
    }

    /**
     * Returns an environment to the version promoted to it before the current one, skipping versions
     * revoked, deleted or archived since: {@code {"environment", "from", "to", "skipped": [...]}}.
     */
    public JsonNode rollbackEnvironment(String name, String environment, String reason) {
        return send(jsonRequest(modelPath(name) + "/environments/" + encodePath(environment) + "/rollback", "POST", Map.of("reason", reason)),
                JsonNode.class);
    }

    /** Revokes a version for good: it leaves its environments and aliases and is never promoted or served again. */
    public JsonNode revokeModelVersion(String name, int version, String reason) {
        return send(jsonRequest(versionPath(name, version) + "/revoke", "POST", Map.of("reason", reason)), JsonNode.class);
    }

    /** A version's model card as a self-contained document; {@code format} is {@code html} or {@code markdown}. */
    public String modelCard(String name, int version, String format) {
        try (InputStream card = openStream(versionPath(name, version) + "/card?format=" + encodeQuery(format))) {
            return new String(card.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StewardClientException(0, "UNREACHABLE", "reading the model card of " + name + " version " + version + " failed: " + e,
                    null, e);
        }
    }

    /**
     * Lineage of a version: its run (params, metrics, code), training data (digests, validation,
     * quarantine history), evaluations, approvals, promotion reports and promotions.
     */
    public JsonNode modelLineage(String name, int version) {
        return send(request("/api/v1/lineage/models/" + encodePath(name) + "/" + version).GET(), JsonNode.class);
    }

    /** Lineage of a dataset version: the runs that read it and the model versions that depend on it. */
    public JsonNode datasetLineage(String name, int version) {
        return send(request("/api/v1/lineage/datasets/" + encodePath(name) + "/" + version).GET(), JsonNode.class);
    }

    private static String modelPath(String name) {
        return "/api/v1/models/" + encodePath(name);
    }

    private static String versionPath(String name, int version) {
        return modelPath(name) + "/versions/" + version;
    }

    // ---- webhooks ----------------------------------------------------------------------------

    /**
     * Subscribes {@code url} to event types ({@code ["*"]} for all) with a secret the server
     * generates; the answer holds that secret, which is never shown again.
     */
    public CreatedWebhook createWebhook(String url, List<String> events, String description) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("url", url);
        body.put("events", events);
        if (description != null) {
            body.put("description", description);
        }
        return send(jsonRequest("/api/v1/webhooks", "POST", body), CreatedWebhook.class);
    }

    /** Subscribes {@code url} to event types with the receiver's own signing secret (16 to 256 printable characters). */
    public CreatedWebhook createWebhook(String url, List<String> events, String description, String secret) {
        return send(jsonRequest("/api/v1/webhooks", "POST", Map.of("url", url, "events", events, "description", description,
                "secret", secret)), CreatedWebhook.class);
    }

    /** Every webhook, deleted ones included, newest first. */
    public List<WebhookInfo> listWebhooks() {
        JsonNode body = send(request("/api/v1/webhooks").GET(), JsonNode.class);
        return convert(body.get("webhooks"), new TypeReference<List<WebhookInfo>>() {});
    }

    public WebhookInfo getWebhook(String id) {
        return send(request("/api/v1/webhooks/" + encodePath(id)).GET(), WebhookInfo.class);
    }

    /** Deactivates a webhook: it receives nothing more and its pending deliveries are cancelled. */
    public WebhookInfo deleteWebhook(String id) {
        return send(request("/api/v1/webhooks/" + encodePath(id)).DELETE(), WebhookInfo.class);
    }

    /** A webhook's deliveries, newest first, with every attempt; {@code pageToken} is null for the first page. */
    public WebhookDeliveryPage webhookDeliveries(String id, int maxResults, String pageToken) {
        return send(request("/api/v1/webhooks/" + encodePath(id) + "/deliveries?max_results=" + maxResults
                + (pageToken == null ? "" : "&page_token=" + encodeQuery(pageToken))).GET(), WebhookDeliveryPage.class);
    }

    /** Queues a {@code webhook.ping} event to this webhook; answers the queued delivery. */
    public WebhookDeliveryInfo pingWebhook(String id) {
        return send(request("/api/v1/webhooks/" + encodePath(id) + "/ping").POST(HttpRequest.BodyPublishers.noBody()),
                WebhookDeliveryInfo.class);
    }

    /** Sends a JSON request to any path of the API and returns the JSON answer. */
    public JsonNode call(String method, String path, Object body) {
        HttpRequest.Builder builder = body == null ? request(path).method(method, HttpRequest.BodyPublishers.noBody())
                : jsonRequest(path, method, body);
        return send(builder, JsonNode.class);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(baseUrl.resolve(path))
                .timeout(Duration.ofMinutes(5))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json");
    }

    private HttpRequest.Builder jsonRequest(String path, String method, Object body) {
        try {
            return request(path).header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body)));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode the request body as JSON", e);
        }
    }

    private <T> T send(HttpRequest.Builder builder, Class<T> type) {
        HttpResponse<byte[]> response = exchange(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() >= 400) {
            throw error(response.statusCode(), response.body());
        }
        try {
            return mapper.readValue(response.body(), type);
        } catch (IOException e) {
            throw new StewardClientException(response.statusCode(), "MALFORMED_RESPONSE",
                    "the server's answer is not the expected JSON: " + e.getMessage(), null, e);
        }
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (ConnectException e) {
            throw new StewardClientException(0, "UNREACHABLE", "cannot reach Steward at " + baseUrl
                    + ": is the server running? (start it with: steward server)", null, e);
        } catch (IOException e) {
            throw new StewardClientException(0, "UNREACHABLE", "request to " + request.uri() + " failed: " + e, null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StewardClientException(0, "INTERRUPTED", "interrupted while calling " + request.uri(), null, e);
        }
    }

    private StewardClientException error(int status, byte[] body) {
        try {
            JsonNode node = mapper.readTree(body);
            if (node instanceof ObjectNode && node.has("error_code")) {
                return new StewardClientException(status, node.path("error_code").asText(), node.path("message").asText(),
                        node.hasNonNull("field") ? node.get("field").asText() : null, null);
            }
        } catch (IOException ignored) {
            // Not JSON (a proxy's page, say): report the status and the start of the text below.
        }
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
        return new StewardClientException(status, "HTTP_" + status, "HTTP " + status + ": "
                + (text.length() > 200 ? text.substring(0, 200) + "..." : text), null, null);
    }

    private <T> T convert(JsonNode node, TypeReference<T> type) {
        return mapper.convertValue(node, type);
    }

    private static String encodeQuery(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String encodePath(String segment) {
        return java.net.URLEncoder.encode(segment, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public void close() {
        // java.net.http.HttpClient has close() only from Java 21; its threads end with the JVM.
    }
}
