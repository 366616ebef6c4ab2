package dev.steward.cli;

import dev.steward.client.ExperimentInfo;
import dev.steward.client.RunDetails;
import dev.steward.client.StewardClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code steward run -- <command...>}: runs any command as a tracked run. The command sees MLflow's
 * environment variables, so a script using {@code mlflow} logs into this run; its output is shown
 * live and kept as artifacts; the run ends FINISHED when it exits 0, FAILED otherwise (KILLED when
 * this process is stopped), and this command exits with the command's status.
 */
@Command(name = "run", description = "Run a command as a tracked run: steward run -- python train.py")
final class RunCommand extends ConnectedCommand {
    /** Exit status when the command cannot be started, as shells use. */
    static final int NOT_STARTED = 127;

    @Option(names = {"-e", "--experiment"}, paramLabel = "EXPERIMENT",
            description = "Experiment id or name; a name that does not exist yet is created (default: 0, Default).")
    String experiment;

    @Option(names = "--name", paramLabel = "RUN_NAME", description = "Run name (default: a generated one).")
    String runName;

    @Parameters(paramLabel = "COMMAND", arity = "1..*", description = "The command and its arguments (after --).")
    List<String> command;

    @Override
    int execute() throws Exception {
        PrintStream out = new PrintStream(new WriterStream(out()), true);
        PrintStream err = new PrintStream(new WriterStream(err()), true);
        StewardClient c = client();
        ExperimentInfo target = experiment == null ? c.getExperiment("0") : Experiments.findOrCreate(c, experiment);
        Map<String, String> tags = new LinkedHashMap<>(sourceTags());
        tags.put("steward.command", String.join(" ", command));
        RunDetails run = c.createRun(target.id(), runName, tags);
        err.println("steward: run " + run.id() + " (" + run.name() + ") in experiment " + target.id() + " (" + target.name() + ")");

        Path logs = Files.createTempDirectory("steward-run-");
        Path stdout = logs.resolve("stdout.txt");
        Path stderr = logs.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.put("MLFLOW_TRACKING_URI", server.address().uri().toString());
        env.put("MLFLOW_TRACKING_TOKEN", server.secret());
        env.put("MLFLOW_RUN_ID", run.id());
        env.put("MLFLOW_EXPERIMENT_ID", target.id());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            err.println("steward: cannot start " + command.get(0) + ": " + e.getMessage());
            Files.writeString(stderr, "cannot start " + String.join(" ", command) + ": " + e.getMessage() + "\n");
            c.uploadRunArtifact(run, stderr, "logs");
            c.logBatch(run.id(), List.of(), Map.of(), Map.of("steward.exit_code", Integer.toString(NOT_STARTED)));
            c.endRun(run.id(), "FAILED");
            return NOT_STARTED;
        }
        Thread stopper = new Thread(() -> {
            process.destroy();
            try {
                c.endRun(run.id(), "KILLED");
            } catch (RuntimeException e) {
                // The JVM is exiting; the run stays RUNNING and can be ended by hand.
            }
        }, "steward-run-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        Thread copyOut = tee(process.getInputStream(), out, stdout);
        Thread copyErr = tee(process.getErrorStream(), err, stderr);
        int exit = process.waitFor();
        copyOut.join();
        copyErr.join();
        Runtime.getRuntime().removeShutdownHook(stopper);

        c.uploadRunArtifact(run, stdout, "logs");
        c.uploadRunArtifact(run, stderr, "logs");
        c.logBatch(run.id(), List.of(), Map.of(), Map.of("steward.exit_code", Integer.toString(exit)));
        String status = exit == 0 ? "FINISHED" : "FAILED";
        c.endRun(run.id(), status);
        err.println("steward: run " + run.id() + " " + status + " (exit status " + exit + ")");
        Files.deleteIfExists(stdout);
        Files.deleteIfExists(stderr);
        Files.deleteIfExists(logs);
        return exit;
    }

    private static Map<String, String> sourceTags() {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("mlflow.user", System.getProperty("user.name", "unknown"));
        tags.put("mlflow.source.type", "LOCAL");
        return tags;
    }

    /** Copies a child's stream to our console and to a file at once. */
    private static Thread tee(InputStream from, OutputStream console, Path file) {
        Thread thread = new Thread(() -> {
            try (InputStream in = from; OutputStream copy = Files.newOutputStream(file)) {
                byte[] buffer = new byte[8192];
                int n;
                while ((n = in.read(buffer)) != -1) {
                    copy.write(buffer, 0, n);
                    console.write(buffer, 0, n);
                    console.flush();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "steward-run-tee");
        thread.start();
        return thread;
    }

    /** Lets a PrintWriter (picocli's streams, replaceable in tests) take bytes. */
    private static final class WriterStream extends OutputStream {
        private final java.io.PrintWriter writer;
        private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();

        WriterStream(java.io.PrintWriter writer) {
            this.writer = writer;
        }

        @Override
        public synchronized void write(int b) {
            pending.write(b);
            if (b == '\n') {
                flush();
            }
        }

        @Override
        public synchronized void flush() {
            writer.print(pending.toString(java.nio.charset.StandardCharsets.UTF_8));
            pending.reset();
            writer.flush();
        }
    }
}
