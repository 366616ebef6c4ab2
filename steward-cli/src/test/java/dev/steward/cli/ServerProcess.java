package dev.steward.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged {@code steward server} running as a child process, as a user would start it. Its
 * output goes to a file rather than a pipe: the JDK drains a pipe when the process exits and a
 * reader racing with that loses the last lines, which are the ones a test of stopping reads.
 */
final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");
    private static final String TOKEN_FOLLOWS = "First start: created an admin token";

    private final Process process;
    private final Path log;
    private final URI uri;
    private final String adminToken;

    private ServerProcess(Process process, Path log, URI uri, String adminToken) {
        this.process = process;
        this.log = log;
        this.uri = uri;
        this.adminToken = adminToken;
    }

    /** Starts {@code steward --home HOME server --port 0 SERVER_ARGS...} and waits until it listens. */
    static ServerProcess start(Path home, String... serverArgs) throws IOException, InterruptedException {
        String jar = System.getProperty("steward.jar");
        if (jar == null) {
            throw new IllegalStateException("system property steward.jar is not set: run this test through 'mvn verify'");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-jar",
                jar, "--home", home.toString(), "server", "--port", "0"));
        command.addAll(List.of(serverArgs));
        Path log = Files.createTempFile("steward-server-", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            List<String> lines = Files.readAllLines(log);
            Optional<URI> uri = lines.stream().map(LISTENING::matcher).filter(Matcher::find).map(m -> URI.create(m.group(1))).findFirst();
            if (uri.isPresent()) {
                int tokenLine = lines.indexOf(lines.stream().filter(l -> l.startsWith(TOKEN_FOLLOWS)).findFirst().orElse(""));
                return new ServerProcess(process, log, uri.get(), tokenLine < 0 ? null : lines.get(tokenLine + 1).trim());
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("server did not start: " + lines);
            }
            Thread.sleep(20);
        }
    }

    URI uri() {
        return uri;
    }

    String adminToken() {
        return adminToken;
    }

    /** Everything the server printed so far (standard output and error), line by line. */
    List<String> output() throws IOException {
        return Files.readAllLines(log);
    }

    /** Sends SIGKILL: no shutdown hook runs, nothing is flushed. */
    int kill() throws InterruptedException {
        process.destroyForcibly();
        return process.waitFor();
    }

    /** Sends SIGTERM and waits for the process to exit. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("server did not stop within 60 s of SIGTERM");
        }
        return process.exitValue();
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        Files.deleteIfExists(log);
    }
}
