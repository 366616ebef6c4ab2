package dev.steward.train.tribuo;

import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import dev.steward.spi.training.FittedColumn;
import dev.steward.spi.training.Task;
import dev.steward.spi.training.TrainedModel;
import dev.steward.spi.training.TrainingRequest;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The training process started by {@link IsolatedTrainer}: reads a request, trains with
 * {@link TribuoTrainer}, prints iteration metrics as {@code steward-iteration <step> <name> <value>}
 * lines, and writes the result (or the error) atomically. Not an API.
 */
public final class TrainingMain {
    private TrainingMain() {
    }

    /** The argument that makes a worker: it reads a request path and a result path per training from its input. */
    static final String SERVE = "--serve";
    /** Printed by a worker when a training's result (or error) is written. */
    static final String DONE = "steward-training-done";

    public static void main(String[] args) throws Exception {
        BlockingQueue<String> input = watchServer();
        if (args.length == 1 && args[0].equals(SERVE)) {
            while (true) {
                Path in = Path.of(input.take());
                Path out = Path.of(input.take());
                trainOnce(in, out);
                System.out.println(DONE);
                System.out.flush();
                // An idle worker should not sit on the heap of a large training: a full collection lets the JVM give it back.
                System.gc();
            }
        }
        trainOnce(Path.of(args[0]), Path.of(args[1]));
        System.exit(0);
    }

    /** Trains one request and writes its result (or the error) atomically. */
    private static void trainOnce(Path requestFile, Path resultFile) throws Exception {
        WireRequest wire;
        try (ObjectInputStream in = new ObjectInputStream(new BufferedInputStream(Files.newInputStream(requestFile), 1 << 16))) {
            wire = (WireRequest) in.readObject();
        }
        Object result;
        try {
            TrainingRequest request = wire.toRequest((step, metrics) -> {
                metrics.forEach((name, value) -> System.out.println(IsolatedTrainer.ITERATION + step + " " + name + " " + value));
                System.out.flush();
                return true;
            });
            result = WireResult.of(new TribuoTrainer().train(request));
        } catch (StewardException e) {
            result = new WireError(e.code().name(), e.field().orElse(null), e.getMessage());
        } catch (RuntimeException | OutOfMemoryError e) {
            e.printStackTrace();
            result = new WireError(ErrorCode.INTERNAL_ERROR.name(), null, String.valueOf(e));
        }
        Path partial = resultFile.resolveSibling(resultFile.getFileName() + ".partial");
        try (ObjectOutputStream o = new ObjectOutputStream(new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16))) {
            o.writeObject(result);
        }
        Files.move(partial, resultFile, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Reads the lines the server sends (a worker's requests) and stops this process at once when
     * its input ends: only the server holds the other end of that pipe, and the kernel closes it
     * when the server dies, however it dies. A server killed outright thus cannot leave a
     * training running.
     */
    private static BlockingQueue<String> watchServer() {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread watcher = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the same as the end of the input: the server is gone
            }
            System.err.println("the server that started this training is gone; stopping");
            Runtime.getRuntime().halt(3);
        }, "steward-server-watch");
        watcher.setDaemon(true);
        watcher.start();
        return lines;
    }

    record WireRequest(Task task, String algorithm, HashMap<String, Object> hyperparameters, long seed, List<FittedColumn> inputs,
            List<String> classes, List<String> featureNames, double[][] features, double[] target, double[][] validationFeatures,
            double[] validationTarget) implements Serializable {
        static WireRequest of(TrainingRequest r) {
            return new WireRequest(r.task(), r.algorithm(), new HashMap<>(r.hyperparameters()), r.seed(), List.copyOf(r.inputs()),
                    List.copyOf(r.classes()), List.copyOf(r.featureNames()), r.features(), r.target(), r.validationFeatures(), r.validationTarget());
        }

        TrainingRequest toRequest(TrainingRequest.IterationListener listener) {
            return new TrainingRequest(task, algorithm, hyperparameters, seed, inputs, classes, featureNames, features, target, validationFeatures,
                    validationTarget, 0, listener, () -> false);
        }
    }

    record WireResult(byte[] onnx, byte[] nativeModel, String nativeFormat, double[][] validationScores, HashMap<String, String> libraries)
            implements Serializable {
        static WireResult of(TrainedModel m) {
            return new WireResult(m.onnx(), m.nativeModel(), m.nativeFormat(), m.validationScores(), new HashMap<>(m.libraries()));
        }

        TrainedModel toModel() {
            return new TrainedModel(onnx, nativeModel, nativeFormat, validationScores, libraries);
        }
    }

    record WireError(String code, String field, String message) implements Serializable {
        StewardException toException() {
            if (field != null) {
                return StewardException.invalid(field, message);
            }
            return StewardException.of(ErrorCode.valueOf(code), message);
        }
    }
}
