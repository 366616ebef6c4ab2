package dev.steward.train.tribuo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.spi.StewardException;
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
