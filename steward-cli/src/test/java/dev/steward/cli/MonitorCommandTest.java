package dev.steward.cli;

import static dev.steward.cli.TestServer.ok;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code steward monitor} as a user drives it: create from a YAML file, list and show, windows
 * closing under real traffic, a window's report as a table and as an HTML file, a rebuild from the
 * request log, on-demand runs, alerts; bad specs refused with the field named and a non-zero exit.
 */
class MonitorCommandTest {
    @TempDir
    static Path home;

    @TempDir
    static Path files;

    static TestServer server;
    static String alice;
    static List<String> penguins;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(home);
        alice = server.token("alice", "editor");
        String bob = server.token("bob", "deployer");
        Path csv = files.resolve("penguins.csv");
        try (InputStream in = MonitorCommandTest.class.getResourceAsStream("/data/penguins.csv")) {
            Files.copy(in, csv);
        }
        penguins = Files.readAllLines(csv, StandardCharsets.UTF_8).stream().skip(1).filter(l -> {
            String[] cells = l.split(",", -1);
            return !cells[2].isEmpty() && !cells[3].isEmpty() && !cells[4].isEmpty() && !l.contains("NA");
        }).toList();
        ok(server.cli("data", "import", "penguins", csv.toString()));
        Path spec = Files.writeString(files.resolve("train.yaml"), """
                experiment: penguins
                dataset: {name: penguins, version: 1}
                target: species
                task: multiclass_classification
                seed: 1
                features: [beak_length_mm, beak_depth_mm, flipper_length_mm]
                preprocessing:
                  - {step: impute, columns: [beak_length_mm, beak_depth_mm, flipper_length_mm], strategy: median}
                algorithm: {name: random_forest, hyperparameters: {n_trees: 10}}
                """);
        Cli train = ok(server.cli("train", spec.toString(), "--wait"));
        Matcher run = Pattern.compile("\\(run (\\w+)\\)").matcher(train.out());
        assertThat(run.find()).as(train.out()).isTrue();
        ok(server.as(alice, "models", "register", "penguins", "--run", run.group(1)));
        ok(server.as(bob, "models", "promote", "penguins", "--version", "1", "--to", "production"));
        ok(server.as(bob, "deploy", "create", "penguins-api", "--model", "models:/penguins@production"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aMonitorIsCreatedFromAFileWatchesTrafficAndReportsItsWindows() throws Exception {
        Path spec = Files.writeString(files.resolve("monitor.yaml"), """
                window: {requests: 40, min-rows: 20}
                multivariate: {sample: 100, permutations: 50}
                alerts:
                  - {name: drift, when: "drifted_features >= 1"}
                """);
        Cli created = ok(server.as(alice, "monitor", "create", "penguins-api", spec.toString()));
        assertThat(created.out()).contains("created the monitor of penguins-api", "reference penguins@1", "window: 40 rows",
                "beak_length_mm");
        assertThat(ok(server.as(alice, "monitor", "list")).out()).contains("penguins-api", "penguins@1", "watching");

        predict(penguins.subList(0, 80));
        Cli windows = server.await(c -> c.status() == 0 && c.out().lines().filter(l -> l.matches("^\\s*[01]\\s.*")).count() == 2, "monitor",
                "windows", "penguins-api", "--token", alice);
        assertThat(windows.out()).contains("40 rows, evaluated");

        Path html = files.resolve("window-1.html");
        Cli report = ok(server.as(alice, "monitor", "report", "penguins-api", "--html", html.toString()));
        assertThat(report.out()).contains("penguins-api window 1", "FEATURE", "flipper_length_mm", "drifted features:", "wrote " + html);
        assertThat(Files.readString(html)).contains("<svg", "flipper_length_mm").doesNotContain("https://");
        Cli rebuilt = ok(server.as(alice, "monitor", "rebuild", "penguins-api", "--window", "0"));
        // By time range: a neighbour's request received in the same millisecond as the window's last one is taken too.
        assertThat(rebuilt.out()).containsPattern("40 rows live, 4[0-2] rebuilt from the log");

        predict(penguins.subList(80, 90));
        Cli now = ok(server.as(alice, "monitor", "run", "penguins-api"));
        assertThat(now.out()).contains("penguins-api window 2 (open, so far): 10 rows, too_small");
        assertThat(ok(server.as(alice, "monitor", "alerts", "--json")).out()).contains("\"alerts\"");
        assertThat(ok(server.as(alice, "monitor", "history", "penguins-api")).out()).contains("create", "alice");
    }

    @Test
    void badSpecsAreRefusedNamingTheFieldWithANonZeroExit() throws IOException {
        Path bad = Files.writeString(files.resolve("bad.yaml"), "window: {requests: 5}\n");
        Cli refused = server.as(alice, "monitor", "create", "penguins-api", bad.toString());
        assertThat(refused.status()).isNotZero();
        assertThat(refused.err()).contains("window.requests").doesNotContain("Exception");
        Cli unknown = server.as(alice, "monitor", "show", "no-such-api");
        assertThat(unknown.status()).isNotZero();
        assertThat(unknown.err()).contains("no-such-api").doesNotContain("Exception");
        Cli missing = server.as(alice, "monitor", "create", "penguins-api", files.resolve("absent.yaml").toString());
        assertThat(missing.status()).isNotZero();
        assertThat(missing.err()).contains("absent.yaml");
    }

    /** One request per penguin, through the records protocol. */
    private static void predict(List<String> rows) throws IOException, InterruptedException {
        String app = server.token("app-" + System.nanoTime(), "inference");
        HttpClient http = HttpClient.newHttpClient();
        for (String row : rows) {
            String[] cells = row.split(",", -1);
            String body = "{\"records\": [{\"beak_length_mm\": " + cells[2] + ", \"beak_depth_mm\": " + cells[3] + ", \"flipper_length_mm\": "
                    + cells[4] + "}]}";
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(server.url()).resolve(
                    "/api/v1/deployments/penguins-api/predict")).header("Authorization", "Bearer " + app).header("Content-Type",
                    "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        }
    }
}
