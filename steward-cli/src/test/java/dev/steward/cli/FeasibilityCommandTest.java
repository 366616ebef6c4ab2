package dev.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeasibilityCommandTest {
    @TempDir
    static Path home;

    @TempDir
    static Path files;

    static TestServer server;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.start(home);
        Path penguins = files.resolve("penguins.csv");
        try (InputStream in = FeasibilityCommandTest.class.getResourceAsStream("/data/penguins.csv")) {
            Files.copy(in, penguins);
        }
        // Labels drawn independently of the feature: nothing to learn, a Bayes error of one half.
        Random random = new Random(4);
        StringBuilder coins = new StringBuilder("side,x\n");
        for (int i = 0; i < 300; i++) {
            coins.append(random.nextBoolean() ? "heads" : "tails").append(',').append(random.nextGaussian()).append('\n');
        }
        Path coinFile = Files.writeString(files.resolve("coins.csv"), coins);
        assertThat(server.cli("data", "import", "penguins", penguins.toString()).status()).isZero();
        assertThat(server.cli("data", "import", "coins", coinFile.toString()).status()).isZero();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aStudyPrintsTheCeilingTheTargetVerdictTheSelfCheckTheCurveAndTheRun() {
        Cli study = server.cli("feasibility", "penguins@1", "--target", "species", "--target-accuracy", "0.95");

        assertThat(study.status()).as(study.err()).isZero();
        assertThat(study.out()).contains("penguins version 1, target species (3 classes) from 6 features: 344 labelled rows of 344 studied",
                "No model can exceed about ", "The data supports the target 95%", "Bayes error between ", "TRANSFORM", "standardised",
                "random-projection-5", "selected", "dropped by halving", "The FeeBee self-check passed", "kept as run ",
                "in experiment feasibility/penguins");
        assertThat(study.out()).containsPattern("(?m)^(More data|The learning curve)");
    }

    @Test
    void chosenFeaturesAndTheJsonReport() {
        Cli study = server.cli("feasibility", "penguins@1", "--target", "species", "--feature", "beak_length_mm", "--feature",
                "beak_depth_mm", "--max-rows", "300", "--seed", "3", "--json");

        assertThat(study.status()).as(study.err()).isZero();
        assertThat(study.out()).contains("\"features\" : [ \"beak_length_mm\", \"beak_depth_mm\" ]", "\"sampled\" : 300", "\"seed\" : 3",
                "\"ber_lower\" :", "\"feebee\" :", "\"learning_curve\" :", "\"run_id\" :");
    }

    @Test
    void aTargetAboveWhatTheDataSupportsExitsWithOne() {
        Cli study = server.cli("feasibility", "coins@1", "--target", "side", "--target-accuracy", "0.9");

        assertThat(study.status()).isEqualTo(Main.FAILED);
        // The truth is 50%; 60 held-out rows put the estimate of the ceiling within a wide interval around it, far below 90%.
        assertThat(study.out()).containsPattern("The target 90% is above what the data can support \\(about [5-7]\\d\\.\\d%\\)")
                .containsPattern("No model can exceed about [5-7]\\d\\.\\d% accuracy on this data \\(95% interval 50\\.0% to");
    }

    @Test
    void badArgumentsAreRefusedWithTheReason() {
        Cli noVersion = server.cli("feasibility", "penguins", "--target", "species");
        assertThat(noVersion.status()).isEqualTo(Main.FAILED);
        assertThat(noVersion.err()).contains("the dataset version must be NAME@VERSION, e.g. penguins@1; got 'penguins'");

        Cli unknown = server.cli("feasibility", "penguins@1", "--target", "wingspan");
        assertThat(unknown.status()).isEqualTo(Main.FAILED);
        assertThat(unknown.err()).contains("has no column 'wingspan'");

        Cli numeric = server.cli("feasibility", "penguins@1", "--target", "body_mass_g");
        assertThat(numeric.status()).isEqualTo(Main.FAILED);
        assertThat(numeric.err()).contains("a feasibility study is for classification");

        assertThat(server.cli("feasibility", "penguins@1").status()).isEqualTo(Main.USAGE);
    }
}
