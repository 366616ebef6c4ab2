package dev.steward.cli;

import dev.steward.server.Steward;
import dev.steward.server.StewardServer;
import dev.steward.server.config.ConfigLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** A real server in this JVM on a temporary home, and the CLI pointed at it. */
final class TestServer implements AutoCloseable {
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    private final StewardServer server;
    private final Path home;

    private TestServer(StewardServer server, Path home) {
        this.server = server;
        this.home = home;
    }

    static TestServer start(Path home) {
        return new TestServer(StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0")))), home);
    }

    String url() {
        return server.uri().toString();
    }

    Path home() {
        return home;
    }

    String adminToken() {
        return server.createdAdminToken().orElseThrow();
    }

    StewardServer server() {
        return server;
    }

    /** Runs a command line with this server's home and URL (the URL goes before a {@code --}, whose rest is a child command). */
    Cli cli(String... args) {
        List<String> all = new ArrayList<>(List.of("--home", home.toString()));
        List<String> given = List.of(args);
        int childCommand = given.indexOf("--");
        all.addAll(childCommand < 0 ? given : given.subList(0, childCommand));
        all.addAll(List.of("--url", url()));
        if (childCommand >= 0) {
            all.addAll(given.subList(childCommand, given.size()));
        }
        return Cli.run(all.toArray(String[]::new));
    }

    /** Runs a command line as the holder of {@code token}. */
    Cli as(String token, String... args) {
        List<String> line = new ArrayList<>(List.of(args));
        line.addAll(List.of("--token", token));
        return cli(line.toArray(String[]::new));
    }

    /** Creates a token through the command line; its secret. */
    String token(String name, String role) {
        Cli created = ok(cli("token", "create", "--name", name, "--role", role));
        return created.out().lines().skip(1).findFirst().orElseThrow().trim();
    }

    /** A command line that must have succeeded; its output is shown when it did not. */
    static Cli ok(Cli result) {
        org.assertj.core.api.Assertions.assertThat(result.status()).as(result.out() + result.err()).isZero();
        return result;
    }

    /** Runs the command line until its result meets the condition, for up to two minutes; returns that result. */
    Cli await(Predicate<Cli> condition, String... args) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        Cli last = cli(args);
        while (!condition.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + PATIENCE.toSeconds() + " s for '" + String.join(" ", args) + "'; last output:\n"
                        + last.out() + last.err());
            }
            Thread.sleep(50);
            last = cli(args);
        }
        return last;
    }

    @Override
    public void close() {
        server.close();
    }
}
