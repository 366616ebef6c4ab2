package dev.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataCommandsTest {
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

    @Test
    void importsShowsListsDiffsAndExportsVersions(@TempDir Path dir) throws IOException {
        Path v1 = Files.writeString(dir.resolve("weather.csv"), "day;temp;sky\n2024-01-01;3.5;sun\n2024-01-02;;rain\n");
        Path v2 = Files.writeString(dir.resolve("weather2.csv"), "day;temp;sky;wind\n2024-01-03;4.0;fog;12\n");

        Cli first = server.cli("data", "import", "weather", v1.toString());
        assertThat(first.status()).as(first.err()).isZero();
        assertThat(first.out()).contains("imported weather version 1 (2 rows, 3 columns");
        assertThat(server.cli("data", "import", "weather", v1.toString()).out())
                .contains("unchanged: identical to weather version 1");
        assertThat(server.cli("data", "import", "weather", v2.toString()).status()).isZero();

        Cli shown = server.cli("data", "show", "weather", "-v", "1");
        assertThat(shown.out()).contains("2 rows", "temp", "float", "sky", "[\"rain\",\"sun\"]");
        assertThat(server.cli("data", "list").out()).contains("weather", "2");
        Cli profile = server.cli("data", "profile", "weather", "-v", "1");
        assertThat(profile.status()).as(profile.err()).isZero();
        assertThat(profile.out()).contains("weather: 2 rows", "temp", "sky").doesNotContain("0.000");
        // A string column has no mean, no minimum and no maximum: blank cells, then its most frequent value.
        assertThat(profile.out()).containsPattern("sky\\s+string\\s+2\\s+0\\s+2\\s+(rain|sun) \\(1\\)");
        Cli mismatched = server.cli("data", "profile", "weather", "-v", "1,2");
        assertThat(mismatched.status()).isEqualTo(Main.FAILED);
        assertThat(mismatched.err()).contains("cannot merge profiles");
        Cli diff = server.cli("data", "diff", "weather", "1", "2");
        assertThat(diff.status()).as(diff.err()).isZero();
        assertThat(diff.out()).contains("weather: version 2 against version 1: 4 changes").containsPattern("added\\s+wind\\n")
                .containsPattern("nulls\\s+temp\\s+nullable -> not null\\n").containsPattern("values\\s+sky\\s+added fog; removed rain, sun\\n");
        assertThat(server.cli("data", "diff", "weather", "1", "2", "--json").out()).contains("\"added\" : [ \"wind\" ]");
        assertThat(server.cli("data", "diff", "weather", "1", "1").out()).contains("the same schema");

        Path exported = dir.resolve("out.csv");
        Cli export = server.cli("data", "export", "weather", "-v", "1", "-o", exported.toString());
        assertThat(export.status()).as(export.err()).isZero();
        assertThat(export.out()).contains("wrote " + exported + " (weather version 1, " + Files.size(v1) + " bytes)");
        assertThat(Files.readAllBytes(exported)).isEqualTo(Files.readAllBytes(v1));
        Cli again = server.cli("data", "export", "weather", "-v", "1", "-o", exported.toString());
        assertThat(again.status()).isEqualTo(Main.FAILED);
        assertThat(again.err()).contains("already exists");
    }

    @Test
    void badInputFailsWithAMessage(@TempDir Path dir) throws IOException {
        Cli missing = server.cli("data", "import", "x", dir.resolve("nope.csv").toString());
        assertThat(missing.status()).isEqualTo(Main.FAILED);
        assertThat(missing.err()).contains("no such file");

        Path ragged = Files.writeString(dir.resolve("ragged.csv"), "a,b\n1,2\n3\n");
        Cli bad = server.cli("data", "import", "x", ragged.toString());
        assertThat(bad.status()).isEqualTo(Main.FAILED);
        assertThat(bad.err()).contains("line 3");
    }

    @Test
    void validatesWithASuiteFileAndComparesVersions(@TempDir Path dir) throws IOException {
        Path v1 = Files.writeString(dir.resolve("scores.csv"), "id,score,grade\n1,0.5,a\n2,0.6,b\n3,0.7,a\n4,0.8,b\n");
        Path v2 = Files.writeString(dir.resolve("scores2.csv"), "id,score,grade\n5,0.9,a\n6,,c\n7,0.95,c\n8,0.99,c\n");
        assertThat(server.cli("data", "import", "scores", v1.toString()).status()).isZero();
        assertThat(server.cli("data", "import", "scores", v2.toString()).status()).isZero();
        Path suite = Files.writeString(dir.resolve("suite.yaml"), """
                name: scores-quality
                checks:
                  - {check: completeness, column: score}
                  - {check: allowed_values, column: grade, values: [a, b, c]}
                """);

        Cli passed = server.cli("data", "validate", "scores", "-v", "1", "--suite", suite.toString());
        assertThat(passed.status()).as(passed.err()).isZero();
        assertThat(passed.out()).contains("scores version 1 against suite scores-quality@1: PASSED");

        Cli failed = server.cli("data", "validate", "scores", "--suite", "scores-quality@1");
        assertThat(failed.status()).isEqualTo(1);
        assertThat(failed.out()).contains("FAILED, version quarantined", "completeness", "score", "FAIL", "75.00% complete");
        assertThat(server.cli("data", "reports", "scores").out()).contains("FAILED");
        assertThat(server.cli("data", "suites").out()).contains("scores-quality", "1");

        Cli compared = server.cli("data", "compare", "scores", "1", "2");
        assertThat(compared.status()).as(compared.err()).isZero();
        assertThat(compared.out()).contains("scores: version 2 against version 1", "score", "ks", "grade", "chi2");
        Cli json = server.cli("data", "compare", "scores", "1", "--correction", "bonferroni", "--json");
        assertThat(json.out()).contains("\"correction\" : \"bonferroni\"");

        Cli badSuite = server.cli("data", "validate", "scores", "--suite",
                Files.writeString(dir.resolve("bad.yaml"), "name: b\nchecks:\n  - {check: range, column: score}\n").toString());
        assertThat(badSuite.status()).isEqualTo(Main.FAILED);
        assertThat(badSuite.err()).contains("checks[0].min", "give min, max or both");

        for (String missingFile : new String[] {dir.resolve("nope.yaml").toString(), "suites/quality", "quality.yml"}) {
            Cli missing = server.cli("data", "validate", "scores", "--suite", missingFile);
            assertThat(missing.status()).as(missingFile).isEqualTo(Main.FAILED);
            assertThat(missing.err()).as(missingFile).contains("no such suite file: " + missingFile);
        }
        Cli unknownSuite = server.cli("data", "validate", "scores", "--suite", "no-such-suite");
        assertThat(unknownSuite.status()).isEqualTo(Main.FAILED);
        assertThat(unknownSuite.err()).contains("no-such-suite").doesNotContain("file");
    }

    @Test
    void aVersionIsQuarantinedAndReleasedWithAReason(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("flags.csv"), "id,flag\n1,true\n2,false\n");
        assertThat(server.cli("data", "import", "flags", file.toString()).status()).isZero();

        Cli quarantined = server.cli("data", "quarantine", "flags", "-v", "1", "--reason", "labels under review");
        assertThat(quarantined.status()).as(quarantined.err()).isZero();
        assertThat(quarantined.out()).contains("flags version 1 is quarantined (labels under review)");
        assertThat(server.cli("data", "show", "flags").out()).contains("quarantined");
        Cli twice = server.cli("data", "quarantine", "flags", "-v", "1", "--reason", "again");
        assertThat(twice.status()).isEqualTo(Main.FAILED);
        assertThat(twice.err()).contains("already quarantined");

        Cli released = server.cli("data", "release", "flags", "-v", "1", "--reason", "labels checked", "--json");
        assertThat(released.status()).as(released.err()).isZero();
        assertThat(released.out()).contains("\"status\" : \"active\"");
        assertThat(server.cli("audit", "list", "--object-type", "dataset_version").out())
                .contains("dataset.version.quarantine", "labels under review", "dataset.version.release", "labels checked");

        Cli noReason = server.cli("data", "release", "flags", "-v", "1");
        assertThat(noReason.status()).isEqualTo(Main.USAGE);
        assertThat(noReason.err()).contains("--reason");
    }
}
