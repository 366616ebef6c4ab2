package dev.steward.cli;

import static dev.steward.cli.TestServer.ok;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry through the command line, as a team uses it: a penguins model trained for real,
 * registered from its run by an editor, governed by a production policy (f1 computed by Steward on
 * held-out data, one deployer's approval under four eyes), refused and then promoted, rolled back
 * past a revoked version, described, carded and traced both ways; a graph Steward did not train,
 * registered from its ONNX file; and bad input, which fails with the server's message and an exit
 * status, never a stack trace.
 */
class ModelsCommandsTest {
    private static final String MEASUREMENTS = "[beak_length_mm, beak_depth_mm, flipper_length_mm, body_mass_g]";

    @TempDir
    static Path home;

    @TempDir
    static Path files;

    static TestServer server;
    static String alice;
    static String bob;
    static String runId;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.start(home);
        alice = server.token("alice", "editor");
        bob = server.token("bob", "deployer");
        Path penguins = files.resolve("penguins.csv");
        try (InputStream in = ModelsCommandsTest.class.getResourceAsStream("/data/penguins.csv")) {
            Files.copy(in, penguins);
        }
        assertThat(server.cli("data", "import", "penguins", penguins.toString()).status()).isZero();
        assertThat(server.cli("data", "import", "penguins", heldOut(penguins).toString()).status()).isZero();
        Path spec = Files.writeString(files.resolve("penguins.yaml"), """
                experiment: penguins
                dataset: {name: penguins, version: 1}
                target: species
                task: multiclass_classification
                seed: 7
                features: %s
                preprocessing:
                  - {step: impute, columns: %s, strategy: median}
                algorithm:
                  name: random_forest
                  hyperparameters: {n_trees: 20}
                """.formatted(MEASUREMENTS, MEASUREMENTS));
        Cli train = server.cli("train", spec.toString(), "--wait");
        assertThat(train.status()).as(train.out() + train.err()).isZero();
        Matcher run = Pattern.compile("\\(run (\\w+)\\)").matcher(train.out());
        assertThat(run.find()).as(train.out()).isTrue();
        runId = run.group(1);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aTrainedModelIsRegisteredGovernedPromotedRolledBackRevokedDescribedAndTracedThroughTheCommandLine() throws IOException {
        Cli registered = ok(server.as(alice, "models", "register", "penguins", "--run", runId, "--description", "a forest", "--tag", "team=birds"));
        assertThat(registered.out()).contains("registered penguins version 1 (ready, from runs:/" + runId + "/model)",
                "task multiclass_classification, classes Adelie, Chinstrap, Gentoo");
        Path policy = Files.writeString(files.resolve("policy.yaml"), """
                description: production needs evidence
                criteria:
                  - metric: "f1_macro >= 0.9 on penguins@2"
                  - approvals: {count: 1, role: deployer, four_eyes: true}
                """);
        assertThat(ok(server.cli("models", "policy", "set", "penguins", "--env", "production", policy.toString())).out())
                .startsWith("policy of penguins for production, revision 1 (sha256 ");
        assertThat(ok(server.as(bob, "models", "policy", "show", "penguins", "--env", "production")).out()).contains("revision 1", "four_eyes: true");

        Cli refused = server.as(bob, "models", "promote", "penguins", "--version", "1", "--to", "production");
        assertThat(refused.status()).as(refused.err()).isEqualTo(Main.FAILED);
        assertThat(refused.out()).startsWith("penguins version 1 -> production: NOT PROMOTED, 1 of 5 criteria failed: approvals; report rep_")
                .contains(", policy revision 1\n")
                .containsPattern("f1_macro >= 0.9 on penguins@2\\s+pass\\s+0\\.9\\d*\\s+>= 0.9\\s+evaluation_run \\w+")
                .containsPattern("1 approval by deployers, four eyes \\(not the creator or the requester\\)\\s+FAIL\\s+no approval was requested for"
                        + " production\\s+>= 1 approval by deployer, four eyes\\n");
        // The exact commands the registry's own messages tell people to run.
        assertThat(ok(server.as(alice, "models", "approve", "penguins", "--version", "1", "--env", "production", "--request")).out())
                .startsWith("asked for approval of penguins version 1 for production (request ");
        assertThat(ok(server.as(bob, "models", "approve", "penguins", "--version", "1", "--env", "production", "--comment", "looks right")).out())
                .contains("approved penguins version 1 for production as bob (deployer)");
        Cli promoted = ok(server.as(bob, "models", "promote", "penguins", "--version", "1", "--to", "production"));
        assertThat(promoted.out()).startsWith("penguins version 1 -> production: PROMOTED; report rep_")
                .containsPattern("CRITERION\\s+PASSED\\s+OBSERVED\\s+EXPECTED\\s+EVIDENCE").doesNotContain("FAIL");

        assertThat(ok(server.as(alice, "models", "register", "penguins", "--source", "runs:/" + runId + "/model")).out())
                .contains("registered penguins version 2 (ready, from runs:/" + runId + "/model)");
        ok(server.as(alice, "models", "register", "penguins", "--run", runId));
        ok(server.as(alice, "models", "alias", "penguins", "champion", "--version", "3"));
        for (String version : List.of("penguins/1", "models:/penguins/2", "models:/penguins@champion")) {
            assertThat(ok(server.as(bob, "models", "promote", version, "--to", "staging")).out()).contains("PROMOTED", "no policy: safety criteria only");
        }
        Cli versions = ok(server.as(bob, "models", "versions", "penguins"));
        assertThat(versions.out()).containsPattern("\\n3\\s+ready\\s+staging\\s+champion\\s+runs:/")
                .containsPattern("\\n1\\s+ready\\s+production\\s+runs:/");
        assertThat(ok(server.as(bob, "models", "show", "penguins")).out()).containsPattern("environment production\\s+version 1")
                .containsPattern("environment staging\\s+version 3").containsPattern("alias champion\\s+version 3");
        assertThat(ok(server.as(bob, "models", "list")).out()).containsPattern("penguins\\s+production=1, staging=3\\s+champion=3");

        assertThat(ok(server.as(bob, "models", "revoke", "penguins", "--version", "2", "--reason", "trained on leaked labels")).out())
                .isEqualTo("revoked penguins version 2: trained on leaked labels\n");
        assertThat(ok(server.as(bob, "models", "rollback", "penguins", "--env", "staging", "--reason", "complaints")).out())
                .isEqualTo("rolled staging of penguins back from version 3 to version 1; skipped version 2 (revoked: trained on leaked labels)\n");
        assertThat(ok(server.as(bob, "models", "versions", "penguins")).out()).containsPattern("\\n2\\s+revoked\\s.*\\s{2}trained on leaked labels\\n");

        ok(server.as(alice, "models", "approve", "penguins", "--version", "3", "--env", "production", "--request"));
        assertThat(ok(server.as(bob, "models", "reject", "penguins", "--version", "3", "--env", "production", "--comment", "not before Monday")).out())
                .isEqualTo("rejected penguins version 3 for production as bob (deployer): not before Monday\n");
        Cli blocked = server.as(bob, "models", "promote", "models:/penguins@champion", "--to", "production");
        assertThat(blocked.status()).isEqualTo(Main.FAILED);
        assertThat(blocked.out()).contains("penguins version 3 -> production: NOT PROMOTED, 1 of 5 criteria failed: approvals;");
        Cli blockedJson = server.as(bob, "models", "promote", "penguins/3", "--to", "production", "--json");
        assertThat(blockedJson.status()).isEqualTo(Main.FAILED);
        assertThat(blockedJson.out()).contains("\"promoted\" : false", "\"criteria\" : [", "rejected");

        assertThat(ok(server.as(alice, "models", "update", "penguins", "--version", "1", "--intended-use", "Teaching species identification",
                "--limitations", "Three species of one archipelago")).out())
                .isEqualTo("updated the intended use, limitations of penguins version 1\n");
        Path card = files.resolve("card.html");
        assertThat(ok(server.as(bob, "models", "card", "penguins/1", "-o", card.toString())).out())
                .startsWith("wrote " + card + " (penguins version 1, html, ");
        assertThat(Files.readString(card)).startsWith("<!DOCTYPE html>").contains("Model card: penguins version 1", "Teaching species identification")
                .doesNotContain("<script");
        assertThat(ok(server.as(bob, "models", "card", "models:/penguins@production", "--format", "markdown")).out())
                .startsWith("# Model card: penguins version 1").contains("Three species of one archipelago");

        Path suite = Files.writeString(files.resolve("quality.yaml"), "name: quality\nchecks:\n  - check: row_count\n    min: 100\n");
        ok(server.cli("data", "validate", "penguins", "-v", "1", "--suite", suite.toString()));
        ok(server.cli("data", "quarantine", "penguins", "-v", "1", "--reason", "labels under review"));
        ok(server.cli("data", "release", "penguins", "-v", "1", "--reason", "labels checked"));
        Cli lineage = ok(server.as(bob, "lineage", "model", "models:/penguins@production"));
        assertThat(lineage.out()).startsWith("penguins version 1: ready, from runs:/" + runId + "/model, registered ")
                .contains("+-- run " + runId + " (", "|   +-- params: ", "n_trees=20", "|   +-- metrics: ", "accuracy=",
                        "+-- trained on\n|   `-- penguins version 1 (sha256 ", "344 rows, active)\n",
                        "|       +-- validation\n|       |   `-- quality@1 passed (",
                        "|       `-- quarantine history\n|           +-- dataset.version.quarantine by admin at ", ": labels under review\n",
                        "|           `-- dataset.version.release by admin at ", ": labels checked\n",
                        "+-- evaluations\n|   `-- penguins version 2: ", "f1_macro=0.9",
                        "+-- approvals\n|   `-- production: requested by alice at ", "`-- approve by bob (deployer) at ", ": \"looks right\"",
                        "+-- promotion reports\n", "production: failed, not promoted, by bob", "production: passed, promoted, by bob",
                        "`-- promotions\n", "promote production: none -> version 1, by bob", "rollback staging: version 3 -> version 1")
                .doesNotContain("{");
        assertThat(ok(server.as(bob, "lineage", "model", "penguins", "--version", "1", "--json")).out()).contains("\"model_version\" : {",
                "\"run_id\" : \"" + runId + "\"");
        Cli data = ok(server.as(bob, "lineage", "dataset", "penguins/1"));
        assertThat(data.out()).startsWith("penguins version 1 (sha256 ").contains("+-- runs that read it\n|   `-- " + runId + " (",
                "`-- model versions that depend on it\n", "penguins version 1: ready, trained on it",
                "penguins version 2: revoked (trained on leaked labels), trained on it");
        Cli heldOut = ok(server.as(bob, "lineage", "dataset", "penguins@2", "--json"));
        assertThat(heldOut.out()).contains("\"dataset_version\" : {", "\"context\" : \"evaluation\"");
    }

    @Test
    void aGraphBuiltElsewhereIsRegisteredFromItsOnnxFileWithASignatureAndOptionsOverIt() throws IOException {
        Path graph = files.resolve("penguins-linear.onnx");
        try (InputStream in = ModelsCommandsTest.class.getResourceAsStream("/model/penguins-linear.onnx")) {
            Files.copy(in, graph);
        }
        Path signature = Files.writeString(files.resolve("sig.json"), """
                {"target": "not-a-column", "inputs": [{"name": "float_input",
                 "columns": ["beak_length_mm", "beak_depth_mm", "flipper_length_mm", "body_mass_g"]}]}
                """);

        Cli noClasses = server.as(alice, "models", "register", "external", "--onnx", graph.toString(), "--signature", signature.toString());
        assertThat(noClasses.status()).isEqualTo(Main.FAILED);
        assertThat(noClasses.err()).contains("[classes]", "HTTP 400");
        Cli registered = ok(server.as(alice, "models", "register", "external", "--onnx", graph.toString(), "--signature", signature.toString(),
                "--classes", "Adelie,Chinstrap,Gentoo", "--target", "species", "--json"));
        assertThat(registered.out()).contains("\"source_kind\" : \"onnx\"", "\"datatype\" : \"FP32\"",
                "\"classes\" : [ \"Adelie\", \"Chinstrap\", \"Gentoo\" ]");

        Cli policy = ok(server.cli("models", "policy", "set", "external", "--env", "staging",
                Files.writeString(files.resolve("external.json"), "{\"criteria\": [{\"metric\": \"f1_macro >= 0.9 on penguins@2\"}]}").toString()));
        assertThat(policy.out()).contains("revision 1");
        Cli promoted = ok(server.as(bob, "models", "promote", "external", "--version", "1", "--to", "staging"));
        assertThat(promoted.out()).contains("external version 1 -> staging: PROMOTED")
                .containsPattern("f1_macro >= 0.9 on penguins@2\\s+pass\\s+0\\.9");
        assertThat(ok(server.as(bob, "lineage", "model", "external/1")).out()).contains("origin: onnx_upload", "trained on: none")
                .doesNotContain("+-- run ");
    }

    @Test
    void badInputFailsWithTheServer_sMessageAndAnExitStatusNeverAStackTrace() throws IOException {
        ok(server.as(alice, "models", "register", "bad-input", "--run", runId));
        Path notJson = Files.writeString(files.resolve("sig.txt"), "classes: [a, b]\n");
        Path vibes = Files.writeString(files.resolve("vibes.yaml"), "criteria:\n  - kind: vibes\n");
        List<Case> cases = List.of(
                new Case(Main.FAILED, "Registered Model", "models", "show", "no-such-model"),
                new Case(Main.USAGE, "Missing required argument", "models", "register", "bad-input"),
                new Case(Main.USAGE, "mutually exclusive", "models", "register", "bad-input", "--run", runId, "--source",
                        "runs:/" + runId + "/model"),
                new Case(Main.FAILED, "no such file", "models", "register", "bad-input", "--onnx", files.resolve("missing.onnx").toString()),
                new Case(Main.FAILED, "as JSON", "models", "register", "bad-input", "--onnx", files.resolve("sig.txt").toString(), "--signature",
                        notJson.toString()),
                new Case(Main.FAILED, "[run_id]", "models", "register", "bad-input", "--run", "not-a-run"),
                new Case(Main.FAILED, "which version of bad-input?", "models", "promote", "bad-input", "--to", "staging"),
                new Case(Main.FAILED, "not a version number", "models", "promote", "bad-input/0", "--to", "staging"),
                new Case(Main.FAILED, "leave out --version", "models", "promote", "bad-input/1", "--version", "1", "--to", "staging"),
                new Case(Main.FAILED, "alias nowhere not found", "models", "promote", "models:/bad-input@nowhere", "--to", "staging"),
                new Case(Main.FAILED, "not a model version", "models", "promote", "bad-input@1", "--to", "staging"),
                new Case(Main.FAILED, "moon", "models", "promote", "bad-input/1", "--to", "moon"),
                new Case(Main.FAILED, "criteria[0].kind", "models", "policy", "set", "bad-input", "--env", "production", vibes.toString()),
                new Case(Main.FAILED, "no policy for bad-input in production", "models", "policy", "show", "bad-input", "--env", "production"),
                new Case(Main.FAILED, "html or markdown", "models", "card", "bad-input/1", "--format", "pdf"),
                new Case(Main.FAILED, "nothing to update", "models", "update", "bad-input", "--version", "1"),
                new Case(Main.FAILED, "is an environment", "models", "alias", "bad-input", "production", "--version", "1"),
                new Case(Main.FAILED, "nobody requested approval", "models", "approve", "bad-input", "--version", "1", "--env", "production"),
                new Case(Main.USAGE, "--comment", "models", "reject", "bad-input", "--version", "1", "--env", "production"),
                // --version means a model version throughout the registry's commands, never Steward's version printed instead.
                new Case(Main.USAGE, "Unknown options: '--version'", "models", "rollback", "bad-input", "--env", "staging", "--version", "1",
                        "--reason", "wrong"),
                new Case(Main.FAILED, "not a dataset version", "lineage", "dataset", "penguins"),
                new Case(Main.FAILED, "penguins", "lineage", "dataset", "penguins/9"));
        // With the admin token, which may call every route: what fails is the input.
        for (Case c : cases) {
            Cli result = server.cli(c.args());
            assertThat(result.status()).as(String.join(" ", c.args()) + ": " + result.err()).isEqualTo(c.status());
            assertThat(result.err()).as(String.join(" ", c.args())).contains(c.message()).doesNotContain("Exception", "\tat ");
        }
        Cli editorPromotes = server.as(alice, "models", "promote", "bad-input/1", "--to", "staging");
        assertThat(editorPromotes.status()).isEqualTo(Main.FAILED);
        assertThat(editorPromotes.err()).contains("HTTP 403");
        assertThat(ok(server.as(bob, "models", "versions", "bad-input")).out().lines()).as("nothing but the one version").hasSize(2);
    }

    private record Case(int status, String message, String... args) {}




    /** Every third penguin (with the header; the file is sorted by species, so every species is there) as an evaluation version. */
    private static Path heldOut(Path penguins) throws IOException {
        List<String> lines = Files.readAllLines(penguins, StandardCharsets.UTF_8);
        List<String> kept = new ArrayList<>(List.of(lines.get(0)));
        for (int i = 1; i < lines.size(); i += 3) {
            kept.add(lines.get(i));
        }
        return Files.write(files.resolve("penguins-held-out.csv"), kept, StandardCharsets.UTF_8);
    }
}
