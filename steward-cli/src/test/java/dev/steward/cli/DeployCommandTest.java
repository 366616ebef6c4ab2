package dev.steward.cli;

import static dev.steward.cli.TestServer.ok;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code steward deploy} as an operator uses it: a deployment of the production version, a spec
 * file with weights, the history and a restore, the emergency stop and resume, delete; mistakes
 * answered with the server's message and a non-zero status, never a stack trace.
 */
class DeployCommandTest {
    @TempDir
    static Path home;

    @TempDir
    static Path files;

    static TestServer server;
    static String bob;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.start(home);
        String alice = server.token("alice", "editor");
        bob = server.token("bob", "deployer");
        Path penguins = files.resolve("penguins.csv");
        try (InputStream in = DeployCommandTest.class.getResourceAsStream("/data/penguins.csv")) {
            Files.copy(in, penguins);
        }
        ok(server.cli("data", "import", "penguins", penguins.toString()));
        for (int seed = 1; seed <= 2; seed++) {
            Path spec = Files.writeString(files.resolve("train" + seed + ".yaml"), """
                    experiment: penguins
                    dataset: {name: penguins, version: 1}
                    target: species
                    task: multiclass_classification
                    seed: %d
                    features: [beak_length_mm, beak_depth_mm, flipper_length_mm, body_mass_g]
                    preprocessing:
                      - {step: impute, columns: [beak_length_mm, beak_depth_mm, flipper_length_mm, body_mass_g], strategy: median}
                    algorithm: {name: random_forest, hyperparameters: {n_trees: 10}}
                    """.formatted(seed));
            Cli train = ok(server.cli("train", spec.toString(), "--wait"));
            Matcher run = Pattern.compile("\\(run (\\w+)\\)").matcher(train.out());
            assertThat(run.find()).as(train.out()).isTrue();
            ok(server.as(alice, "models", "register", "penguins", "--run", run.group(1)));
            ok(server.as(bob, "models", "promote", "penguins", "--version", Integer.toString(seed), "--to", "production"));
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aDeploymentIsCreatedRevisedRestoredStoppedResumedAndDeletedFromTheCommandLine() throws IOException {
        Cli created = ok(server.as(bob, "deploy", "create", "penguins-api", "--model", "models:/penguins/1"));
        assertThat(created.out()).contains("created penguins-api", "revision 1", "models:/penguins/1", "100.0%");
        Path spec = Files.writeString(files.resolve("canary.yaml"), """
                versions:
                  - {model: models:/penguins/1, weight: 90}
                  - {model: models:/penguins/2, weight: 10}
                batching: {max_batch_size: 16, max_wait_ms: 1}
                """);
        Cli updated = ok(server.as(bob, "deploy", "update", "penguins-api", "--spec", spec.toString(), "--reason", "ten percent to version 2"));
        assertThat(updated.out()).contains("revision 2", "90.0%", "10.0%");
        ok(server.as(bob, "deploy", "restore", "penguins-api", "--revision", "1", "--reason", "back"));
        Cli history = ok(server.as(bob, "deploy", "history", "penguins-api"));
        assertThat(history.out()).contains("create", "update", "restore of 1", "ten percent to version 2", "penguins/2 w10");
        Cli stopped = ok(server.as(bob, "deploy", "stop", "penguins-api", "--emergency", "--reason", "wrong answers"));
        assertThat(stopped.out()).contains("STOPPED — wrong answers");
        assertThat(ok(server.as(bob, "deploy", "list")).out()).contains("penguins-api", "stopped");
        assertThat(ok(server.as(bob, "deploy", "resume", "penguins-api")).out()).contains("serving");
        assertThat(ok(server.as(bob, "deploy", "show", "penguins-api", "--json")).out()).contains("\"max_batch_size\" : 64");
        assertThat(ok(server.as(bob, "deploy", "delete", "penguins-api")).out()).contains("deleted penguins-api");
    }

    @Test
    void mistakesAreTheServersMessageAndANonZeroStatus() {
        Cli both = server.as(bob, "deploy", "create", "x", "--model", "models:/penguins/1", "--spec", "s.yaml");
        assertThat(both.status()).isNotZero();
        assertThat(both.err()).contains("mutually exclusive");
        Cli unknown = server.as(bob, "deploy", "create", "x", "--model", "models:/nothing/1");
        assertThat(unknown.status()).isEqualTo(1);
        assertThat(unknown.err()).startsWith("error: ").contains("[model]").doesNotContain("Exception");
        Cli missing = server.as(bob, "deploy", "stop", "nothing", "--reason", "r");
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err()).contains("no deployment named 'nothing'");
    }
}
