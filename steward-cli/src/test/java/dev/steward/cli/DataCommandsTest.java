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
}
