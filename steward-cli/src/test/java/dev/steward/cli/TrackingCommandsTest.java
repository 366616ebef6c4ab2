package dev.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.client.MetricPoint;
import dev.steward.client.Run;
import dev.steward.client.RunDetails;
import dev.steward.client.RunPage;
import dev.steward.client.RunSearch;
import dev.steward.client.StewardClient;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java client's Run handle and the tracking commands, against a real server. */
class TrackingCommandsTest {
    @TempDir
    static Path home;

    static TestServer server;
    static String url;
    static StewardClient client;

    @BeforeAll
    static void start() {
        server = TestServer.start(home);
        url = server.url();
        client = StewardClient.create(server.server().uri(), server.adminToken());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aRunHandleBuffersLogsArtifactsAndFinishesOnClose(@TempDir Path files) throws Exception {
        String experiment = client.experimentNamed("client-handle").id();
        Path report = Files.writeString(files.resolve("report.txt"), "all good");
        String runId;
        try (Run run = client.startRun(experiment, "handle")) {
            runId = run.id();
            run.logParam("max_depth", 7).logParams(Map.of("lr", 0.1));
            for (int step = 0; step < 2500; step++) {
                run.logMetric("loss", 1.0 / (step + 1), step);
            }
            run.setTag("stage", "test");
            run.logArtifact(report, "reports");
        }

        RunDetails run = client.getRun(runId);
        assertThat(run.status()).isEqualTo("FINISHED");
        assertThat(run.sealDigest()).isPresent();
        assertThat(run.params()).containsEntry("max_depth", "7").containsEntry("lr", "0.1");
        assertThat(run.tags()).containsEntry("stage", "test").containsKeys("mlflow.user", "mlflow.source.type", "steward.jvm",
                "mlflow.source.git.commit");
        assertThat(client.metricHistory(runId, "loss")).hasSize(2500).extracting(MetricPoint::step).startsWith(0L, 1L);
        HttpResponse<InputStream> artifact = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url
                        + "/api/2.0/mlflow-artifacts/artifacts/" + experiment + "/" + runId + "/artifacts/reports/report.txt"))
                .header("Authorization", "Bearer " + server.adminToken()).build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = artifact.body()) {
            assertThat(new String(body.readAllBytes())).isEqualTo("all good");
        }
    }

    @Test
    void aRunMarkedFailedEndsFailed() {
        String experiment = client.experimentNamed("client-failed").id();
        String runId;
        try (Run run = client.startRun(experiment, "doomed")) {
            runId = run.id();
            run.markFailed();
        }
        assertThat(client.getRun(runId).status()).isEqualTo("FAILED");
    }

    @Test
    void experimentsAndRunsCommandsListShowAndCompare() {
        Cli created = server.cli("experiments", "create", "cli-exp");
        assertThat(created.status()).as(created.err()).isZero();
        String experiment = created.out().split(" ")[2];
        String first = run(experiment, "first", 0.7);
        String second = run(experiment, "second", 0.9);

        assertThat(server.cli("experiments", "list").out()).contains("cli-exp", "Default");
        Cli listed = server.cli("runs", "list", "-e", experiment, "--filter", "metrics.acc > 0.8");
        assertThat(listed.status()).as(listed.err()).isZero();
        assertThat(listed.out()).contains("second").doesNotContain("first").contains("metrics.acc");

        Cli json = server.cli("runs", "list", "-e", experiment, "--json");
        assertThat(json.out()).contains("\"runs\"", first, second);

        Cli shown = server.cli("runs", "show", first);
        assertThat(shown.out()).contains("params.model", "forest", "metrics.acc", "0.7");

        Cli compared = server.cli("runs", "compare", first, second);
        assertThat(compared.out()).contains("KEY", "first", "second", "metrics.acc", "0.7", "0.9");

        Cli bad = server.cli("runs", "list", "--filter", "metrics.acc >>> 1");
        assertThat(bad.status()).isEqualTo(Main.FAILED);
        assertThat(bad.err()).contains("position");

        Cli byName = server.cli("runs", "list", "-e", "cli-exp", "--filter", "metrics.acc > 0.8");
        assertThat(byName.status()).as(byName.err()).isZero();
        assertThat(byName.out()).isEqualTo(listed.out());
        Cli unknown = server.cli("runs", "list", "-e", "no-such-experiment");
        assertThat(unknown.status()).isEqualTo(Main.FAILED);
        assertThat(unknown.err()).contains("no experiment has the id or name 'no-such-experiment'");

        Cli deleted = server.cli("experiments", "delete", "cli-exp");
        assertThat(deleted.status()).as(deleted.err()).isZero();
        assertThat(deleted.out()).contains("deleted experiment " + experiment + " (cli-exp)");
    }

    @Test
    void anExperimentNamedWithDigitsIsFoundByItsNameUnlessAnExperimentHasThatId() {
        String target = client.createExperiment("digits-target").id();
        String byNameOnly = client.createExperiment("987654321").id();
        String shadowed = client.createExperiment(target).id();
        run(target, "in-target", 0.5);
        run(byNameOnly, "in-987654321", 0.5);
        run(shadowed, "in-shadowed", 0.5);

        assertThat(server.cli("runs", "list", "-e", "987654321").out()).contains("in-987654321").doesNotContain("in-target");
        assertThat(server.cli("runs", "list", "-e", target).out()).contains("in-target").doesNotContain("in-shadowed");

        Cli ran = server.cli("run", "-e", target, "--", "true");
        assertThat(ran.status()).as(ran.err()).isZero();
        assertThat(ran.err()).contains("in experiment " + target + " (digits-target)");
    }

    @Test
    void runArtifactsAreListedAndDownloaded(@TempDir Path dir) throws Exception {
        String experiment = client.experimentNamed("artifacts").id();
        String runId;
        try (Run run = client.startRun(experiment, "with-files")) {
            runId = run.id();
            run.logArtifact(Files.writeString(dir.resolve("report.txt"), "all good"), "reports");
            run.logArtifact(Files.writeString(dir.resolve("model.bin"), "weights"));
        }

        Cli root = server.cli("runs", "artifacts", runId);
        assertThat(root.status()).as(root.err()).isZero();
        assertThat(root.out()).containsPattern("model.bin\\s+7\\n").contains("reports/");
        assertThat(server.cli("runs", "artifacts", runId, "reports").out()).containsPattern("reports/report.txt\\s+8");
        assertThat(server.cli("runs", "artifacts", runId, "reports", "--json").out()).contains("\"path\" : \"reports/report.txt\"");

        Path copy = dir.resolve("copy.txt");
        Cli downloaded = server.cli("runs", "artifacts", runId, "reports/report.txt", "-o", copy.toString());
        assertThat(downloaded.status()).as(downloaded.err()).isZero();
        assertThat(downloaded.out()).contains("wrote " + copy + " (8 bytes, reports/report.txt of run " + runId + ")");
        assertThat(Files.readString(copy)).isEqualTo("all good");

        Cli missing = server.cli("runs", "artifacts", runId, "reports/nope.txt", "-o", dir.resolve("nope.txt").toString());
        assertThat(missing.status()).isEqualTo(Main.FAILED);
        assertThat(missing.err()).contains("nope.txt").doesNotContain("at java.");
        assertThat(dir.resolve("nope.txt")).doesNotExist();
        assertThat(dir.resolve("nope.txt.part")).doesNotExist();
        Cli noPath = server.cli("runs", "artifacts", runId, "-o", dir.resolve("x").toString());
        assertThat(noPath.status()).isEqualTo(Main.FAILED);
        assertThat(noPath.err()).contains("--output needs the PATH");
    }

    @Test
    void stewardRunTracksAnyCommandWithItsOutputAndExitStatus() {
        Cli ok = server.cli("run", "-e", "shell", "--name", "echo", "--",
                "sh", "-c", "echo hello from $MLFLOW_RUN_ID; echo oops >&2");
        assertThat(ok.status()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("hello from ");
        String runId = ok.out().lines().filter(l -> l.startsWith("hello from ")).findFirst().orElseThrow().substring("hello from ".length());
        RunDetails run = client.getRun(runId);
        assertThat(run.status()).isEqualTo("FINISHED");
        assertThat(run.tags()).containsEntry("steward.exit_code", "0").containsEntry("steward.command",
                "sh -c echo hello from $MLFLOW_RUN_ID; echo oops >&2");
        assertThat(artifact(run, "logs/stdout.txt")).isEqualTo("hello from " + runId + "\n");
        assertThat(artifact(run, "logs/stderr.txt")).isEqualTo("oops\n");

        Cli failed = server.cli("run", "-e", "shell", "--", "sh", "-c", "exit 3");
        assertThat(failed.status()).isEqualTo(3);
        RunPage page = client.searchRuns(RunSearch.in(client.experimentNamed("shell").id()).filter("tags.`steward.exit_code` = '3'"));
        assertThat(page.runs()).extracting(RunDetails::status).containsExactly("FAILED");

        Cli missing = server.cli("run", "--", "/no/such/program");
        assertThat(missing.status()).isEqualTo(RunCommand.NOT_STARTED);
        assertThat(missing.err()).contains("cannot start");
    }

    private static String run(String experiment, String name, double acc) {
        RunDetails run = client.createRun(experiment, name, Map.of());
        client.logBatch(run.id(), List.of(new MetricPoint("acc", acc, 1, 0)), Map.of("model", "forest"), Map.of());
        return run.id();
    }

    private static String artifact(RunDetails run, String path) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url
                            + "/api/2.0/mlflow-artifacts/artifacts/" + run.artifactUri().substring("mlflow-artifacts:/".length()) + "/" + path))
                    .header("Authorization", "Bearer " + server.adminToken()).build(), HttpResponse.BodyHandlers.ofString());
            return response.body();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
