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
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs trainings outside the server's JVM ({@link TrainingMain}), so that a guardrail or a
 * cancellation stops a training at once and completely (its process is killed: Tribuo and XGBoost
 * cannot be interrupted in-process), and a training that runs out of memory fails alone.
 * Trainings without a memory limit go to <em>worker</em> JVMs that serve one training after the
 * other and stay warm (loaded classes, compiled code) between them; a worker is killed whenever
 * its training is stopped, and at most {@code idleWorkers} wait for work. A training with
 * {@code maxHeapMb} gets a JVM of its own with that {@code -Xmx}. Requests and results go through
 * files in a private temporary directory; iteration metrics are read from the child's output as
 * they come. Thread-safe.
 */
public final class IsolatedTrainer implements Trainer, AutoCloseable {
    static final String ITERATION = "steward-iteration ";
    private static final int LOG_LINES = 20;

    private final TribuoTrainer algorithms = new TribuoTrainer();
    private final String java;
    private final String classPath;
    private final int idleWorkers;
    private final BlockingQueue<Child> idle = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    /** {@code idleWorkers}: warm worker JVMs kept between trainings (0: a new JVM for every training). */
    public IsolatedTrainer(int idleWorkers) {
        this(Path.of(System.getProperty("java.home"), "bin", "java").toString(), System.getProperty("java.class.path"), idleWorkers);
    }

    IsolatedTrainer(String java, String classPath, int idleWorkers) {
        this.java = requireNonNull(java, "java is null");
        this.classPath = requireNonNull(classPath, "classPath is null");
        if (idleWorkers < 0) {
            throw new IllegalArgumentException("idleWorkers must be 0 or more");
        }
        this.idleWorkers = idleWorkers;
    }

    @Override
    public List<Algorithm> algorithms() {
        return algorithms.algorithms();
    }

    /** A training JVM: a worker reads request paths from its input, a one-shot one got them as arguments. */
    private record Child(Process process, BufferedReader lines, Writer commands) {
    }

    @Override
    public TrainedModel train(TrainingRequest request) {
        Path directory = null;
        Child child = null;
        boolean reusable = false;
        try {
            directory = Files.createTempDirectory("steward-training-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path in = directory.resolve("request.bin");
            Path out = directory.resolve("result.bin");
            try (ObjectOutputStream o = new ObjectOutputStream(new BufferedOutputStream(Files.newOutputStream(in), 1 << 16))) {
                o.writeObject(TrainingMain.WireRequest.of(request));
            }
            boolean worker = request.maxHeapMb() == 0 && idleWorkers > 0;
            if (worker) {
                child = idle.poll();
                while (child != null && !child.process().isAlive()) {
                    child = idle.poll();
                }
                if (child == null) {
                    child = start(List.of(TrainingMain.SERVE), 0);
                }
                child.commands().write(in + "\n" + out + "\n");
                child.commands().flush();
            } else {
                child = start(List.of(in.toString(), out.toString()), request.maxHeapMb());
            }
            Deque<String> tail = new ArrayDeque<>();
            CountDownLatch done = new CountDownLatch(1);
            Child running = child;
            Thread reader = new Thread(() -> follow(running, request, tail, done), "steward-training-output");
            reader.setDaemon(true);
            reader.start();
            while (!done.await(100, TimeUnit.MILLISECONDS)) {
                if (request.cancelled().getAsBoolean()) {
                    throw StewardException.of(ErrorCode.INVALID_STATE, "training stopped before it finished");
                }
            }
            reader.join(2_000);
            if (request.cancelled().getAsBoolean()) {
                throw StewardException.of(ErrorCode.INVALID_STATE, "training stopped before it finished");
            }
            if (!Files.exists(out)) {
                child.process().waitFor(2, TimeUnit.SECONDS);
                String log;
                synchronized (tail) {
                    log = String.join("\n", tail);
                }
                throw StewardException.internal("the training process ended" + (child.process().isAlive() ? "" : " with status "
                        + child.process().exitValue()) + (log.contains("OutOfMemoryError") ? " (out of memory: raise guardrails.max_memory_mb)" : "")
                        + ":\n" + log, null);
            }
            reusable = worker && child.process().isAlive();
            try (ObjectInputStream i = new ObjectInputStream(new BufferedInputStream(Files.newInputStream(out), 1 << 16))) {
                Object result = i.readObject();
                if (result instanceof TrainingMain.WireError error) {
                    throw error.toException();
                }
                return ((TrainingMain.WireResult) result).toModel();
            }
        } catch (IOException | ClassNotFoundException e) {
            reusable = false;
            throw StewardException.internal("running the training process: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reusable = false;
            throw StewardException.of(ErrorCode.INVALID_STATE, "training interrupted");
        } finally {
            if (child != null) {
                if (reusable && !closed && idle.size() < idleWorkers) {
                    idle.add(child);
                } else {
                    kill(child.process());
                }
            }
            delete(directory);
        }
    }

    private Child start(List<String> arguments, long maxHeapMb) throws IOException {
        List<String> command = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-Djava.awt.headless=true"));
        if (maxHeapMb > 0) {
            command.add("-Xmx" + maxHeapMb + "m");
        }
        command.addAll(List.of("-cp", classPath, TrainingMain.class.getName()));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("STEWARD_") || name.startsWith("MLFLOW_"));
        Process process = builder.start();
        return new Child(process, new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)),
                new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    }

    /**
     * Hands iteration lines to the listener (killing the child when it says stop), keeps the last
     * lines of other output, and counts {@code done} down when the training's result is written or
     * the child ended.
     */
    private static void follow(Child child, TrainingRequest request, Deque<String> tail, CountDownLatch done) {
        try {
            String line;
            while ((line = child.lines().readLine()) != null) {
                if (line.equals(TrainingMain.DONE)) {
                    return;
                }
                if (line.startsWith(ITERATION)) {
                    String[] parts = line.substring(ITERATION.length()).split(" ");
                    if (!request.listener().iteration(Integer.parseInt(parts[0]), Map.of(parts[1], Double.parseDouble(parts[2])))) {
                        kill(child.process());
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
        } finally {
            done.countDown();
        }
    }

    /** Worker JVMs waiting for a training (for tests). */
    int idleWorkers() {
        return idle.size();
    }

    /** Stops the idle workers. */
    @Override
    public void close() {
        closed = true;
        Child child;
        while ((child = idle.poll()) != null) {
            kill(child.process());
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
