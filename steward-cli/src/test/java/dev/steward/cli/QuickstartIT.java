package dev.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.client.StewardClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code steward quickstart} as a user runs it: killed outright while its sweep trains,
 * then run again, which continues on what the first made and completes; then left serving, while a
 * second quickstart on the same home is refused by the home's lock, and stopped cleanly by SIGTERM
 * (what Ctrl-C sends the JVM).
 */
class QuickstartIT {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");

    @TempDir
    Path home;

    @TempDir
    Path logs;

    @Test
    void aKilledQuickstartIsContinuedByTheNextAndASecondOneWhileItServesIsRefused() throws Exception {
        Process killed = quickstart("killed.log", "--no-serve");
        URI url = URI.create(await("killed.log", killed, lines -> lines.stream().anyMatch(l -> LISTENING.matcher(l).find()))
                .stream().map(LISTENING::matcher).filter(Matcher::find).findFirst().orElseThrow().group(1));
        await("killed.log", killed, lines -> lines.stream().anyMatch(l -> l.matches("^\\[ 1/11] (✓|ok) .*")));
        try (StewardClient client = StewardClient.create(url, Files.readString(home.resolve("admin.token")).trim())) {
            awaitTrue(() -> jobs(client).stream().anyMatch(j -> j.get("kind").asText().equals("train") && j.get("status").asText().equals("running")),
                    "a trial of the sweep running");
        }
        killed.destroyForcibly();
        killed.waitFor();

        Process again = quickstart("again.log", "--no-serve");
        assertThat(again.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String output = String.join("\n", Files.readAllLines(logs.resolve("again.log")));
        System.out.println(output);
        assertThat(again.exitValue()).as(output).isZero();
        assertThat(output).contains("already imported", "intact");
        assertThat(output.lines().filter(l -> l.matches("^\\[\\s*\\d+/11] (✓|ok) .*")).count()).as(output).isEqualTo(11);

        Process serving = quickstart("serving.log");
        URI served = URI.create(await("serving.log", serving, lines -> lines.stream().anyMatch(l -> l.contains("Serving until Ctrl-C")))
                .stream().map(LISTENING::matcher).filter(Matcher::find).findFirst().orElseThrow().group(1));
        // On the same port too, as two quickstarts on the defaults would be: the home's lock is what it is told about.
        Process second = quickstart("second.log", "--no-serve", "--port", Integer.toString(served.getPort()));
        assertThat(second.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String refused = String.join("\n", Files.readAllLines(logs.resolve("second.log")));
        assertThat(second.exitValue()).as(refused).isEqualTo(Main.FAILED);
        assertThat(refused).contains("already running on", "pid " + serving.pid(), "--home").doesNotContain("Exception");

        serving.destroy();
        assertThat(serving.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(Files.readAllLines(logs.resolve("serving.log"))).anyMatch(l -> l.startsWith("Steward stopped"));
        assertThat(home.resolve("server.json")).doesNotExist();
    }

    private Process quickstart(String log, String... options) throws IOException {
        String jar = System.getProperty("steward.jar");
        if (jar == null) {
            throw new IllegalStateException("system property steward.jar is not set: run this test through 'mvn verify'");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar,
                "--home", home.toString(), "quickstart"));
        command.addAll(List.of(options));
        if (!command.contains("--port")) {
            command.addAll(List.of("--port", "0"));
        }
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logs.resolve(log).toFile()).start();
    }

    /** The process's output once it meets the condition; fails when the process ends first or after two minutes. */
    private List<String> await(String log, Process process, Predicate<List<String>> condition) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (true) {
            List<String> lines = Files.readAllLines(logs.resolve(log));
            if (condition.test(lines)) {
                return lines;
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new AssertionError("the quickstart did not get there: " + String.join("\n", lines));
            }
            Thread.sleep(20);
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited two minutes for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static List<JsonNode> jobs(StewardClient client) {
        List<JsonNode> jobs = new ArrayList<>();
        client.call("GET", "/api/v1/jobs?max_results=1000", null).get("jobs").forEach(jobs::add);
        return jobs;
    }
}
