package dev.steward.cli;

import static dev.steward.cli.TestServer.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.core.serving.RecordedPrediction;
import dev.steward.spi.serving.Tensor;
import java.io.IOException;
import java.io.InputStream;
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
 * {@code steward review} and {@code steward feedback} as a labelling team uses them: the open
 * queue, a label that counts as feedback, feedback sent from a JSON Lines file and the figures it
 * makes. The serving engine is stood in for by recording predictions straight into the server.
 */
class ReviewCommandTest {
    @TempDir
    static Path home;

    @TempDir
    static Path files;

    static TestServer server;
    static String alice;
    static String app;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.start(home);
        alice = server.token("alice", "editor");
        String bob = server.token("bob", "deployer");
        app = server.token("app", "inference");
        Path graph = files.resolve("penguins-linear.onnx");
        try (InputStream in = ReviewCommandTest.class.getResourceAsStream("/model/penguins-linear.onnx")) {
            Files.copy(in, graph);
        }
        Path signature = Files.writeString(files.resolve("sig.json"), """
                {"classes": ["Adelie", "Chinstrap", "Gentoo"], "target": "species", "inputs": [{"name": "float_input",
                 "columns": ["beak_length_mm", "beak_depth_mm", "flipper_length_mm", "body_mass_g"]}]}
                """);
        ok(server.as(alice, "models", "register", "linear", "--onnx", graph.toString(), "--signature", signature.toString()));
        ok(server.as(bob, "models", "promote", "linear", "--version", "1", "--to", "production"));
        ok(server.as(bob, "deploy", "create", "penguins-api", "--model", "models:/linear/1"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void anAbstainedRowIsListedLabelledAndCountedAndFeedbackIsSentFromAFile() throws Exception {
        RecordedPrediction unsure = RecordedPrediction.classification("req-1", "penguins-api", 1, "linear", 1, "weighted", new String[] {"Chinstrap", "Adelie"},
                new double[] {0.38, 0.97}, new boolean[] {true, false}, System.currentTimeMillis());
        server.server().steward().feedback().record(unsure);
        server.server().steward().reviews().offer(unsure, List.of(Tensor.of("float_input", new long[] {2, 4},
                new float[] {45.2f, 17.1f, 195, 4200, 38.9f, 18.2f, 187, 3650})));

        Cli listed = server.await(c -> c.out().contains("1 open"), "review", "list", "penguins-api", "--token", alice);
        assertThat(listed.out()).contains("req-1", "linear/1", "Chinstrap", "0.3800", "open", "float_input=[45.2,17.1,195.0,4200.0]");
        Matcher id = Pattern.compile("rev_[0-9a-f]{16}").matcher(listed.out());
        assertThat(id.find()).as(listed.out()).isTrue();

        Cli wrong = server.as(alice, "review", "label", id.group(), "Emperor");
        assertThat(wrong.status()).isEqualTo(1);
        assertThat(wrong.err()).contains("not a class of linear/1", "Adelie, Chinstrap, Gentoo").doesNotContain("Exception");
        Cli labelled = ok(server.as(alice, "review", "label", id.group(), "Gentoo"));
        assertThat(labelled.out()).contains("labelled " + id.group() + " as Gentoo (the model predicted Chinstrap)",
                "counted as feedback for request req-1 row 0");
        assertThat(ok(server.as(alice, "review", "list", "penguins-api")).out()).contains("0 open").doesNotContain("req-1");
        assertThat(ok(server.as(alice, "review", "list", "penguins-api", "--all")).out()).contains("req-1", "labelled", "Gentoo");

        Path feedback = Files.writeString(files.resolve("feedback.jsonl"), """
                {"request_id": "req-1", "row": 1, "label": "Adelie", "reward": 1}
                {"request_id": "req-1", "row": 0, "label": "Chinstrap"}

                {"request_id": "req-404", "label": "Adelie"}
                """);
        Cli sent = ok(server.as(app, "feedback", "send", "penguins-api", feedback.toString(), "--batch", "2"));
        assertThat(sent.out()).contains("accepted 1, duplicates 1, unknown 1", "req-404");
        Cli shown = ok(server.as(alice, "feedback", "show", "penguins-api"));
        assertThat(shown.out()).containsPattern("linear/1\\s+2\\s+0\\.5000\\s+0\\s+1\\s+1\\.000");
        Path broken = Files.writeString(files.resolve("broken.jsonl"), "{\"request_id\": \"req-1\"\n");
        Cli bad = server.as(app, "feedback", "send", "penguins-api", broken.toString());
        assertThat(bad.status()).isEqualTo(1);
        assertThat(bad.err()).contains("line 1 is not a JSON object");
    }
}
