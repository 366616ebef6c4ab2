package dev.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.client.RunDetails;
import dev.steward.client.RunSearch;
import dev.steward.client.StewardClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code steward quickstart --no-serve} on a fresh home, then every artefact it says it made, read
 * back through the API of a server started on that home afterwards; a second quickstart that reuses
 * them all; and the situations in which it must refuse to start, each with a message saying what to
 * do and the store left as it was.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QuickstartCommandTest {
    @TempDir
    static Path home;

    @TempDir
    static Path elsewhere;

    static Cli first;

    @BeforeAll
    static void walk() {
        first = Cli.run("--home", home.toString(), "quickstart", "--no-serve", "--port", "0");
        // Kept in the test's report: the walk's timings as this machine ran it.
        System.out.println(first.out());
        assertThat(first.status()).as(first.out() + first.err()).isZero();
    }

    @Test
    @Order(1)
    void eachStepPrintsOneLineWithItsResultAndTimeAndTheEndSaysWhereEverythingIs() {
        List<String> steps = first.out().lines().filter(l -> l.matches("^\\[\\s*\\d+/11] (✓|ok) .*\\(\\d+\\.\\d s\\)$")).toList();
        assertThat(steps).as(first.out()).hasSize(11);
        assertThat(first.out()).contains("Done in ", "/ui/", home.resolve("admin.token").toString(), "/v2/models/penguins-api/infer",
                "/deployments/penguins-api/invocations", "MLFLOW_TRACKING_URI=", "MLFLOW_TRACKING_TOKEN=",
                "predict --model models:/penguins@production", "Stopped the server (--no-serve)");
        assertThat(first.out()).contains("CRITERION", "f1_macro >= 0.9 on penguins@2", "p50 single-row latency");
        assertThat(first.err()).isEmpty();
        assertThat(home.resolve("quickstart.log")).isNotEmptyFile();
    }

    @Test
    @Order(2)
    void everyArtefactTheWalkClaimsIsInTheStore() throws IOException {
        try (TestServer server = TestServer.start(home); StewardClient client = client(server)) {
            JsonNode dataset = client.getDataset("penguins");
            assertThat(dataset.get("versions")).extracting(v -> v.get("row_count").asLong()).containsExactly(276L, 68L);
            for (String version : List.of("1", "2")) {
                JsonNode report = client.validationReports("penguins", version).at("/reports/0");
                assertThat(report.get("suite").asText()).isEqualTo("penguins-quality");
                assertThat(report.get("passed").asBoolean()).isTrue();
                assertThat(report.get("checks")).hasSize(9);
            }

            JsonNode sweep = sweeps(client).get(0);
            assertThat(sweep.get("status").asText()).isEqualTo("succeeded");
            List<JsonNode> trials = children(client, sweep.get("id").asText());
            assertThat(trials).hasSize(6).allSatisfy(t -> assertThat(t.get("status").asText()).isEqualTo("succeeded"));
            RunDetails sweepRun = client.getRun(sweep.get("run_id").asText());
            String best = sweepRun.tags().get("steward.sweep.best_run_id");
            assertThat(best).isNotBlank();
            assertThat(sweepRun.metrics()).containsKey("best_f1_macro");

            String experiment = client.experimentNamed("quickstart-penguins").id();
            List<RunDetails> evaluations = client.searchRuns(RunSearch.in(experiment).filter("tags.`steward.evaluation.model_run_id` = '"
                    + best + "'")).runs();
            assertThat(evaluations).hasSize(1);
            assertThat(evaluations.get(0).tags()).containsEntry("steward.evaluation.dataset", "penguins@2");
            assertThat(evaluations.get(0).metrics().get("f1_macro")).isGreaterThanOrEqualTo(0.9);

            JsonNode versions = client.listModelVersions("penguins").get("versions");
            assertThat(versions).hasSize(2);
            assertThat(versions).extracting(v -> v.get("status").asText()).containsOnly("ready");
            assertThat(StreamSupport.stream(versions.spliterator(), false).map(v -> v.get("run_id").asText())).contains(best);

            JsonNode policy = client.getPromotionPolicy("penguins", "production");
            assertThat(policy.get("revision").asInt()).isEqualTo(1);
            assertThat(policy.get("definition").asText()).contains("f1_macro >= 0.9 on penguins@2", "data_validated", "latency");
            JsonNode reports = client.call("GET", "/api/v1/models/penguins/versions/1/reports", null);
            assertThat(reports.toString()).contains("\"promoted\":true");
            JsonNode environments = client.call("GET", "/api/v1/models/penguins/environments", null);
            assertThat(environments.at("/history").size()).isGreaterThanOrEqualTo(2);

            JsonNode revisions = client.deploymentHistory("penguins-api").get("revisions");
            List<String> changes = new ArrayList<>();
            revisions.forEach(r -> changes.add(r.get("change").asText()));
            assertThat(changes.subList(0, 2)).containsExactly("create", "update");
            assertThat(changes.get(changes.size() - 1)).isIn("canary-promote", "canary-rollback");
            String outcome = changes.get(changes.size() - 1);
            int holder = environments.at("/holders/production").asInt();
            assertThat(holder).as("production follows the canary's verdict").isEqualTo(outcome.equals("canary-promote") ? 2 : 1);

            JsonNode feedback = client.feedbackFigures("penguins-api");
            assertThat(feedback.get("labelled").asLong()).isGreaterThanOrEqualTo(QuickstartScenario.LIVE_REQUESTS);
            assertThat(feedback.get("accuracy").asDouble()).isGreaterThan(0.9);

            JsonNode windows = client.monitorWindows("penguins-api", null, 100).get("windows");
            assertThat(windows.size()).isGreaterThanOrEqualTo(4);
            JsonNode alerts = client.alerts("penguins-api", null, 100).get("alerts");
            assertThat(alerts).extracting(a -> a.get("rule").asText()).contains("drift");
            Matcher shown = Pattern.compile("window (\\d+): (\\d+) of 6 features drifted").matcher(first.out());
            assertThat(shown.find()).as(first.out()).isTrue();
            long drifted = Long.parseLong(shown.group(1));
            JsonNode window = StreamSupport.stream(windows.spliterator(), false).filter(w -> w.get("window").asLong() == drifted).findFirst()
                    .orElseThrow();
            assertThat(window.get("drifted_features").asInt()).isEqualTo(Integer.parseInt(shown.group(2))).isGreaterThanOrEqualTo(2);
            // The newest alert is the drifted window's (whether a calm window ever raised one is the monitor's statistics, not the walk's).
            JsonNode alert = alerts.get(0);
            assertThat(alert.get("rule").asText()).isEqualTo("drift");
            assertThat(alert.get("state").asText()).isEqualTo("firing");
            // Raised by the first window holding enough drifted requests: the one shown, or the one before it (which may
            // have mixed calm and drifted requests); a firing alert's last window stays the one that fired it.
            assertThat(alert.get("first_window").asLong()).isBetween(drifted - 1, drifted);

            assertThat(client.verifyAudit().intact()).isTrue();
        }
    }

    @Test
    @Order(3)
    void aSecondQuickstartReusesWhatTheFirstMade() throws IOException {
        Counts before = counts();
        Cli second = Cli.run("--home", home.toString(), "quickstart", "--no-serve", "--port", "0");
        System.out.println(second.out());
        assertThat(second.status()).as(second.out() + second.err()).isZero();
        assertThat(second.out()).contains("already imported", "an earlier quickstart's sweep", "from an earlier quickstart", "already registered",
                "unchanged since an earlier quickstart", "already holds production", "already deployed", "already watching",
                "already sent by an earlier quickstart", "decided by an earlier quickstart", "raised by an earlier quickstart", "intact");
        assertThat(counts()).isEqualTo(before);
    }

    @Test
    @Order(4)
    void aTakenPortIsRefusedSuggestingAnotherAndNothingStarts() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Cli refused = Cli.run("--home", elsewhere.resolve("fresh").toString(), "quickstart", "--no-serve", "--port",
                    Integer.toString(taken.getLocalPort()));
            assertThat(refused.status()).isEqualTo(Main.FAILED);
            assertThat(refused.err()).contains("port " + taken.getLocalPort(), "already in use", "--port").doesNotContain("Exception");
            assertThat(elsewhere.resolve("fresh").resolve("steward.db")).doesNotExist();
        }
    }

    @Test
    @Order(5)
    void aHomeThatCannotBeWrittenIsRefusedNamingIt() throws IOException {
        Path file = Files.writeString(elsewhere.resolve("not-a-directory"), "x");
        Cli refused = Cli.run("--home", file.resolve("home").toString(), "quickstart", "--no-serve", "--port", "0");
        assertThat(refused.status()).isEqualTo(Main.FAILED);
        assertThat(refused.err()).contains("cannot write to the home directory", file.resolve("home").toString(), "--home")
                .doesNotContain("Exception");
    }

    @Test
    @Order(6)
    void aQuickstartOnAHomeInUseSaysWhoHoldsItAndChangesNothing() throws IOException {
        Counts before = counts();
        try (TestServer running = TestServer.start(home)) {
            Cli refused = Cli.run("--home", home.toString(), "quickstart", "--no-serve", "--port", "0");
            assertThat(refused.status()).isEqualTo(Main.FAILED);
            assertThat(refused.err()).contains("already running on", "pid " + ProcessHandle.current().pid(), running.url(), "--home")
                    .doesNotContain("Exception");
        }
        assertThat(counts()).isEqualTo(before);
    }

    /** What a second walk must not duplicate. */
    record Counts(int datasetVersions, int jobs, int modelVersions, int deploymentRevisions, int alerts) {}

    private static Counts counts() throws IOException {
        try (TestServer server = TestServer.start(home); StewardClient client = client(server)) {
            return new Counts(client.getDataset("penguins").get("versions").size(),
                    client.call("GET", "/api/v1/jobs?max_results=1000", null).get("jobs").size(),
                    client.listModelVersions("penguins").get("versions").size(),
                    client.deploymentHistory("penguins-api").get("revisions").size(),
                    client.alerts("penguins-api", null, 100).get("alerts").size());
        }
    }

    private static StewardClient client(TestServer server) throws IOException {
        return StewardClient.create(URI.create(server.url()), Files.readString(home.resolve("admin.token")).trim());
    }

    private static List<JsonNode> sweeps(StewardClient client) {
        List<JsonNode> sweeps = new ArrayList<>();
        client.call("GET", "/api/v1/jobs?max_results=1000", null).get("jobs").forEach(j -> {
            if (j.get("kind").asText().equals("sweep")) {
                sweeps.add(j);
            }
        });
        assertThat(sweeps).hasSize(1);
        return sweeps;
    }

    private static List<JsonNode> children(StewardClient client, String parent) {
        List<JsonNode> children = new ArrayList<>();
        client.call("GET", "/api/v1/jobs?max_results=1000&parent_id=" + parent, null).get("jobs").forEach(children::add);
        return children;
    }
}
