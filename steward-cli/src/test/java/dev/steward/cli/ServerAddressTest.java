package dev.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.spi.StewardException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How client commands find the server: --url, $STEWARD_URL, the home's server.json while its server runs, the default. */
class ServerAddressTest {
    private static final long OWN_PID = ProcessHandle.current().pid();

    @TempDir
    static Path serverHome;

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(serverHome);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** What a running server writes; this test's JVM is alive, so its pid stands for the server's. */
    private static void writeServerFile(Path home, long pid, String url) throws IOException {
        Files.writeString(home.resolve("server.json"),
                "{\"pid\": " + pid + ", \"url\": \"" + url + "\", \"started_at\": \"2026-12-01T10:00:00Z\"}");
    }

    private static long deadPid() throws Exception {
        Process process = new ProcessBuilder("true").start();
        process.waitFor();
        return process.pid();
    }

    @Test
    void aFlagWinsOverTheEnvironmentWhichWinsOverTheHome(@TempDir Path home) throws IOException {
        writeServerFile(home, OWN_PID, "http://127.0.0.1:9");

        assertThat(ServerAddress.resolve("http://flag:1", Map.of("STEWARD_URL", "http://env:2"), home))
                .isEqualTo(new ServerAddress(URI.create("http://flag:1"), "--url"));
        assertThat(ServerAddress.resolve(null, Map.of("STEWARD_URL", "http://env:2"), home))
                .isEqualTo(new ServerAddress(URI.create("http://env:2"), "$STEWARD_URL"));
        assertThat(ServerAddress.resolve(null, Map.of("STEWARD_URL", " "), home).uri()).isEqualTo(URI.create("http://127.0.0.1:9"));
    }

    @Test
    void theHomesServerFileIsUsedWhileItsServerRuns(@TempDir Path home) throws IOException {
        writeServerFile(home, OWN_PID, "http://127.0.0.1:43123");

        ServerAddress address = ServerAddress.resolve(null, Map.of(), home);

        assertThat(address.uri()).isEqualTo(URI.create("http://127.0.0.1:43123"));
        assertThat(address.origin()).isEqualTo(home.resolve("server.json") + " (server pid " + OWN_PID + ")");
    }

    @Test
    void aServerFileLeftByADeadServerIsIgnoredAndSaidSo(@TempDir Path home) throws Exception {
        long dead = deadPid();
        writeServerFile(home, dead, "http://127.0.0.1:43123");

        ServerAddress address = ServerAddress.resolve(null, Map.of(), home);

        assertThat(address.uri()).isEqualTo(URI.create(ServerAddress.DEFAULT));
        assertThat(address.origin()).contains("the default", "left from server pid " + dead, "not running");
    }

    @Test
    void withoutAnyChoiceTheDefaultIsUsedAndAGarbledFileDoesNotStopIt(@TempDir Path home) throws IOException {
        assertThat(ServerAddress.resolve(null, Map.of(), home).origin()).isEqualTo("the default; no --url, no $STEWARD_URL, no "
                + home.resolve("server.json"));

        Files.writeString(home.resolve("server.json"), "{\"pid\": 12");
        ServerAddress garbled = ServerAddress.resolve(null, Map.of(), home);
        assertThat(garbled.uri()).isEqualTo(URI.create(ServerAddress.DEFAULT));
        assertThat(garbled.origin()).contains("is not readable JSON");
    }

    @Test
    void aUrlThatIsNotHttpIsRefusedNamingWhereItCameFrom(@TempDir Path home) throws IOException {
        assertThatThrownBy(() -> ServerAddress.resolve(null, Map.of("STEWARD_URL", "ftp://x"), home))
                .isInstanceOf(StewardException.class).hasMessageContaining("'ftp://x' (from STEWARD_URL) must start with http://");
        writeServerFile(home, OWN_PID, "not a url");
        assertThatThrownBy(() -> ServerAddress.resolve(null, Map.of(), home)).hasMessageContaining("server.json) is not a URL");
    }

    @Test
    void aCommandWithoutUrlReachesTheServerNamedByTheHome() throws IOException {
        writeServerFile(serverHome, OWN_PID, server.url());
        try {
            Cli listed = Cli.run("--home", serverHome.toString(), "experiments", "list");

            assertThat(listed.status()).as(listed.err()).isZero();
            assertThat(listed.out()).contains("Default");
        } finally {
            Files.delete(serverHome.resolve("server.json"));
        }
    }

    @Test
    void aServerThatCannotBeReachedIsNamedWithWhereItsUrlCameFromAndHowToChooseAnother(@TempDir Path home) throws IOException {
        Files.writeString(home.resolve("admin.token"), server.adminToken());
        writeServerFile(home, OWN_PID, "http://127.0.0.1:1");

        Cli failed = Cli.run("--home", home.toString(), "runs", "list");

        assertThat(failed.status()).isEqualTo(Main.FAILED);
        assertThat(failed.err()).contains("cannot reach Steward at http://127.0.0.1:1 (from " + home.resolve("server.json") + " (server pid "
                + OWN_PID + "))", "--url URL", "$STEWARD_URL", "--home DIR").doesNotContain("at java.");
    }
}
