package dev.steward.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged {@code steward server} running as a child process, as a user would start it. */
final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");

    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final URI uri;
    private final String adminToken;

    private ServerProcess(Process process, URI uri, String adminToken) {
        this.process = process;
        this.uri = uri;
        this.adminToken = adminToken;
    }

    static ServerProcess start(Path home) throws IOException {
        String jar = System.getProperty("steward.jar");
        if (jar == null) {
            throw new IllegalStateException("system property steward.jar is not set: run this test through 'mvn verify'");
        }
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-jar", jar,
                "--home", home.toString(), "server", "--port", "0")
                .redirectErrorStream(true)
                .start();
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<URI> listening = new CompletableFuture<>();
        String[] token = new String[1];
        Thread pump = new Thread(() -> {
            try {
                String line;
                boolean tokenNext = false;
                while ((line = reader.readLine()) != null) {
                    lines.add(line);
                    if (tokenNext) {
                        token[0] = line.trim();
                        tokenNext = false;
                    }
                    tokenNext |= line.startsWith("First start: created an admin token");
                    Matcher matcher = LISTENING.matcher(line);
                    if (matcher.find()) {
                        listening.complete(URI.create(matcher.group(1)));
                    }
                }
            } catch (IOException ignored) {
                // The process was killed; what it printed so far is in lines.
            }
            listening.completeExceptionally(new IllegalStateException("server exited before listening: " + lines));
        }, "server-output");
        pump.setDaemon(true);
        pump.start();
        try {
            URI uri = listening.get(60, TimeUnit.SECONDS);
            ServerProcess server = new ServerProcess(process, uri, token[0]);
            server.output.addAll(lines);
            return server;
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("server did not start: " + lines, e);
        }
    }

    URI uri() {
        return uri;
    }

    String adminToken() {
        return adminToken;
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
    public void close() {
        process.destroyForcibly();
    }
}
