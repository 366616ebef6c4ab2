package dev.steward.train.tribuo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import dev.steward.spi.training.Algorithm;
import dev.steward.spi.training.Hyperparameter;
import dev.steward.spi.training.Task;
import dev.steward.spi.training.TrainedModel;
import dev.steward.spi.training.Trainer;
import dev.steward.spi.training.TrainingRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ml.dmlc.xgboost4j.java.Booster;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Output;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.dtree.CARTClassificationTrainer;
import org.tribuo.classification.dtree.impurity.Entropy;
import org.tribuo.classification.dtree.impurity.GiniIndex;
import org.tribuo.classification.ensemble.FullyWeightedVotingCombiner;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.classification.xgboost.XGBoostClassificationTrainer;
import org.tribuo.common.tree.LeafNode;
import org.tribuo.common.tree.Node;
import org.tribuo.common.tree.RandomForestTrainer;
import org.tribuo.common.tree.SplitNode;
import org.tribuo.common.tree.TreeModel;
import org.tribuo.common.xgboost.XGBoostModel;
import org.tribuo.common.xgboost.XGBoostTrainer;
import org.tribuo.ensemble.EnsembleModel;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.StochasticGradientOptimiser;
import org.tribuo.math.la.DenseMatrix;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.math.optimisers.Adam;
import org.tribuo.math.optimisers.SGD;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.ensemble.AveragingCombiner;
import org.tribuo.regression.rtree.CARTRegressionTrainer;
import org.tribuo.regression.rtree.IndependentRegressionTreeModel;
import org.tribuo.regression.rtree.impurity.MeanAbsoluteError;
import org.tribuo.regression.rtree.impurity.MeanSquaredError;
import org.tribuo.regression.sgd.objectives.SquaredLoss;
import org.tribuo.regression.xgboost.XGBoostRegressionTrainer;

/**
 * {@link Trainer} on Tribuo 4.3: logistic and linear regression (SGD), CART trees, random forests
 * and gradient-boosted trees (XGBoost through Tribuo). Every model is exported by Steward itself
 * (Tribuo exports only its linear models, and in float): the linear weights, or the trees walked
 * node by node, behind the fitted preprocessing. Tribuo offers no native neural network (only
 * through TensorFlow), so none is on offer here. Thread-safe: each call builds its own trainer.
 */
public final class TribuoTrainer implements Trainer {
    static final String TRIBUO_VERSION = "4.3.2";
    static final String XGBOOST_VERSION = "1.6.2";
    private static final int STAGED_ROWS = 20_000;
    /** Tribuo reports every tree and epoch at INFO through java.util.logging; kept here so the level sticks. */
    private static final java.util.logging.Logger TRIBUO_LOG = java.util.logging.Logger.getLogger("org.tribuo");

    private static final java.util.logging.Logger SGD_LOG = java.util.logging.Logger.getLogger("org.tribuo.common.sgd.AbstractSGDTrainer");

    static {
        TRIBUO_LOG.setLevel(java.util.logging.Level.WARNING);
        SGD_LOG.setLevel(java.util.logging.Level.INFO);
        SGD_LOG.setUseParentHandlers(false);
        SGD_LOG.addHandler(new EpochLosses.Handler());
    }
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<Task> CLASSIFICATION = Set.of(Task.BINARY_CLASSIFICATION, Task.MULTICLASS_CLASSIFICATION);
    private static final Set<Task> ALL = Set.of(Task.values());
    private static final List<String> OPTIMIZERS = List.of("adagrad", "sgd", "adam");

    private static final List<Algorithm> ALGORITHMS = List.of(
            new Algorithm("logistic_regression", CLASSIFICATION, sgd(10, 1.0),
                    "Multinomial logistic regression trained by stochastic gradient descent (Tribuo LinearSGDTrainer, LogMulticlass)."),
            new Algorithm("linear_regression", Set.of(Task.REGRESSION), sgd(10, 0.1),
                    "Least-squares linear regression trained by stochastic gradient descent (Tribuo LinearSGDTrainer, SquaredLoss)."),
            new Algorithm("cart", ALL, List.of(
                    Hyperparameter.integer("max_depth", 1, 1000, 1000, "Deepest split level."),
                    Hyperparameter.number("min_child_weight", 0, 1e9, 5, "Fewest training rows (total weight) in a child of a split."),
                    Hyperparameter.number("min_impurity_decrease", 0, 1e9, 0, "Smallest impurity decrease a split must bring."),
                    Hyperparameter.number("fraction_features", 0.01, 1, 1, "Share of the features considered at each split."),
                    Hyperparameter.choice("impurity", List.of("default", "gini", "entropy", "mse", "mae"), "default",
                            "Split criterion: gini or entropy (classification), mse or mae (regression); default gini or mse.")),
                    "A CART decision tree (Tribuo CARTClassificationTrainer / CARTRegressionTrainer)."),
            new Algorithm("random_forest", ALL, List.of(
                    Hyperparameter.integer("n_trees", 1, 5000, 100, "Trees in the forest."),
                    Hyperparameter.integer("max_depth", 1, 1000, 1000, "Deepest split level of each tree."),
                    Hyperparameter.number("min_child_weight", 0, 1e9, 1, "Fewest training rows in a child of a split."),
                    Hyperparameter.number("fraction_features", 0.01, 1, 0.5, "Share of the features considered at each split.")),
                    "Bagged CART trees with feature sampling (Tribuo RandomForestTrainer); class probabilities are averaged."),
            new Algorithm("xgboost", ALL, List.of(
                    Hyperparameter.integer("n_trees", 1, 10_000, 100, "Boosting rounds."),
                    Hyperparameter.number("learning_rate", 1e-6, 1, 0.3, "Shrinkage (eta)."),
                    Hyperparameter.integer("max_depth", 1, 64, 6, "Deepest split level of each tree."),
                    Hyperparameter.number("min_child_weight", 0, 1e9, 1, "Smallest hessian sum in a child."),
                    Hyperparameter.number("subsample", 0.01, 1, 1, "Share of rows sampled for each tree."),
                    Hyperparameter.number("colsample", 0.01, 1, 1, "Share of features sampled for each tree."),
                    Hyperparameter.number("lambda", 0, 1e6, 1, "L2 regularisation of leaf weights."),
                    Hyperparameter.number("alpha", 0, 1e6, 0, "L1 regularisation of leaf weights."),
                    Hyperparameter.number("gamma", 0, 1e6, 0, "Smallest loss reduction for a split."),
                    Hyperparameter.integer("threads", 0, 256, 0, "Threads (0: all cores).")),
                    "Gradient-boosted trees, XGBoost " + XGBOOST_VERSION + " through Tribuo (hist tree method)."));

    private static List<Hyperparameter> sgd(int epochs, double learningRate) {
        return List.of(
                Hyperparameter.integer("epochs", 1, 100_000, epochs, "Passes over the training rows."),
                Hyperparameter.number("learning_rate", 1e-9, 1e9, learningRate, "Step size of the optimiser."),
                Hyperparameter.choice("optimizer", OPTIMIZERS, "adagrad", "adagrad, sgd (constant step) or adam."),
                Hyperparameter.integer("minibatch_size", 1, 1_000_000, 1, "Rows per gradient step."));
    }

    @Override
    public List<Algorithm> algorithms() {
        return ALGORITHMS;
    }

    @Override
    public TrainedModel train(TrainingRequest request) {
        Map<String, Object> h = request.hyperparameters();
        boolean classification = request.task().classification();
        String[] names = featureNames(request.featureNames().size());
        try {
            return switch (request.algorithm()) {
                case "logistic_regression", "linear_regression" -> linear(request, names);
                case "cart" -> trees(request, names, false);
                case "random_forest" -> trees(request, names, true);
                case "xgboost" -> xgboost(request, names);
                default -> throw StewardException.invalid("algorithm.name", "unknown algorithm '" + request.algorithm() + "'");
            };
        } catch (StewardException e) {
            throw e;
        } catch (Exception e) {
            throw StewardException.internal("training " + request.algorithm() + " with Tribuo (" + (classification ? "classification" : "regression")
                    + ", hyperparameters " + h + "): " + e.getMessage(), e);
        }
    }

    /** Feature names that sort in feature order, so Tribuo's feature ids are our column indices. */
    private static String[] featureNames(int count) {
        String[] names = new String[count];
        for (int i = 0; i < count; i++) {
            names[i] = String.format("f%07d", i);
        }
        return names;
    }

    private static MutableDataset<?> dataset(TrainingRequest request, String[] names) {
        return dataset(request, names, request.target());
    }

    private static MutableDataset<?> dataset(TrainingRequest request, String[] names, double[] target) {
        if (request.task().classification()) {
            LabelFactory factory = new LabelFactory();
            MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance("steward", factory), factory);
            for (int i = 0; i < request.features().length; i++) {
                data.add(new ArrayExample<>(new Label(request.classes().get((int) request.target()[i])), names, request.features()[i]));
            }
            return data;
        }
        RegressionFactory factory = new RegressionFactory();
        MutableDataset<Regressor> data = new MutableDataset<>(new SimpleDataSourceProvenance("steward", factory), factory);
        for (int i = 0; i < request.features().length; i++) {
            data.add(new ArrayExample<>(new Regressor("target", target[i]), names, request.features()[i]));
        }
        return data;
    }

    /** Tribuo's own predictions on the validation rows: class probabilities in request order, or the value. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static double[][] predict(Model model, TrainingRequest request, String[] names) {
        double[][] rows = request.validationFeatures();
        List<Example> examples = new ArrayList<>(rows.length);
        Output unknown = request.task().classification() ? LabelFactory.UNKNOWN_LABEL : RegressionFactory.UNKNOWN_REGRESSOR;
        for (double[] row : rows) {
            examples.add(new ArrayExample(unknown, names, row));
        }
        List<Prediction> predictions = model.predict((Iterable) examples);
        double[][] scores = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            Prediction p = predictions.get(i);
            if (request.task().classification()) {
                Map<String, Label> byName = p.getOutputScores();
                double[] probs = new double[request.classes().size()];
                for (int k = 0; k < probs.length; k++) {
                    Label label = byName.get(request.classes().get(k));
                    probs[k] = label == null ? 0 : label.getScore();
                }
                scores[i] = probs;
            } else {
                scores[i] = new double[] {((Regressor) p.getOutput()).getValues()[0]};
            }
        }
        return scores;
    }

    private static StochasticGradientOptimiser optimiser(Map<String, Object> h) {
        double rate = ((Number) h.get("learning_rate")).doubleValue();
        return switch ((String) h.get("optimizer")) {
            case "sgd" -> SGD.getSimpleSGD(rate);
            case "adam" -> new Adam(rate, 1e-8);
            default -> new AdaGrad(rate, 1e-6);
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private TrainedModel linear(TrainingRequest request, String[] names) {
        Map<String, Object> h = request.hyperparameters();
        int epochs = ((Number) h.get("epochs")).intValue();
        int batch = ((Number) h.get("minibatch_size")).intValue();
        // SGD on a target in the thousands barely moves from zero: regression learns the
        // standardised target, and the exported weights undo the scaling.
        double mean = 0;
        double std = 1;
        if (!request.task().classification()) {
            double[] y = request.target();
            mean = java.util.Arrays.stream(y).average().orElse(0);
            final double m = mean;
            double variance = java.util.Arrays.stream(y).map(v -> (v - m) * (v - m)).sum() / Math.max(1, y.length);
            std = variance > 0 ? Math.sqrt(variance) : 1;
        }
        final double targetMean = mean;
        final double targetStd = std;
        MutableDataset data = dataset(request, names, java.util.Arrays.stream(request.target()).map(v -> (v - targetMean) / targetStd).toArray());
        // Tribuo reports the average training loss every loggingInterval steps: once per epoch here.
        int interval = Math.max(1, (request.features().length + batch - 1) / batch);
        Model model;
        EpochLosses.LISTENER.set(new EpochLosses(request.listener(), interval, request.task().classification()));
        try {
            if (request.task().classification()) {
                model = new org.tribuo.classification.sgd.linear.LinearSGDTrainer(new LogMulticlass(), optimiser(h), epochs, interval, batch,
                        request.seed()).train(data);
            } else {
                model = new org.tribuo.regression.sgd.linear.LinearSGDTrainer(new SquaredLoss(), optimiser(h), epochs, interval, batch,
                        request.seed()).train(data);
            }
        } catch (EpochLosses.Stopped e) {
            throw StewardException.of(ErrorCode.INVALID_STATE, "training stopped at epoch " + e.epoch() + ": its training loss was " + e.loss());
        } finally {
            EpochLosses.LISTENER.remove();
        }
        DenseMatrix w = ((org.tribuo.common.sgd.AbstractLinearSGDModel<?>) model).getWeightsCopy();
        ImmutableFeatureMap features = model.getFeatureIDMap();
        List<String> targets = targets(request);
        int width = names.length;
        double[][] weights = new double[targets.size()][width];
        double[] bias = new double[targets.size()];
        int biasColumn = w.getDimension2Size() - 1;
        for (int k = 0; k < targets.size(); k++) {
            int row = outputId(model.getOutputIDInfo(), targets.get(k), request);
            for (int j = 0; j < width; j++) {
                int id = features.getID(names[j]);
                weights[k][j] = id < 0 ? 0 : w.get(row, id);
            }
            bias[k] = w.get(row, biasColumn);
        }
        double[][] scores = predict(model, request, names);
        if (!request.task().classification()) {
            for (int j = 0; j < width; j++) {
                weights[0][j] *= targetStd;
            }
            bias[0] = bias[0] * targetStd + targetMean;
            for (double[] score : scores) {
                score[0] = score[0] * targetStd + targetMean;
            }
        }
        request.listener().iteration(epochs, Map.of("validation_loss", loss(request, scores)));
        OnnxExport export = OnnxExport.of(request.algorithm(), request.inputs());
        String head = export.linear(weights, bias);
        byte[] onnx = request.task().classification()
                ? export.classifier(export.softmax(head), request.classes(), TRIBUO_VERSION, metadata(request))
                : export.regressor(head, TRIBUO_VERSION, metadata(request));
        return new TrainedModel(onnx, model.serialize().toByteArray(), "tribuo-" + TRIBUO_VERSION + "-protobuf", scores, libraries(false));
    }

    /** Target names in the order of the exported outputs: the classes, or the one regression dimension. */
    private static List<String> targets(TrainingRequest request) {
        return request.task().classification() ? request.classes() : List.of("target");
    }

    private static int outputId(ImmutableOutputInfo info, String target, TrainingRequest request) {
        if (request.task().classification()) {
            return info.getID(new Label(target));
        }
        return 0;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private TrainedModel trees(TrainingRequest request, String[] names, boolean forest) {
        Map<String, Object> h = request.hyperparameters();
        boolean classification = request.task().classification();
        int depth = ((Number) h.get("max_depth")).intValue();
        float minChild = ((Number) h.get("min_child_weight")).floatValue();
        float fraction = ((Number) h.get("fraction_features")).floatValue();
        float minDecrease = forest ? 0f : ((Number) h.get("min_impurity_decrease")).floatValue();
        String impurity = forest ? "default" : (String) h.get("impurity");
        if (classification && (impurity.equals("mse") || impurity.equals("mae"))
                || !classification && (impurity.equals("gini") || impurity.equals("entropy"))) {
            throw StewardException.invalid("algorithm.hyperparameters.impurity", "algorithm.hyperparameters.impurity: " + impurity + " is not a "
                    + (classification ? "classification" : "regression") + " criterion; use " + (classification ? "gini or entropy" : "mse or mae"));
        }
        MutableDataset data = dataset(request, names);
        org.tribuo.Trainer trainer;
        if (classification) {
            CARTClassificationTrainer cart = new CARTClassificationTrainer(depth, minChild, minDecrease, fraction, false,
                    impurity.equals("entropy") ? new Entropy() : new GiniIndex(), request.seed());
            trainer = forest ? new RandomForestTrainer<>(cart, new FullyWeightedVotingCombiner(), ((Number) h.get("n_trees")).intValue(), request.seed())
                    : cart;
        } else {
            CARTRegressionTrainer cart = new CARTRegressionTrainer(depth, minChild, minDecrease, fraction, false,
                    impurity.equals("mae") ? new MeanAbsoluteError() : new MeanSquaredError(), request.seed());
            trainer = forest ? new RandomForestTrainer<>(cart, new AveragingCombiner(), ((Number) h.get("n_trees")).intValue(), request.seed()) : cart;
        }
        Model model = trainer.train(data);
        List<Model> members = forest ? ((EnsembleModel) model).getModels() : List.of(model);
        List<String> targets = targets(request);
        List<TreeNode> trees = new ArrayList<>();
        Map<String, Integer> targetIndex = new HashMap<>();
        for (int k = 0; k < targets.size(); k++) {
            targetIndex.put(targets.get(k), k);
        }
        double share = 1.0 / members.size();
        for (Model member : members) {
            Node root = member instanceof IndependentRegressionTreeModel independent ? (Node) independent.getRoots().values().iterator().next()
                    : ((TreeModel) member).getRoot();
            trees.add(convert(root, member.getFeatureIDMap(), names, targetIndex, classification, share));
        }
        double[][] scores = predict(model, request, names);
        stagedLoss(request, trees, false, 0, false);
        OnnxExport export = OnnxExport.of(request.algorithm(), request.inputs());
        String out = export.trees(trees, targets.size(), false, false, 0);
        byte[] onnx = classification ? export.classifier(out, request.classes(), TRIBUO_VERSION, metadata(request))
                : export.regressor(out, TRIBUO_VERSION, metadata(request));
        return new TrainedModel(onnx, model.serialize().toByteArray(), "tribuo-" + TRIBUO_VERSION + "-protobuf", scores, libraries(false));
    }

    /** Converts a Tribuo tree: a split sends {@code x <= value} to the lessThanOrEqual child. Leaves are scaled by {@code share}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static TreeNode convert(Node node, ImmutableFeatureMap features, String[] names, Map<String, Integer> targets, boolean classification,
            double share) {
        if (node.isLeaf()) {
            LeafNode leaf = (LeafNode) node;
            double[] values = new double[targets.size()];
            if (classification) {
                Map<String, Label> distribution = leaf.getDistribution();
                distribution.forEach((name, label) -> {
                    Integer k = targets.get(name);
                    if (k != null) {
                        values[k] = label.getScore() * share;
                    }
                });
            } else {
                values[0] = ((Regressor) leaf.getOutput()).getValues()[0] * share;
            }
            return TreeNode.leaf(values);
        }
        SplitNode split = (SplitNode) node;
        int feature = Integer.parseInt(features.get(split.getFeatureID()).getName().substring(1));
        return TreeNode.split(feature, split.splitValue(), convert(split.getLessThanOrEqual(), features, names, targets, classification, share),
                convert(split.getGreaterThan(), features, names, targets, classification, share));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private TrainedModel xgboost(TrainingRequest request, String[] names) throws Exception {
        Map<String, Object> h = request.hyperparameters();
        boolean classification = request.task().classification();
        int rounds = ((Number) h.get("n_trees")).intValue();
        double eta = ((Number) h.get("learning_rate")).doubleValue();
        double gamma = ((Number) h.get("gamma")).doubleValue();
        int depth = ((Number) h.get("max_depth")).intValue();
        double minChild = ((Number) h.get("min_child_weight")).doubleValue();
        double subsample = ((Number) h.get("subsample")).doubleValue();
        double colsample = ((Number) h.get("colsample")).doubleValue();
        double lambda = ((Number) h.get("lambda")).doubleValue();
        double alpha = ((Number) h.get("alpha")).doubleValue();
        int threads = ((Number) h.get("threads")).intValue();
        if (threads == 0) {
            threads = Runtime.getRuntime().availableProcessors();
        }
        MutableDataset data = dataset(request, names);
        Model model;
        if (classification) {
            model = new XGBoostClassificationTrainer(XGBoostTrainer.BoosterType.GBTREE, XGBoostTrainer.TreeMethod.HIST, rounds, eta, gamma, depth,
                    minChild, subsample, colsample, lambda, alpha, threads, XGBoostTrainer.LoggingVerbosity.SILENT, request.seed()).train(data);
        } else {
            model = new XGBoostRegressionTrainer(XGBoostTrainer.BoosterType.GBTREE, XGBoostTrainer.TreeMethod.HIST,
                    XGBoostRegressionTrainer.RegressionType.LINEAR, rounds, eta, gamma, depth, minChild, subsample, colsample, lambda, alpha, threads,
                    XGBoostTrainer.LoggingVerbosity.SILENT, request.seed()).train(data);
        }
        List<Booster> boosters = ((XGBoostModel) model).getInnerModels();
        ImmutableFeatureMap features = model.getFeatureIDMap();
        int targets = classification ? request.classes().size() : 1;
        int[] classOfOutput = new int[targets];
        if (classification) {
            ImmutableOutputInfo<Label> info = model.getOutputIDInfo();
            for (int k = 0; k < targets; k++) {
                classOfOutput[info.getID(new Label(request.classes().get(k)))] = k;
            }
        }
        // The JSON model (not the text dump) keeps every threshold exactly: thresholds often equal data values.
        JsonNode learner = JSON.readTree(boosters.get(0).toByteArray("json")).get("learner");
        JsonNode treeNodes = learner.at("/gradient_booster/model/trees");
        JsonNode treeInfo = learner.at("/gradient_booster/model/tree_info");
        List<TreeNode> trees = new ArrayList<>();
        for (int t = 0; t < treeNodes.size(); t++) {
            int target = classification ? classOfOutput[treeInfo.get(t).asInt()] : 0;
            trees.add(xgbTree(treeNodes.get(t), 0, features, target, targets));
        }
        double baseScore = Double.parseDouble(learner.at("/learner_model_param/base_score").asText());
        double[][] scores = predict(model, request, names);
        double base = classification ? 0 : (float) baseScore;
        stagedLoss(request, trees, true, base, classification);
        OnnxExport export = OnnxExport.of(request.algorithm(), request.inputs());
        String out = export.trees(trees, targets, true, true, 0);
        byte[] onnx = classification ? export.classifier(export.softmax(export.toDouble(out)), request.classes(), TRIBUO_VERSION, metadata(request))
                : export.regressor(export.toDouble(export.add(out, base, true)), TRIBUO_VERSION, metadata(request));
        return new TrainedModel(onnx, model.serialize().toByteArray(), "tribuo-" + TRIBUO_VERSION + "-protobuf", scores, libraries(true));
    }

    /** Node {@code id} of a tree of XGBoost's JSON model: the left child is taken when {@code x < split_condition}. */
    private static TreeNode xgbTree(JsonNode tree, int id, ImmutableFeatureMap features, int target, int targets) {
        int left = tree.get("left_children").get(id).asInt();
        float condition = (float) tree.get("split_conditions").get(id).asDouble();
        if (left < 0) {
            double[] values = new double[targets];
            values[target] = condition;
            return TreeNode.leaf(values);
        }
        int feature = Integer.parseInt(features.get(tree.get("split_indices").get(id).asInt()).getName().substring(1));
        return TreeNode.split(feature, condition, xgbTree(tree, left, features, target, targets),
                xgbTree(tree, tree.get("right_children").get(id).asInt(), features, target, targets));
    }

    /**
     * Reports the validation loss after each tree (or boosting round), from the exported trees; a
     * listener that answers false ends the reporting (the job then fails on its guardrail).
     */
    private static void stagedLoss(TrainingRequest request, List<TreeNode> trees, boolean boosted, double base, boolean softmax) {
        // The curve is a guardrail's signal, not the reported metric: the first rows are enough.
        double[][] rows = java.util.Arrays.copyOf(request.validationFeatures(), Math.min(STAGED_ROWS, request.validationFeatures().length));
        double[] y = java.util.Arrays.copyOf(request.validationTarget(), rows.length);
        if (rows.length == 0) {
            return;
        }
        if (boosted) {
            // XGBoost compares in float: round every row once, not once per tree.
            double[][] rounded = new double[rows.length][];
            for (int i = 0; i < rows.length; i++) {
                rounded[i] = floats(rows[i]);
            }
            rows = rounded;
        }
        int targets = request.task().classification() ? request.classes().size() : 1;
        int perRound = boosted && request.task().classification() ? targets : 1;
        double[][] sums = new double[rows.length][targets];
        for (double[] s : sums) {
            java.util.Arrays.fill(s, base);
        }
        int rounds = trees.size() / perRound;
        // At most about 25 points of the curve: each costs a pass over the validation rows.
        int every = Math.max(1, rounds / 25);
        for (int round = 0; round < rounds; round++) {
            for (int t = round * perRound; t < (round + 1) * perRound; t++) {
                TreeNode tree = trees.get(t);
                for (int i = 0; i < rows.length; i++) {
                    double[] leaf = tree.predict(rows[i], boosted);
                    for (int k = 0; k < targets; k++) {
                        sums[i][k] += leaf[k];
                    }
                }
            }
            if ((round + 1) % every != 0 && round + 1 != rounds) {
                continue;
            }
            double[][] scores = new double[rows.length][];
            for (int i = 0; i < rows.length; i++) {
                if (softmax) {
                    scores[i] = softmax(sums[i]);
                } else if (!boosted && request.task().classification()) {
                    double[] s = sums[i].clone();
                    double scale = (double) rounds / (round + 1);
                    for (int k = 0; k < targets; k++) {
                        s[k] *= scale;
                    }
                    scores[i] = s;
                } else if (!boosted) {
                    scores[i] = new double[] {sums[i][0] * rounds / (round + 1)};
                } else {
                    scores[i] = sums[i].clone();
                }
            }
            if (!request.listener().iteration(round + 1, Map.of("validation_loss", loss(request.task(), y, scores)))
                    || request.cancelled().getAsBoolean()) {
                return;
            }
        }
    }

    private static double[] floats(double[] row) {
        double[] f = new double[row.length];
        for (int i = 0; i < row.length; i++) {
            f[i] = (float) row[i];
        }
        return f;
    }

    private static double[] softmax(double[] margins) {
        double max = Double.NEGATIVE_INFINITY;
        for (double m : margins) {
            max = Math.max(max, m);
        }
        double[] p = new double[margins.length];
        double sum = 0;
        for (int k = 0; k < p.length; k++) {
            p[k] = Math.exp(margins[k] - max);
            sum += p[k];
        }
        for (int k = 0; k < p.length; k++) {
            p[k] /= sum;
        }
        return p;
    }

    /** Log loss (clipped as scikit-learn does) or mean squared error; NaN when a score is not finite. */
    static double loss(TrainingRequest request, double[][] scores) {
        return loss(request.task(), request.validationTarget(), scores);
    }

    static double loss(Task task, double[] y, double[][] scores) {
        if (y.length == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            for (double s : scores[i]) {
                if (!Double.isFinite(s)) {
                    return Double.NaN;
                }
            }
            if (task.classification()) {
                double eps = Math.ulp(1.0);
                double rowSum = 0;
                for (double p : scores[i]) {
                    rowSum += Math.min(Math.max(p, eps), 1 - eps);
                }
                sum += -Math.log(Math.min(Math.max(scores[i][(int) y[i]], eps), 1 - eps) / rowSum);
            } else {
                double d = scores[i][0] - y[i];
                sum += d * d;
            }
        }
        return sum / y.length;
    }

    private static List<String[]> metadata(TrainingRequest request) {
        return List.of(new String[] {"steward.algorithm", request.algorithm()}, new String[] {"steward.task", request.task().wireName()});
    }

    private static Map<String, String> libraries(boolean xgboost) {
        Map<String, String> libraries = new HashMap<>();
        libraries.put("org.tribuo", TRIBUO_VERSION);
        if (xgboost) {
            libraries.put("ml.dmlc:xgboost4j", XGBOOST_VERSION);
        }
        return libraries;
    }
}
