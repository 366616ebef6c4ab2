package dev.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobsCommandsTest {
    private static final Pattern QUEUED = Pattern.compile("queued \\w+ job (\\S+)");

    @TempDir
    static Path home;

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(home);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Cli cli(String... args) {
        return server.cli(args);
    }

    private static String jobId(Cli cli) {
        Matcher m = QUEUED.matcher(cli.out());
        assertThat(m.find()).as(cli.out()).isTrue();
        return m.group(1);
    }

    @Test
    void aCommandJobStreamsItsLogAndSucceeds() {
        Cli train = cli("train", "--command", "echo hello from $MLFLOW_RUN_ID", "--priority", "5", "--wait");
        assertThat(train.status()).as(train.err()).isZero();
        assertThat(train.out()).contains("hello from ", "succeeded", "(priority 5)");
        String id = jobId(train);

        assertThat(cli("jobs", "list").out()).contains(id, "command", "succeeded");
        Cli show = cli("jobs", "show", id);
        assertThat(show.status()).as(show.err()).isZero();
        assertThat(show.out()).contains(id, "succeeded", "spec.command", "echo hello").doesNotContain("{");
        assertThat(cli("jobs", "show", id, "--json").out()).contains("\"id\" : \"" + id + "\"", "\"spec\" : {");
        assertThat(cli("jobs", "logs", id).out()).contains("hello from");
    }

    @Test
    void aFailingCommandExitsNonZeroAndCanBeRetried() throws InterruptedException {
        Cli train = cli("train", "--command", "echo broken >&2; exit 3", "--wait");
        assertThat(train.status()).isEqualTo(Main.FAILED);
        assertThat(train.out()).contains("broken", "failed");
        String id = jobId(train);

        Cli retried = cli("jobs", "retry", id);
        assertThat(retried.status()).as(retried.err()).isZero();
        assertThat(retried.out()).contains("attempt 2");
        // The second attempt runs on the server's own time: wait for it to fail, as the first did.
        Cli failedAgain = server.await(list -> list.out().contains(id), "jobs", "list", "--status", "failed");
        assertThat(failedAgain.out()).contains("command");
        assertThat(cli("jobs", "show", id).out()).containsPattern("attempt\\s+2");
    }

    @Test
    void aJobFileQueuesASweepAndAQueuedJobCanBeCancelled(@TempDir Path dir) throws IOException, InterruptedException {
        Path sweep = Files.writeString(dir.resolve("sweep.yaml"), """
                kind: sweep
                priority: 1
                command: "echo trial {lr}"
                grid:
                  lr: [0.1, 0.2]
                metric: {name: loss, goal: minimize}
                """);
        Cli submitted = cli("train", sweep.toString(), "--wait");
        assertThat(submitted.status()).as(submitted.out() + submitted.err()).isIn(0, Main.FAILED);
        assertThat(submitted.out()).contains("queued sweep job");

        Cli slow = cli("train", "--command", "sleep 30", "--max-wall-time", "60");
        String id = jobId(slow);
        Cli cancelled = cli("jobs", "cancel", id);
        assertThat(cancelled.status()).as(cancelled.err()).isZero();
        // A running job is only asked to stop: wait until it has.
        Cli shown = server.await(show -> show.out().contains("\"status\" : \"cancelled\""), "jobs", "show", id, "--json");
        assertThat(shown.out()).contains("sleep 30");
    }

    @Test
    void aTrainingSpecTrainsAndTheModelIsEvaluated(@TempDir Path dir) throws IOException {
        Path penguins = dir.resolve("penguins.csv");
        try (var in = JobsCommandsTest.class.getResourceAsStream("/data/penguins.csv")) {
            Files.copy(in, penguins);
        }
        assertThat(cli("data", "import", "penguins", penguins.toString()).status()).isZero();
        Path spec = Files.writeString(dir.resolve("penguins.yaml"), """
                experiment: penguins
                dataset: {name: penguins, version: 1}
                target: species
                task: multiclass_classification
                preprocessing:
                  - {step: standardize, columns: [beak_length_mm, beak_depth_mm, flipper_length_mm, body_mass_g]}
                algorithm:
                  name: random_forest
                  hyperparameters: {n_trees: 20}
                """);
        Cli train = cli("train", spec.toString(), "--wait");
        assertThat(train.status()).as(train.out() + train.err()).isZero();
        assertThat(train.out()).contains("queued train job", "model ", "succeeded");
        Matcher run = Pattern.compile("\\(run (\\w+)\\)").matcher(train.out());
        assertThat(run.find()).isTrue();

        Cli evaluate = cli("evaluate", "--model", run.group(1), "--data", "penguins@1");
        assertThat(evaluate.status()).as(evaluate.err()).isZero();
        assertThat(evaluate.out()).contains("344 rows", "accuracy", "f1_macro", "confusion matrix", "Gentoo");
        Cli byUri = cli("evaluate", "--model", "runs:/" + run.group(1) + "/model", "--data", "penguins@1");
        assertThat(byUri.status()).as(byUri.err()).isZero();
        assertThat(byUri.out()).contains("(runs:/" + run.group(1) + "/model)", "344 rows");
        Cli badData = cli("evaluate", "--model", run.group(1), "--data", "penguins");
        assertThat(badData.status()).isEqualTo(Main.FAILED);
        assertThat(badData.err()).contains("NAME@VERSION");
    }

    @Test
    void badInputFailsWithAMessageAndQueuesNothing(@TempDir Path dir) throws IOException {
        Cli neither = cli("train");
        assertThat(neither.status()).isEqualTo(Main.FAILED);
        assertThat(neither.err()).contains("either a job file or --command");

        Path notASpec = Files.writeString(dir.resolve("job.yaml"), "command: echo\n");
        Cli bad = cli("train", notASpec.toString());
        assertThat(bad.status()).isEqualTo(Main.FAILED);
        assertThat(bad.err()).contains("dataset");

        Cli unknown = cli("jobs", "show", "no-such-job");
        assertThat(unknown.status()).isEqualTo(Main.FAILED);
        assertThat(unknown.err()).contains("no-such-job");
    }
}
