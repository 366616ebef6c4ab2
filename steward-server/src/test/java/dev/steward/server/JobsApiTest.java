package dev.steward.server;

import static dev.steward.server.StewardServerTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.server.config.ConfigLoader;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job queue over HTTP with real processes: commands as tracked runs with the MLflow
 * environment, guardrails, cancellation, priorities against a sweep, the best trial of a sweep,
 * bad specs, and interruption by a restart. One worker, so that the order of starts is defined.
 */
class JobsApiTest {
    /** Logs a metric into the job's run through MLflow's REST API, as an MLflow client would. */
    private static final String LOG_METRIC = "import json, os, sys, time, urllib.request\n"
            + "body = json.dumps({'run_id': os.environ['MLFLOW_RUN_ID'], 'key': sys.argv[1], 'value': float(sys.argv[2]),"
            + " 'timestamp': int(time.time() * 1000), 'step': 0}).encode()\n"
            + "request = urllib.request.Request(os.environ['MLFLOW_TRACKING_URI'] + '/api/2.0/mlflow/runs/log-metric', data=body,"
            + " headers={'Authorization': 'Bearer ' + os.environ['MLFLOW_TRACKING_TOKEN'], 'Content-Type': 'application/json'})\n"
            + "urllib.request.urlopen(request).read()\n";
    /**
     * Logs loss = 1 + growth × step for steps 0..9, a fifth of a second apart: a converging or a
     * diverging curve. A diverging one slows down after step 3, so that the guardrail has seconds
     * to stop it before its last step even on a loaded machine.
     */
    private static final String LOG_CURVE = "import json, os, sys, time, urllib.request\n"
            + "for step in range(10):\n"
            + "    body = json.dumps({'run_id': os.environ['MLFLOW_RUN_ID'], 'key': 'loss', 'value': 1 + float(sys.argv[1]) * step,"
            + " 'timestamp': int(time.time() * 1000), 'step': step}).encode()\n"
            + "    request = urllib.request.Request(os.environ['MLFLOW_TRACKING_URI'] + '/api/2.0/mlflow/runs/log-metric', data=body,"
            + " headers={'Authorization': 'Bearer ' + os.environ['MLFLOW_TRACKING_TOKEN'], 'Content-Type': 'application/json'})\n"
            + "    urllib.request.urlopen(request).read()\n"
            + "    time.sleep(0.2 if step < 3 or float(sys.argv[1]) <= 0 else 1)\n";

    @TempDir
    static Path home;

    @TempDir
    static Path scripts;

    static StewardServer server;
    static HttpTestClient http;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(scripts.resolve("log_metric.py"), LOG_METRIC);
        Files.writeString(scripts.resolve("log_curve.py"), LOG_CURVE);
        server = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0", "jobs.concurrency", "1"))));
        http = new HttpTestClient(server.uri());
        admin = server.createdAdminToken().orElseThrow();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aCommandRunsAsATrackedRunWithTheMlflowEnvironmentAndItsOutputKept() {
        String command = "echo hello from $STEWARD_JOB_ID; /usr/bin/python3 " + scripts.resolve("log_metric.py") + " accuracy 0.93";
        JsonNode job = submit("command", 0, "{\"command\": \"" + command + "\", \"experiment\": \"jobs-test\", \"params\": {\"lr\": 0.1}}");
        JsonNode done = awaitStatus(job.get("id").asText(), s -> !s.equals("queued") && !s.equals("running"));

        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("succeeded");
        JsonNode run = json(http.get("/api/2.0/mlflow/runs/get?run_id=" + done.get("run_id").asText(), admin)).get("run");
        assertThat(run.at("/info/status").asText()).isEqualTo("FINISHED");
        assertThat(run.at("/data/metrics/0/key").asText()).isEqualTo("accuracy");
        assertThat(run.at("/data/metrics/0/value").asDouble()).isEqualTo(0.93);
        assertThat(run.at("/data/params/0/key").asText()).isEqualTo("lr");
        assertThat(run.at("/data/tags").toString()).contains("steward.job.id", job.get("id").asText());
        JsonNode log = json(http.get("/api/v1/jobs/" + job.get("id").asText() + "/logs", admin));
        assertThat(log.get("text").asText()).contains("hello from " + job.get("id").asText(), "exit status 0");
        assertThat(log.get("finished").asBoolean()).isTrue();
        JsonNode artifacts = json(http.get("/api/2.0/mlflow/artifacts/list?run_id=" + done.get("run_id").asText(), admin));
        assertThat(artifacts.toString()).contains("job.log");
        JsonNode tokens = json(http.get("/api/v1/tokens", admin)).get("tokens");
        assertThat(tokens).filteredOn(t -> t.get("name").asText().equals("job " + job.get("id").asText()))
                .as("the job's own token is revoked when it ends").singleElement()
                .satisfies(t -> assertThat(t.get("active").asBoolean()).isFalse());
    }

    @Test
    void aFailingCommandFailsItsJobAndRun() {
        JsonNode done = awaitStatus(submit("command", 0, "{\"command\": \"echo broken >&2; exit 3\"}").get("id").asText(), JobsApiTest::ended);

        assertThat(done.get("status").asText()).isEqualTo("failed");
        assertThat(done.get("message").asText()).isEqualTo("the command exited with status 3");
        assertThat(json(http.get("/api/2.0/mlflow/runs/get?run_id=" + done.get("run_id").asText(), admin)).at("/run/info/status").asText())
                .isEqualTo("FAILED");
        assertThat(json(http.get("/api/v1/jobs/" + done.get("id").asText() + "/logs", admin)).get("text").asText()).contains("broken");
    }

    @Test
    void aCommandOverItsTimeLimitIsStoppedMarkedAndAudited() {
        JsonNode job = submit("command", 0, "{\"command\": \"sleep 30\", \"guardrails\": {\"max_wall_time_seconds\": 1}}");
        JsonNode done = awaitStatus(job.get("id").asText(), JobsApiTest::ended);

        assertThat(done.get("status").asText()).isEqualTo("failed");
        assertThat(done.get("message").asText()).contains("max_wall_time_seconds guardrail");
        JsonNode run = json(http.get("/api/2.0/mlflow/runs/get?run_id=" + done.get("run_id").asText(), admin)).get("run");
        assertThat(run.at("/data/tags").toString()).contains("steward.guardrail", "max_wall_time_seconds");
        JsonNode events = json(http.get("/api/v1/audit?action=job.guardrail&object_id=" + job.get("id").asText(), admin)).get("events");
        assertThat(events).hasSize(1);
        assertThat(Duration.between(Instant.parse(done.get("started_at").asText()), Instant.parse(done.get("ended_at").asText())))
                .isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void cancellingARunningJobStopsItsWholeProcessTree() throws Exception {
        for (int trial = 0; trial < 5; trial++) {
            Path marker = scripts.resolve("cancelled-marker");
            Path session = scripts.resolve("session-" + trial);
            JsonNode job = submit("command", 0, "{\"command\": \"echo $$ > " + session + "; sleep 30; touch " + marker + "\"}");
            String id = job.get("id").asText();
            awaitStatus(id, s -> s.equals("running"));
            poll(() -> json(http.get("/api/v1/jobs/" + id + "/logs", admin)), l -> Files.exists(session));

            HttpResponse<String> cancelled = http.post("/api/v1/jobs/" + id + "/cancel", admin, "{\"reason\": \"wrong data\"}");
            assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
            JsonNode done = awaitStatus(id, JobsApiTest::ended);

            assertThat(done.get("status").asText()).isEqualTo("cancelled");
            assertThat(done.get("message").asText()).isEqualTo("wrong data");
            assertThat(json(http.get("/api/2.0/mlflow/runs/get?run_id=" + done.get("run_id").asText(), admin)).at("/run/info/status").asText())
                    .isEqualTo("KILLED");
            // The job ends only once its processes are gone, so nothing of it can run now.
            long sessionId = Long.parseLong(Files.readString(session).trim());
            assertThat(dev.steward.core.jobs.ProcessGroup.sessionMembers(sessionId).map(ProcessHandle::pid)).as("trial " + trial).isEmpty();
            assertThat(marker).doesNotExist();
            assertThat(http.post("/api/v1/jobs/" + id + "/cancel", admin, "{}").statusCode()).isEqualTo(409);
        }
    }

    @Test
    void anUrgentJobStartsBeforeTheNextTrialOfARunningSweepAndTheBestTrialIsChosen() throws Exception {
        // Each trial waits for the gate, so the first one is still running when the urgent job is queued.
        Path gate = scripts.resolve("sweep-gate");
        String trial = "while [ ! -f " + gate + " ]; do sleep 0.05; done; /usr/bin/python3 " + scripts.resolve("log_metric.py") + " score {x}";
        JsonNode sweep = submit("sweep", -5, "{\"command\": \"" + trial + "\", \"grid\": {\"x\": [1, 3, 2]},"
                + " \"metric\": {\"name\": \"score\", \"goal\": \"maximize\"}}");
        String sweepId = sweep.get("id").asText();
        awaitTrials(sweepId, trials -> trials.size() == 3 && trials.findValuesAsText("status").contains("running"));

        JsonNode urgent = submit("command", 10, "{\"command\": \"true\"}");
        Files.createFile(gate);
        JsonNode done = awaitStatus(sweepId, JobsApiTest::ended);

        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("succeeded");
        JsonNode trials = json(http.get("/api/v1/jobs?parent_id=" + sweepId, admin)).get("jobs");
        Instant urgentStart = Instant.parse(json(http.get("/api/v1/jobs/" + urgent.get("id").asText(), admin)).get("started_at").asText());
        long trialsStartedAfterUrgent = 0;
        for (JsonNode t : trials) {
            assertThat(t.get("status").asText()).isEqualTo("succeeded");
            if (Instant.parse(t.get("started_at").asText()).isAfter(urgentStart)) {
                trialsStartedAfterUrgent++;
            }
        }
        assertThat(trialsStartedAfterUrgent).as("the urgent job ran between two trials").isEqualTo(2);
        JsonNode run = json(http.get("/api/2.0/mlflow/runs/get?run_id=" + done.get("run_id").asText(), admin)).get("run");
        assertThat(run.at("/data/metrics/0/key").asText()).isEqualTo("best_score");
        assertThat(run.at("/data/metrics/0/value").asDouble()).isEqualTo(3.0);
        assertThat(run.at("/data/tags").toString()).contains("steward.sweep.best.x");
        assertThat(json(http.get("/api/2.0/mlflow/artifacts/list?run_id=" + done.get("run_id").asText(), admin)).toString())
                .contains("sweep_summary.json");
    }

    @Test
    void aDivergingCommandTrialIsStoppedByTheMetricGuardrailWhileItRuns() {
        String trial = "/usr/bin/python3 " + scripts.resolve("log_curve.py") + " {growth}";
        JsonNode sweep = submit("sweep", 0, "{\"command\": \"" + trial + "\", \"grid\": {\"growth\": [-0.05, 1]},"
                + " \"metric\": {\"name\": \"loss\", \"goal\": \"minimize\"},"
                + " \"guardrails\": {\"trial_metric\": {\"name\": \"loss\", \"max\": 3, \"after_step\": 1}}}");
        JsonNode done = awaitStatus(sweep.get("id").asText(), JobsApiTest::ended);

        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("succeeded");
        JsonNode trials = json(http.get("/api/v1/jobs?parent_id=" + sweep.get("id").asText(), admin)).get("jobs");
        for (JsonNode t : trials) {
            boolean diverging = t.at("/spec/command").asText().endsWith(" 1");
            assertThat(t.get("status").asText()).as(t.toString()).isEqualTo(diverging ? "failed" : "succeeded");
            if (diverging) {
                assertThat(t.get("message").asText()).contains("metric guardrail", "above the limit 3.0");
                JsonNode run = json(http.get("/api/2.0/mlflow/runs/get?run_id=" + t.get("run_id").asText(), admin)).get("run");
                assertThat(run.at("/data/tags").toString()).contains("steward.guardrail", "metric");
                assertThat(run.at("/data/metrics/0/step").asInt()).as("stopped well before its last step").isLessThan(9);
            }
        }
    }

    @Test
    void badSpecsAreRefusedWithTheFieldAndNothingIsQueued() {
        int before = json(http.get("/api/v1/jobs?max_results=1000", admin)).get("jobs").size();
        assertError(http.post("/api/v1/jobs", admin, "{\"kind\": \"spaceship\", \"spec\": {}}"), "kind", "unknown job kind");
        assertError(http.post("/api/v1/jobs", admin, "{\"kind\": \"command\", \"spec\": {}}"), "command", "is required");
        assertError(http.post("/api/v1/jobs", admin, "{\"kind\": \"command\", \"spec\": {\"command\": \"true\", \"comand\": 1}}"), "comand",
                "unknown key");
        assertError(http.post("/api/v1/jobs", admin, "{\"kind\": \"command\", \"spec\": {\"command\": \"true\", \"guardrails\":"
                + " {\"max_wall_time_seconds\": 0}}}"), "guardrails.max_wall_time_seconds", "from 1 to");
        assertError(http.post("/api/v1/jobs", admin, "{\"kind\": \"sweep\", \"spec\": {\"command\": \"run {lr}\", \"grid\": {\"depth\": [1]},"
                + " \"metric\": {\"name\": \"m\"}}}"), "command", "placeholder {lr}");
        assertError(http.post("/api/v1/jobs", admin, "{\"kind\": \"sweep\", \"spec\": {\"command\": \"run {a} {b}\", \"grid\": {\"a\": [1, 2, 3],"
                + " \"b\": [1, 2]}, \"metric\": {\"name\": \"m\"}, \"guardrails\": {\"max_trials\": 4}}}"), "grid", "6 combinations");
        assertError(http.post("/api/v1/jobs", admin, "{\"kind\": \"command\", \"priority\": 5000, \"spec\": {\"command\": \"true\"}}"), "priority",
                "between");
        assertThat(json(http.get("/api/v1/jobs?max_results=1000", admin)).get("jobs")).hasSize(before);

        String viewer = json(http.post("/api/v1/tokens", admin, "{\"name\": \"v\", \"role\": \"viewer\"}")).get("secret").asText();
        assertThat(http.post("/api/v1/jobs", viewer, "{\"kind\": \"command\", \"spec\": {\"command\": \"true\"}}").statusCode()).isEqualTo(403);
    }

    @Test
    void aJobRunningWhenTheServerStopsIsInterruptedAndCanBeRetried(@TempDir Path otherHome) {
        StewardServer first = StewardServer.start(Steward.open(ConfigLoader.load(otherHome, Map.of(), Map.of("server.port", "0"))));
        String token = first.createdAdminToken().orElseThrow();
        HttpTestClient client = new HttpTestClient(first.uri());
        JsonNode job = json(client.post("/api/v1/jobs", token, "{\"kind\": \"command\", \"spec\": {\"command\": \"sleep 30\"}}"));
        String id = job.get("id").asText();
        poll(() -> json(client.get("/api/v1/jobs/" + id, token)), j -> j.get("status").asText().equals("running"));
        first.close();

        StewardServer second = StewardServer.start(Steward.open(ConfigLoader.load(otherHome, Map.of(), Map.of("server.port", "0"))));
        try {
            HttpTestClient again = new HttpTestClient(second.uri());
            JsonNode interrupted = json(again.get("/api/v1/jobs/" + id, token));
            assertThat(interrupted.get("status").asText()).isEqualTo("interrupted");
            assertThat(interrupted.get("message").asText()).contains("retry it");
            HttpResponse<String> retried = again.post("/api/v1/jobs/" + id + "/retry", token, "{}");
            assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
            JsonNode running = poll(() -> json(again.get("/api/v1/jobs/" + id, token)), j -> j.get("status").asText().equals("running"));
            assertThat(running.get("attempt").asInt()).isEqualTo(2);
            assertThat(running.get("run_id").asText()).isNotEqualTo(interrupted.get("run_id").asText());
            again.post("/api/v1/jobs/" + id + "/cancel", token, "{}");
        } finally {
            second.close();
        }
    }

    private static boolean ended(String status) {
        return !status.equals("queued") && !status.equals("running");
    }

    private static void assertError(HttpResponse<String> response, String field, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(json(response).get("field").asText()).isEqualTo(field);
        assertThat(json(response).get("message").asText()).contains(message);
    }

    private static JsonNode submit(String kind, int priority, String spec) {
        HttpResponse<String> response = http.post("/api/v1/jobs", admin, "{\"kind\": \"" + kind + "\", \"priority\": " + priority + ", \"spec\": "
                + spec + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json(response);
    }

    private static JsonNode awaitStatus(String id, Predicate<String> wanted) {
        return poll(() -> json(http.get("/api/v1/jobs/" + id, admin)), job -> wanted.test(job.get("status").asText()));
    }

    private static void awaitTrials(String sweepId, Predicate<JsonNode> wanted) {
        poll(() -> json(http.get("/api/v1/jobs?parent_id=" + sweepId, admin)).get("jobs"), wanted);
    }

    private static JsonNode poll(java.util.function.Supplier<JsonNode> read, Predicate<JsonNode> wanted) {
        return JobsHttp.poll(read, wanted);
    }
}
