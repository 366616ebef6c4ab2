package dev.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CliCommandsTest {
    @TempDir
    static Path home;

    static TestServer server;
    static String url;

    @BeforeAll
    static void start() {
        server = TestServer.start(home);
        url = server.url();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyCommandAndSubcommandHasHelp() {
        List<List<String>> commands = new ArrayList<>();
        CommandLine all = Main.commandLine(new String[] {"help"});
        all.getSubcommands().values().forEach(command -> {
            commands.add(List.of(command.getCommandName()));
            command.getSubcommands().keySet().forEach(sub -> commands.add(List.of(command.getCommandName(), sub)));
        });
        assertThat(commands).contains(List.of("data", "quarantine"), List.of("data", "release"), List.of("runs", "artifacts"),
                List.of("models", "promote"), List.of("lineage", "model"), List.of("webhooks", "deliveries"), List.of("gc"));
        for (List<String> command : commands) {
            List<String> args = new ArrayList<>(command);
            args.add("--help");
            Cli result = Cli.run(args.toArray(String[]::new));
            assertThat(result.status()).as(args.toString()).isZero();
            assertThat(result.out()).as(args.toString()).contains("Usage: steward " + String.join(" ", command));
        }
        // The usage message built from outlines reads exactly as the one of the whole command tree.
        Cli usage = Cli.run("--help");
        assertThat(usage.out()).isEqualTo(all.getUsageMessage()).contains("server", "runs", "--home", "help");
        assertThat(Cli.run().out()).isEqualTo(usage.out());
    }

    @Test
    void aCommandLineGetsOnlyTheCommandItNamesAndAnOutlineOfTheOthersWhenItNamesNone() {
        assertThat(Main.commandLine(new String[] {"--home", "runs", "data", "list"}).getSubcommands()).containsOnlyKeys("data");
        assertThat(Main.commandLine(new String[] {"help", "data"}).getSubcommands()).hasSize(Main.COMMANDS.size());
        assertThat(Main.commandLine(new String[] {"--help"}).getSubcommands()).hasSize(Main.COMMANDS.size())
                .allSatisfy((name, outline) -> assertThat(outline.getSubcommands()).isEmpty());
        Cli mistyped = Cli.run("dta", "list");
        assertThat(mistyped.status()).isEqualTo(Main.USAGE);
        // Picocli suggests every command close enough by its letter pairs, best first ("dta" also shares "ta" with quickstart).
        assertThat(mistyped.err()).contains("Unmatched argument", "Did you mean: steward data");
    }

    @Test
    void everyClientCommandPrintsJsonOnRequest() {
        Cli tokens = Cli.run("--home", home.toString(), "token", "list", "--url", url, "--json");
        assertThat(tokens.status()).as(tokens.err()).isZero();
        assertThat(tokens.out()).contains("\"created_by_name\" : \"system\"", "\"role\" : \"admin\"");
        Cli experiments = Cli.run("--home", home.toString(), "experiments", "create", "json-exp", "--url", url, "--json");
        assertThat(experiments.out()).contains("\"name\" : \"json-exp\"", "\"lifecycle_stage\" : \"active\"");
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
        // Made with the admin token, which is named "admin", and the admin token by the server itself.
        assertThat(listed.out()).containsPattern(id + "\\s+nightly\\s+editor\\s+\\S+\\s+admin\\n")
                .containsPattern("\\s+admin\\s+admin\\s+\\S+\\s+system\\n");

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
        assertThat(json.out()).contains("\"action\":\"token.create\"", "\"actor_name\":");
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
        assertThat(result.err()).contains("cannot reach Steward at http://127.0.0.1:1 (from --url)", "--url", "STEWARD_URL", "--home")
                .doesNotContain("at java.");
    }

    @Test
    void aMissingTokenSaysHowToGetOne(@TempDir Path emptyHome) {
        Cli result = Cli.run("--home", emptyHome.toString(), "audit", "list", "--url", url);

        assertThat(result.status()).isEqualTo(1);
        assertThat(result.err()).contains("--token", "STEWARD_TOKEN", "admin.token");
    }

    @Test
    void aTokenMadeOfflineIsListedAsMadeByTheLocalUser(@TempDir Path otherHome) {
        Cli created = Cli.run("--home", otherHome.toString(), "token", "create", "--offline", "--name", "rescue", "--role", "admin", "--json");
        assertThat(created.status()).as(created.err()).isZero();
        assertThat(created.out()).contains("\"secret\" : \"stw_", "\"created_by_name\" : \"local:" + System.getProperty("user.name"));
        Matcher secret = Pattern.compile("\"secret\" : \"(stw_[^\"]+)\"").matcher(created.out());
        assertThat(secret.find()).isTrue();
        try (TestServer other = TestServer.start(otherHome)) {
            Cli listed = other.cli("token", "list", "--token", secret.group(1));
            assertThat(listed.status()).as(listed.err()).isZero();
            assertThat(listed.out()).containsPattern("rescue\\s+admin\\s+\\S+\\s+local:" + System.getProperty("user.name") + "\\n");
        }
    }

    @Test
    void aBadRoleIsRefusedOffline(@TempDir Path otherHome) {
        Cli result = Cli.run("--home", otherHome.toString(), "token", "create", "--offline", "--name", "x", "--role", "root");

        assertThat(result.status()).isEqualTo(1);
        assertThat(result.err()).contains("unknown role 'root'");
    }
}
