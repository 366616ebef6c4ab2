package dev.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.server.Steward;
import dev.steward.server.StewardServer;
import dev.steward.server.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliCommandsTest {
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
    void everyCommandHasHelp() {
        for (String[] command : new String[][] {{"--help"}, {"server", "--help"}, {"token", "--help"}, {"token", "create", "--help"},
                {"token", "list", "--help"}, {"token", "revoke", "--help"}, {"audit", "--help"}, {"audit", "list", "--help"},
                {"audit", "verify", "--help"}, {"version", "--help"}, {"experiments", "--help"}, {"experiments", "list", "--help"},
                {"experiments", "create", "--help"}, {"experiments", "delete", "--help"}, {"runs", "--help"}, {"runs", "list", "--help"},
                {"runs", "show", "--help"}, {"runs", "compare", "--help"}, {"run", "--help"}, {"data", "--help"},
                {"data", "import", "--help"}, {"data", "list", "--help"}, {"data", "show", "--help"}, {"data", "profile", "--help"}, {"data", "diff", "--help"},
                {"data", "export", "--help"}}) {
            Cli result = Cli.run(command);
            assertThat(result.status()).as(String.join(" ", command)).isZero();
            assertThat(result.out()).as(String.join(" ", command)).contains("Usage:");
        }
        assertThat(Cli.run("--help").out()).contains("server", "token", "audit", "version", "--home");
    }

    @Test
    void versionNamesStewardAndJava() {
        Cli result = Cli.run("version");

        assertThat(result.status()).isZero();
        assertThat(result.out()).contains("Steward", "Java 17");
    }

    @Test
    void tokensAreCreatedListedAndRevokedWithTheAdminTokenFromTheHome() {
        Cli created = Cli.run("--home", home.toString(), "token", "create", "--url", url, "--name", "nightly", "--role", "editor");
        assertThat(created.status()).as(created.err()).isZero();
        String id = created.out().lines().findFirst().orElseThrow().split(" ")[2];
        String secret = created.out().lines().skip(1).findFirst().orElseThrow().trim();
        assertThat(secret).startsWith("stw_");

        Cli listed = Cli.run("--home", home.toString(), "token", "list", "--url", url);
        assertThat(listed.out()).contains(id, "nightly", "editor").doesNotContain(secret);

        Cli forbidden = Cli.run("--home", home.toString(), "token", "list", "--url", url, "--token", secret);
        assertThat(forbidden.status()).isEqualTo(1);
        assertThat(forbidden.err()).contains("needs role 'admin'", "403");

        Cli revoked = Cli.run("--home", home.toString(), "token", "revoke", "--url", url, id);
        assertThat(revoked.status()).isZero();
        assertThat(revoked.out()).contains("revoked token " + id);
    }

    @Test
    void auditListShowsTheEventsAndVerifyReportsAnIntactChain() {
        Cli.run("--home", home.toString(), "token", "create", "--url", url, "--name", "for-audit", "--role", "viewer");

        Cli list = Cli.run("--home", home.toString(), "audit", "list", "--url", url, "--action", "token.create");
        Cli json = Cli.run("--home", home.toString(), "audit", "list", "--url", url, "--json", "--limit", "1");
        Cli verify = Cli.run("--home", home.toString(), "audit", "verify", "--url", url);

        assertThat(list.status()).isZero();
        assertThat(list.out()).contains("SEQ", "token.create", "for-audit");
        assertThat(json.out().lines().count()).isEqualTo(1);
        assertThat(json.out()).contains("\"action\":\"token.create\"");
        assertThat(verify.status()).isZero();
        assertThat(verify.out()).contains("audit chain intact");
    }

    @Test
    void badUsageExitsTwoWithAHint() {
        Cli result = Cli.run("token", "create", "--name", "x");

        assertThat(result.status()).isEqualTo(2);
        assertThat(result.err()).contains("--role", "--help");
    }

    @Test
    void anUnreachableServerGetsAClearMessage() {
        Cli result = Cli.run("--home", home.toString(), "token", "list", "--url", "http://127.0.0.1:1");

        assertThat(result.status()).isEqualTo(1);
        assertThat(result.err()).contains("cannot reach Steward at http://127.0.0.1:1").doesNotContain("at java.");
    }

    @Test
    void aMissingTokenSaysHowToGetOne(@TempDir Path emptyHome) {
        Cli result = Cli.run("--home", emptyHome.toString(), "audit", "list", "--url", url);

        assertThat(result.status()).isEqualTo(1);
        assertThat(result.err()).contains("--token", "STEWARD_TOKEN", "admin.token");
    }

    @Test
    void aBadRoleIsRefusedOffline(@TempDir Path otherHome) {
        Cli result = Cli.run("--home", otherHome.toString(), "token", "create", "--offline", "--name", "x", "--role", "root");

        assertThat(result.status()).isEqualTo(1);
        assertThat(result.err()).contains("unknown role 'root'");
    }
}
