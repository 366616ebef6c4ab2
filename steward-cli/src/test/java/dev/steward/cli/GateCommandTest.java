package dev.steward.cli;

import static dev.steward.cli.TestServer.ok;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code steward gate} as a CI step: the published sample size, then the exit statuses a pipeline
 * branches on — 0 for a clearly better model, 1 for a worse one, 2 for a test set too small to
 * judge, 3 for a usage error (an unparsable condition, a missing option) — and the test set's
 * budget as {@code gate test-set} prints it.
 */
class GateCommandTest {
    @TempDir
    static Path home;

    @TempDir
    static Path files;

    static TestServer server;
    static String alice;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.start(home);
        alice = server.token("alice", "editor");
        ok(server.cli("data", "import", "signal", csv("signal.csv", 1, 1_500).toString()));
        ok(server.cli("data", "import", "holdout", csv("holdout.csv", 2, 1_500).toString()));
        ok(server.cli("data", "import", "tiny", csv("tiny.csv", 3, 100).toString()));
        register(train("weak", "[x2]", "cart", "{max_depth: 1}"));
        register(train("good", "[x1, x2]", "logistic_regression", "{}"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theExitStatusTellsAPipelinePassFailCannotJudgeOrUsage() {
        Cli size = ok(server.as(alice, "gate", "size", "n - o > 0.1 +/- 0.1", "--reliability", "0.99", "--adaptivity", "full", "--steps", "32"));
        assertThat(size.out()).contains("labelled rows needed: 5496");

        Cli pass = check("models:/signal/2", "models:/signal/1", "holdout@1");
        assertThat(pass.status()).as(pass.out() + pass.err()).isEqualTo(0);
        assertThat(pass.out()).startsWith("PASS: ").contains("step 1 of 8").contains("kept as run ");
        Cli fail = check("models:/signal/1", "models:/signal/2", "holdout@1", "--json");
        assertThat(fail.status()).as(fail.out() + fail.err()).isEqualTo(1);
        assertThat(fail.out()).contains("\"outcome\" : \"fail\"", "\"step\" : 2");

        Cli small = check("models:/signal/2", "models:/signal/1", "tiny@1");
        assertThat(small.status()).as(small.out() + small.err()).isEqualTo(2);
        assertThat(small.err()).contains("cannot judge: not enough samples").doesNotContain("Exception");
        Cli unparsable = server.as(alice, "gate", "check", "--model", "models:/signal/2", "--against", "models:/signal/1", "--condition",
                "n - q > 0.1 +/- 0.1", "--test-set", "holdout@1");
        assertThat(unparsable.status()).isEqualTo(3);
        assertThat(unparsable.err()).contains("character 5").contains("[condition]");
        Cli missing = server.as(alice, "gate", "check", "--model", "models:/signal/2", "--test-set", "holdout@1");
        assertThat(missing.status()).isEqualTo(3);
        assertThat(missing.err()).contains("--condition");

        Cli budget = ok(server.as(alice, "gate", "test-set", "holdout@1"));
        assertThat(budget.out()).contains("2 of 8 steps spent").contains("models:/signal/2").contains("models:/signal/1");
    }

    private static Cli check(String model, String against, String testSet, String... more) {
        List<String> line = new ArrayList<>(List.of("gate", "check", "--model", model, "--against", against, "--condition", "n - o > 0.1 +/- 0.1",
                "--reliability", "0.95", "--steps", "8", "--test-set", testSet));
        line.addAll(List.of(more));
        return server.as(alice, line.toArray(String[]::new));
    }

    private static String train(String name, String features, String algorithm, String hyperparameters) throws IOException {
        Path spec = Files.writeString(files.resolve(name + ".yaml"), """
                experiment: signal
                dataset: {name: signal, version: 1}
                target: y
                task: binary_classification
                seed: 1
                features: %s
                algorithm: {name: %s, hyperparameters: %s}
                """.formatted(features, algorithm, hyperparameters));
        Cli train = ok(server.cli("train", spec.toString(), "--wait"));
        Matcher run = Pattern.compile("\\(run (\\w+)\\)").matcher(train.out());
        assertThat(run.find()).as(train.out()).isTrue();
        return run.group(1);
    }

    private static void register(String runId) {
        ok(server.as(alice, "models", "register", "signal", "--run", runId));
    }

    /** x1, x2 standard normal; y = a when x1 + 0.6·noise > 0 (x2 is noise). */
    private static Path csv(String name, long seed, int rows) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder csv = new StringBuilder("x1,x2,y\n");
        for (int i = 0; i < rows; i++) {
            double x1 = gaussian(random);
            double x2 = gaussian(random);
            csv.append(String.format(Locale.ROOT, "%.6f,%.6f,%s%n", x1, x2, x1 + 0.6 * gaussian(random) > 0 ? "a" : "b"));
        }
        return Files.writeString(files.resolve(name), csv);
    }

    private static double gaussian(SplittableRandom random) {
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }
}
