package dev.steward.train.tribuo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.spi.StewardException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import dev.steward.spi.training.FittedColumn;
import dev.steward.spi.training.FittedStep;
import dev.steward.spi.training.Task;
import dev.steward.spi.training.TrainedModel;
import dev.steward.spi.training.TrainingRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** Trainings in separate JVMs: the same model as in-process, warm workers reused, a stopped training's JVM killed, a heap limit enforced. */
class IsolatedTrainerTest {
    @Test
    void aWorkerGivesTheSameModelAsInProcessAndServesTheNextTraining() {
        try (IsolatedTrainer trainer = new IsolatedTrainer(1)) {
            TrainingRequest request = request("random_forest", 300, Map.of("n_trees", 10L), () -> false);
            TrainedModel isolated = trainer.train(request);
            assertThat(trainer.idleWorkers()).isEqualTo(1);
            TrainedModel again = trainer.train(request);
            assertThat(trainer.idleWorkers()).as("the worker went back to waiting").isEqualTo(1);

            byte[] inProcess = new TribuoTrainer().train(request).onnx();
            assertThat(isolated.onnx()).isEqualTo(inProcess);
            assertThat(again.onnx()).isEqualTo(inProcess);
        }
    }

    @Test
    void aStoppedTrainingKillsItsWorkerAndTheNextOneStillTrains() {
        try (IsolatedTrainer trainer = new IsolatedTrainer(1)) {
            AtomicBoolean stop = new AtomicBoolean();
            Thread stopper = new Thread(() -> {
                try {
                    Thread.sleep(1_500);
                } catch (InterruptedException e) {
                    return;
                }
                stop.set(true);
            });
            stopper.start();
            long start = System.nanoTime();
            assertThatThrownBy(() -> trainer.train(request("random_forest", 2_000, Map.of("n_trees", 5000L), stop::get)))
                    .isInstanceOf(StewardException.class).hasMessageContaining("stopped before it finished");
            assertThat((System.nanoTime() - start) / 1e9).as("stopped promptly").isLessThan(10);
            assertThat(trainer.idleWorkers()).isZero();
            assertThat(trainer.train(request("cart", 100, Map.of(), () -> false)).onnx()).isNotEmpty();
        }
    }

    @Test
    void aTrainingStopsWithinASecondWhenItsServerIsKilledOutright() throws Exception {
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), TrainingServer.class.getName()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String line;
            do {
                line = lines.readLine();
            } while (line != null && !line.startsWith("training in "));
            assertThat(line).as("the server started a training").isNotNull();
            long worker = Long.parseLong(line.substring("training in ".length()));

            server.destroyForcibly();
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
            long killed = System.nanoTime();
            while (alive(worker) && System.nanoTime() - killed < 30_000_000_000L) {
                Thread.sleep(5);
            }

            assertThat(alive(worker)).as("the training stopped itself").isFalse();
            assertThat((System.nanoTime() - killed) / 1e9).as("seconds from the server's death to the training's").isLessThan(1.0);
        } finally {
            server.destroyForcibly();
        }
    }

    /** Whether a process runs (a zombie waiting for a reaper does not). */
    private static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    /** A server stand-in: starts a long training in a worker JVM, prints the worker's pid, and waits to be killed. */
    static final class TrainingServer {
        public static void main(String[] args) throws Exception {
            IsolatedTrainer trainer = new IsolatedTrainer(1);
            Thread training = new Thread(() -> trainer.train(request("random_forest", 2_000, Map.of("n_trees", 100_000L), () -> false)));
            training.start();
            while (ProcessHandle.current().children().findAny().isEmpty()) {
                Thread.sleep(5);
            }
            System.out.println("training in " + ProcessHandle.current().children().findFirst().orElseThrow().pid());
            System.out.flush();
            training.join();
        }
    }

    @Test
    void aHeapLimitIsEnforcedInATrainingJvmOfItsOwn() {
        try (IsolatedTrainer trainer = new IsolatedTrainer(1)) {
            TrainingRequest big = request("logistic_regression", 200_000, Map.of(), () -> false, 16);
            assertThatThrownBy(() -> trainer.train(big)).isInstanceOf(StewardException.class).hasMessageContaining("out of memory");
            assertThat(trainer.idleWorkers()).isZero();
        }
    }

    @Test
    void sgdReportsItsTrainingLossPerEpochAndStopsWhenAskedInProcess() {
        List<Double> losses = new ArrayList<>();
        TrainingRequest request = request("logistic_regression", 200, Map.of("epochs", 6L), () -> false);
        TrainingRequest listening = new TrainingRequest(request.task(), request.algorithm(), request.hyperparameters(), request.seed(), request.inputs(),
                request.classes(), request.featureNames(), request.features(), request.target(), request.validationFeatures(), request.validationTarget(),
                0, (step, metrics) -> {
                    losses.add(metrics.get("training_loss"));
                    return step < 3;
                }, () -> false);

        assertThatThrownBy(() -> new TribuoTrainer().train(listening)).isInstanceOf(StewardException.class)
                .hasMessageContaining("training stopped at epoch 3");
        assertThat(losses).hasSize(3).allSatisfy(loss -> assertThat(loss).isPositive());
        assertThat(new TribuoTrainer().train(request).onnx()).as("the next training is not affected").isNotEmpty();
    }

    private static TrainingRequest request(String algorithm, int rows, Map<String, Object> overrides, BooleanSupplier cancelled) {
        return request(algorithm, rows, overrides, cancelled, 0);
    }

    private static TrainingRequest request(String algorithm, int rows, Map<String, Object> overrides, BooleanSupplier cancelled, long heapMb) {
        SplittableRandom random = new SplittableRandom(5);
        double[][] x = new double[rows][3];
        double[] y = new double[rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < 3; j++) {
                x[i][j] = random.nextGaussian();
            }
            y[i] = x[i][0] + 0.5 * random.nextGaussian() > 0 ? 1 : 0;
        }
        List<FittedColumn> columns = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            columns.add(new FittedColumn(name, false, List.of(new FittedStep.Impute("mean", 0))));
        }
        Map<String, Object> hyper = new HashMap<>();
        new TribuoTrainer().algorithms().stream().filter(a -> a.name().equals(algorithm)).findFirst().orElseThrow().hyperparameters()
                .forEach(h -> hyper.put(h.name(), h.defaultValue()));
        hyper.putAll(overrides);
        return new TrainingRequest(Task.BINARY_CLASSIFICATION, algorithm, hyper, 3, columns, List.of("no", "yes"), List.of("a", "b", "c"), x, y, x, y,
                heapMb, TrainingRequest.IterationListener.NONE, cancelled);
    }
}
