package dev.steward.train.tribuo;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import dev.steward.spi.training.Algorithm;
import dev.steward.spi.training.TrainedModel;
import dev.steward.spi.training.Trainer;
import dev.steward.spi.training.TrainingRequest;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs each training in its own JVM ({@link TrainingMain}), so that a guardrail or a cancellation
 * stops it at once and completely (the process is killed: Tribuo and XGBoost cannot be
 * interrupted in-process), and so that {@code maxHeapMb} is a real limit ({@code -Xmx}): a
 * training that runs out of memory fails alone and never takes the server down. The request and
 * the result go through files in a private temporary directory; iteration metrics are read from
 * the child's output as they come. Thread-safe.
 */
public final class IsolatedTrainer implements Trainer {
    static final String ITERATION = "steward-iteration ";
    private static final int LOG_LINES = 20;

    private final TribuoTrainer algorithms = new TribuoTrainer();
    private final String java;
    private final String classPath;

    public IsolatedTrainer() {
        this(Path.of(System.getProperty("java.home"), "bin", "java").toString(), System.getProperty("java.class.path"));
    }

    IsolatedTrainer(String java, String classPath) {
        this.java = requireNonNull(java, "java is null");
        this.classPath = requireNonNull(classPath, "classPath is null");
    }

    @Override
    public List<Algorithm> algorithms() {
        return algorithms.algorithms();
    }

    @Override
    public TrainedModel train(TrainingRequest request) {
        Path directory = null;
        Process process = null;
        try {
            directory = Files.createTempDirectory("steward-training-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path in = directory.resolve("request.bin");
            Path out = directory.resolve("result.bin");
            try (ObjectOutputStream o = new ObjectOutputStream(new BufferedOutputStream(Files.newOutputStream(in), 1 << 16))) {
                o.writeObject(TrainingMain.WireRequest.of(request));
            }
            List<String> command = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-Djava.awt.headless=true"));
            if (request.maxHeapMb() > 0) {
                command.add("-Xmx" + request.maxHeapMb() + "m");
            }
            command.addAll(List.of("-cp", classPath, TrainingMain.class.getName(), in.toString(), out.toString()));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().keySet().removeIf(name -> name.startsWith("STEWARD_") || name.startsWith("MLFLOW_"));
            process = builder.start();
            Deque<String> tail = new ArrayDeque<>();
            Process child = process;
            Thread reader = new Thread(() -> follow(child, request, tail), "steward-training-output");
            reader.setDaemon(true);
            reader.start();
            while (!process.waitFor(100, TimeUnit.MILLISECONDS)) {
                if (request.cancelled().getAsBoolean()) {
                    kill(process);
                    throw StewardException.of(ErrorCode.INVALID_STATE, "training stopped before it finished");
                }
            }
            reader.join(2_000);
            if (request.cancelled().getAsBoolean()) {
                throw StewardException.of(ErrorCode.INVALID_STATE, "training stopped before it finished");
            }
            if (!Files.exists(out)) {
                String log;
                synchronized (tail) {
                    log = String.join("\n", tail);
                }
                throw StewardException.internal("the training process exited with status " + process.exitValue()
                        + (log.contains("OutOfMemoryError") ? " (out of memory: raise guardrails.max_memory_mb)" : "") + ":\n" + log, null);
            }
            try (ObjectInputStream i = new ObjectInputStream(new BufferedInputStream(Files.newInputStream(out), 1 << 16))) {
                Object result = i.readObject();
                if (result instanceof TrainingMain.WireError error) {
                    throw error.toException();
                }
                return ((TrainingMain.WireResult) result).toModel();
            }
        } catch (IOException | ClassNotFoundException e) {
            throw StewardException.internal("running the training process: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (process != null) {
                kill(process);
            }
            throw StewardException.of(ErrorCode.INVALID_STATE, "training interrupted");
        } finally {
            if (process != null && process.isAlive()) {
                kill(process);
            }
            delete(directory);
        }
    }

    /** Hands iteration lines to the listener (killing the child when it says stop) and keeps the last lines of other output. */
    private static void follow(Process process, TrainingRequest request, Deque<String> tail) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith(ITERATION)) {
                    String[] parts = line.substring(ITERATION.length()).split(" ");
                    if (!request.listener().iteration(Integer.parseInt(parts[0]), Map.of(parts[1], Double.parseDouble(parts[2])))) {
                        kill(process);
                        return;
                    }
                    continue;
                }
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > LOG_LINES) {
                        tail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            // the process ended; its exit status tells the rest
        }
    }

    private static void kill(Process process) {
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void delete(Path directory) {
        if (directory == null) {
            return;
        }
        try (var files = Files.list(directory)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            // a leftover temporary file is harmless
        }
    }
}
