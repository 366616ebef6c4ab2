package dev.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.client.MetricPoint;
import dev.steward.client.Run;
import dev.steward.client.RunDetails;
import dev.steward.client.RunPage;
import dev.steward.client.RunSearch;
import dev.steward.client.StewardClient;
import dev.steward.server.Steward;
import dev.steward.server.StewardServer;
import dev.steward.server.config.ConfigLoader;
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

    static StewardServer server;
    static String url;
    static StewardClient client;

    @BeforeAll
    static void start() {
        server = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0"))));
        url = server.uri().toString();
        client = StewardClient.create(server.uri(), server.createdAdminToken().orElseThrow());
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
                .header("Authorization", "Bearer " + server.createdAdminToken().orElseThrow()).build(), HttpResponse.BodyHandlers.ofInputStream());
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
        Cli created = Cli.run("--home", home.toString(), "experiments", "create", "cli-exp", "--url", url);
        assertThat(created.status()).as(created.err()).isZero();
        String experiment = created.out().split(" ")[2];
        String first = run(experiment, "first", 0.7);
        String second = run(experiment, "second", 0.9);

        assertThat(Cli.run("--home", home.toString(), "experiments", "list", "--url", url).out()).contains("cli-exp", "Default");
        Cli listed = Cli.run("--home", home.toString(), "runs", "list", "-e", experiment, "--filter", "metrics.acc > 0.8", "--url", url);
        assertThat(listed.status()).as(listed.err()).isZero();
        assertThat(listed.out()).contains("second").doesNotContain("first").contains("metrics.acc");

        Cli json = Cli.run("--home", home.toString(), "runs", "list", "-e", experiment, "--json", "--url", url);
        assertThat(json.out()).contains("\"runs\"", first, second);

        Cli shown = Cli.run("--home", home.toString(), "runs", "show", first, "--url", url);
        assertThat(shown.out()).contains("params.model", "forest", "metrics.acc", "0.7");

        Cli compared = Cli.run("--home", home.toString(), "runs", "compare", first, second, "--url", url);
        assertThat(compared.out()).contains("KEY", "first", "second", "metrics.acc", "0.7", "0.9");

        Cli bad = Cli.run("--home", home.toString(), "runs", "list", "--filter", "metrics.acc >>> 1", "--url", url);
        assertThat(bad.status()).isEqualTo(Main.FAILED);
        assertThat(bad.err()).contains("position");

        Cli deleted = Cli.run("--home", home.toString(), "experiments", "delete", experiment, "--url", url);
        assertThat(deleted.status()).isZero();
    }

    @Test
    void stewardRunTracksAnyCommandWithItsOutputAndExitStatus() {
        Cli ok = Cli.run("--home", home.toString(), "run", "--url", url, "-e", "shell", "--name", "echo", "--",
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

        Cli failed = Cli.run("--home", home.toString(), "run", "--url", url, "-e", "shell", "--", "sh", "-c", "exit 3");
        assertThat(failed.status()).isEqualTo(3);
        RunPage page = client.searchRuns(RunSearch.in(client.experimentNamed("shell").id()).filter("tags.`steward.exit_code` = '3'"));
        assertThat(page.runs()).extracting(RunDetails::status).containsExactly("FAILED");

        Cli missing = Cli.run("--home", home.toString(), "run", "--url", url, "--", "/no/such/program");
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
                    .header("Authorization", "Bearer " + server.createdAdminToken().orElseThrow()).build(), HttpResponse.BodyHandlers.ofString());
            return response.body();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
