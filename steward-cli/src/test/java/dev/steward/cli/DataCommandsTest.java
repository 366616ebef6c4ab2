package dev.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.server.Steward;
import dev.steward.server.StewardServer;
import dev.steward.server.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataCommandsTest {
    @TempDir
    static Path home;

    static StewardServer server;
    static String url;

    @BeforeAll
    static void start() {
        server = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0"))));
        url = server.uri().toString();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void importsShowsListsDiffsAndExportsVersions(@TempDir Path dir) throws IOException {
        Path v1 = Files.writeString(dir.resolve("weather.csv"), "day;temp;sky\n2024-01-01;3.5;sun\n2024-01-02;;rain\n");
        Path v2 = Files.writeString(dir.resolve("weather2.csv"), "day;temp;sky;wind\n2024-01-03;4.0;fog;12\n");

        Cli first = Cli.run("--home", home.toString(), "data", "import", "weather", v1.toString(), "--url", url);
        assertThat(first.status()).as(first.err()).isZero();
        assertThat(first.out()).contains("imported weather version 1 (2 rows, 3 columns");
        assertThat(Cli.run("--home", home.toString(), "data", "import", "weather", v1.toString(), "--url", url).out())
                .contains("unchanged: identical to weather version 1");
        assertThat(Cli.run("--home", home.toString(), "data", "import", "weather", v2.toString(), "--url", url).status()).isZero();

        Cli shown = Cli.run("--home", home.toString(), "data", "show", "weather", "-v", "1", "--url", url);
        assertThat(shown.out()).contains("2 rows", "temp", "float", "sky", "[\"rain\",\"sun\"]");
        assertThat(Cli.run("--home", home.toString(), "data", "list", "--url", url).out()).contains("weather", "2");
        Cli profile = Cli.run("--home", home.toString(), "data", "profile", "weather", "-v", "1", "--url", url);
        assertThat(profile.status()).as(profile.err()).isZero();
        assertThat(profile.out()).contains("weather: 2 rows", "temp", "sky");
        Cli mismatched = Cli.run("--home", home.toString(), "data", "profile", "weather", "-v", "1,2", "--url", url);
        assertThat(mismatched.status()).isEqualTo(Main.FAILED);
        assertThat(mismatched.err()).contains("cannot merge profiles");
        assertThat(Cli.run("--home", home.toString(), "data", "diff", "weather", "1", "2", "--url", url).out()).contains("\"wind\"");

        Path exported = dir.resolve("out.csv");
        Cli export = Cli.run("--home", home.toString(), "data", "export", "weather", "-v", "1", "-o", exported.toString(), "--url", url);
        assertThat(export.status()).as(export.err()).isZero();
        assertThat(Files.readAllBytes(exported)).isEqualTo(Files.readAllBytes(v1));
    }

    @Test
    void badInputFailsWithAMessage(@TempDir Path dir) throws IOException {
        Cli missing = Cli.run("--home", home.toString(), "data", "import", "x", dir.resolve("nope.csv").toString(), "--url", url);
        assertThat(missing.status()).isEqualTo(Main.FAILED);
        assertThat(missing.err()).contains("no such file");

        Path ragged = Files.writeString(dir.resolve("ragged.csv"), "a,b\n1,2\n3\n");
        Cli bad = Cli.run("--home", home.toString(), "data", "import", "x", ragged.toString(), "--url", url);
        assertThat(bad.status()).isEqualTo(Main.FAILED);
        assertThat(bad.err()).contains("line 3");
    }

    @Test
    void validatesWithASuiteFileAndComparesVersions(@TempDir Path dir) throws IOException {
        Path v1 = Files.writeString(dir.resolve("scores.csv"), "id,score,grade\n1,0.5,a\n2,0.6,b\n3,0.7,a\n4,0.8,b\n");
        Path v2 = Files.writeString(dir.resolve("scores2.csv"), "id,score,grade\n5,0.9,a\n6,,c\n7,0.95,c\n8,0.99,c\n");
        assertThat(Cli.run("--home", home.toString(), "data", "import", "scores", v1.toString(), "--url", url).status()).isZero();
        assertThat(Cli.run("--home", home.toString(), "data", "import", "scores", v2.toString(), "--url", url).status()).isZero();
        Path suite = Files.writeString(dir.resolve("suite.yaml"), """
                name: scores-quality
                checks:
                  - {check: completeness, column: score}
                  - {check: allowed_values, column: grade, values: [a, b, c]}
                """);

        Cli passed = Cli.run("--home", home.toString(), "data", "validate", "scores", "-v", "1", "--suite", suite.toString(), "--url", url);
        assertThat(passed.status()).as(passed.err()).isZero();
        assertThat(passed.out()).contains("scores version 1 against suite scores-quality@1: PASSED");

        Cli failed = Cli.run("--home", home.toString(), "data", "validate", "scores", "--suite", "scores-quality@1", "--url", url);
        assertThat(failed.status()).isEqualTo(1);
        assertThat(failed.out()).contains("FAILED, version quarantined", "completeness", "score", "FAIL", "75.00% complete");
        assertThat(Cli.run("--home", home.toString(), "data", "reports", "scores", "--url", url).out()).contains("FAILED");
        assertThat(Cli.run("--home", home.toString(), "data", "suites", "--url", url).out()).contains("scores-quality", "1");

        Cli compared = Cli.run("--home", home.toString(), "data", "compare", "scores", "1", "2", "--url", url);
        assertThat(compared.status()).as(compared.err()).isZero();
        assertThat(compared.out()).contains("scores: version 2 against version 1", "score", "ks", "grade", "chi2");
        Cli json = Cli.run("--home", home.toString(), "data", "compare", "scores", "1", "--correction", "bonferroni", "--json", "--url", url);
        assertThat(json.out()).contains("\"correction\" : \"bonferroni\"");

        Cli badSuite = Cli.run("--home", home.toString(), "data", "validate", "scores", "--suite",
                Files.writeString(dir.resolve("bad.yaml"), "name: b\nchecks:\n  - {check: range, column: score}\n").toString(), "--url", url);
        assertThat(badSuite.status()).isEqualTo(Main.FAILED);
        assertThat(badSuite.err()).contains("checks[0].min", "give min, max or both");
    }
}
