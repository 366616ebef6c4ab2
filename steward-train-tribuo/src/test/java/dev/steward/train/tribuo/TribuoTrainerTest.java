package dev.steward.train.tribuo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.steward.runtime.onnx.OnnxModelRuntime;
import dev.steward.spi.serving.ModelRuntime;
import dev.steward.spi.serving.Tensor;
import dev.steward.spi.training.FittedColumn;
import dev.steward.spi.training.FittedStep;
import dev.steward.spi.training.Task;
import dev.steward.spi.training.TrainedModel;
import dev.steward.spi.training.TrainingRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The exported graph of every algorithm, run in ONNX Runtime on raw inputs, gives Tribuo's own
 * predictions: synthetic data with a numeric feature whose missing values are imputed, a binary
 * 0/1 feature (so that splits land exactly on data values) and a categorical one, for three
 * classes and for regression.
 */
class TribuoTrainerTest {
    private static final ModelRuntime RUNTIME = new OnnxModelRuntime(1);
    private static final int ROWS = 400;

    @ParameterizedTest
    @ValueSource(strings = {"logistic_regression", "cart", "random_forest", "xgboost"})
    void classifiersMatchTribuoInOnnxRuntime(String algorithm) {
        check(algorithm, Task.MULTICLASS_CLASSIFICATION);
    }

    @ParameterizedTest
    @ValueSource(strings = {"linear_regression", "cart", "random_forest", "xgboost"})
    void regressorsMatchTribuoInOnnxRuntime(String algorithm) {
        check(algorithm, Task.REGRESSION);
    }

    private static void check(String algorithm, Task task) {
        SplittableRandom random = new SplittableRandom(3);
        double[] x = new double[ROWS];
        double[] flag = new double[ROWS];
        String[] colour = new String[ROWS];
        double[] target = new double[ROWS];
        List<String> colours = List.of("blue", "green", "red");
        for (int i = 0; i < ROWS; i++) {
            x[i] = i % 17 == 0 ? Double.NaN : random.nextGaussian();
            flag[i] = random.nextInt(2);
            colour[i] = i % 23 == 0 ? "" : colours.get(random.nextInt(3));
            double signal = (Double.isNaN(x[i]) ? 0.1 : x[i]) + flag[i] + (colour[i].equals("red") ? 1 : 0) + 0.3 * random.nextGaussian();
            target[i] = task.classification() ? (signal < 0.3 ? 0 : signal < 1.3 ? 1 : 2) : 1000 + 200 * signal;
        }
        List<FittedColumn> columns = List.of(
                new FittedColumn("x", false, List.of(new FittedStep.Impute("constant", 0.1), new FittedStep.Standardize(0.2, 1.5))),
                new FittedColumn("flag", false, List.of(new FittedStep.Impute("constant", 0))),
                new FittedColumn("colour", true, List.of(new FittedStep.ImputeCategory("constant", "red"),
                        new FittedStep.OneHot(List.of("blue", "green", "red"), false))));
        double[][] features = new double[ROWS][5];
        for (int i = 0; i < ROWS; i++) {
            features[i][0] = ((Double.isNaN(x[i]) ? 0.1 : x[i]) - 0.2) / 1.5;
            features[i][1] = flag[i];
            String c = colour[i].isEmpty() ? "red" : colour[i];
            features[i][2 + colours.indexOf(c)] = 1;
        }
        Map<String, Object> hyper = new HashMap<>();
        new TribuoTrainer().algorithms().stream().filter(a -> a.name().equals(algorithm)).findFirst().orElseThrow()
                .hyperparameters().forEach(h -> hyper.put(h.name(), h.defaultValue()));
        if (hyper.containsKey("n_trees")) {
            hyper.put("n_trees", 20L);
        }
        List<String> classes = task.classification() ? List.of("low", "mid", "high") : List.of();
        TrainedModel model = new TribuoTrainer().train(new TrainingRequest(task, algorithm, hyper, 11, columns, classes,
                List.of("x", "flag", "colour=blue", "colour=green", "colour=red"), features, target, features, target, 0,
                TrainingRequest.IterationListener.NONE, () -> false));
        try (ModelRuntime.LoadedModel loaded = RUNTIME.load(model.onnx())) {
            Map<String, Tensor> out = loaded.run(List.of(Tensor.column("x", x), Tensor.column("flag", flag), Tensor.column("colour", colour)),
                    Set.of(task.classification() ? "probabilities" : "prediction"));
            double[][] expected = model.validationScores();
            if (task.classification()) {
                double[] probabilities = out.get("probabilities").doubles();
                for (int i = 0; i < ROWS; i++) {
                    for (int k = 0; k < 3; k++) {
                        assertThat(probabilities[i * 3 + k]).as("row %d class %d", i, k).isCloseTo(expected[i][k], within(1e-5));
                    }
                }
            } else {
                double[] predictions = out.get("prediction").doubles();
                for (int i = 0; i < ROWS; i++) {
                    assertThat(predictions[i]).as("row %d", i).isCloseTo(expected[i][0], within(1e-5 * Math.abs(expected[i][0])));
                }
            }
        }
    }
}
