package dev.steward.train.tribuo;

import static dev.steward.train.tribuo.OnnxGraph.ML;
import static dev.steward.train.tribuo.OnnxGraph.intAttr;
import static dev.steward.train.tribuo.OnnxGraph.intsAttr;
import static dev.steward.train.tribuo.OnnxGraph.tensorAttr;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.steward.spi.training.FittedColumn;
import dev.steward.spi.training.FittedStep;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a trained pipeline as one ONNX graph: one input per raw column ({@code [N,1]} double, or
 * string with the empty string for missing), the fitted preprocessing in standard ONNX operators
 * (the same double arithmetic as training), then the model: a linear layer, or a tree ensemble
 * (ai.onnx.ml {@code TreeEnsemble}). Outputs {@code label} and {@code probabilities}, or
 * {@code prediction}. Stateless.
 */
final class OnnxExport {
    private final OnnxGraph graph;
    private final String features;
    private final int width;

    private OnnxExport(String name, List<FittedColumn> columns) {
        this.graph = new OnnxGraph(name);
        List<String> parts = new ArrayList<>();
        int total = 0;
        for (FittedColumn column : columns) {
            int w = column.featureNames().size();
            if (column.categorical()) {
                graph.input(column.name(), TensorProto.DataType.STRING, -1, 1);
                if (w > 0) {
                    parts.add(categorical(column, w));
                }
            } else {
                graph.input(column.name(), TensorProto.DataType.DOUBLE, -1, 1);
                parts.add(numeric(column));
            }
            total += w;
        }
        this.width = total;
        this.features = parts.size() == 1 ? parts.get(0) : graph.node("Concat", parts, intAttr("axis", 1));
    }

    static OnnxExport of(String name, List<FittedColumn> columns) {
        return new OnnxExport(name, columns);
    }

    int width() {
        return width;
    }

    private String numeric(FittedColumn column) {
        String x = column.name();
        for (FittedStep step : column.steps()) {
            if (step instanceof FittedStep.Impute impute) {
                String missing = graph.node("IsNaN", List.of(x));
                x = graph.node("Where", List.of(missing, graph.doubles("impute", new long[0], impute.value()), x));
            } else if (step instanceof FittedStep.Standardize s) {
                x = graph.node("Div", List.of(graph.node("Sub", List.of(x, graph.doubles("mean", new long[0], s.mean()))),
                        graph.doubles("scale", new long[0], s.scale())));
            } else if (step instanceof FittedStep.MinMax m) {
                x = graph.node("Div", List.of(graph.node("Sub", List.of(x, graph.doubles("min", new long[0], m.min()))),
                        graph.doubles("range", new long[0], m.range())));
            } else if (step instanceof FittedStep.Bucketize b) {
                double[] boundaries = b.boundaries();
                String reached = graph.node("GreaterOrEqual", List.of(x, graph.doubles("boundaries", new long[] {1, boundaries.length}, boundaries)));
                String counted = graph.node("Cast", List.of(reached), intAttr("to", TensorProto.DataType.DOUBLE.getNumber()));
                x = graph.node("ReduceSum", List.of(counted, graph.longs("axis", new long[] {1}, 1)), intAttr("keepdims", 1));
            } else {
                throw new IllegalArgumentException("step " + step + " on numeric column " + column.name());
            }
        }
        return x;
    }

    private String categorical(FittedColumn column, int width) {
        List<String> categories = ((FittedStep.OneHot) column.steps().get(column.steps().size() - 1)).categories();
        List<String> keys = new ArrayList<>(categories);
        List<Long> values = new ArrayList<>();
        for (int i = 0; i < categories.size(); i++) {
            values.add((long) i);
        }
        for (FittedStep step : column.steps()) {
            if (step instanceof FittedStep.ImputeCategory impute && !impute.value().isEmpty()) {
                keys.add("");
                values.add((long) categories.indexOf(impute.value()));
            }
        }
        String codes = graph.node("LabelEncoder", ML, List.of(column.name()), List.of(OnnxGraph.stringsAttr("keys_strings", keys),
                intsAttr("values_int64s", values.stream().mapToLong(Long::longValue).toArray()), intAttr("default_int64", -1)));
        long[] range = new long[width];
        for (int i = 0; i < width; i++) {
            range[i] = i;
        }
        String hot = graph.node("Equal", List.of(codes, graph.longs("categories", new long[] {1, width}, range)));
        return graph.node("Cast", List.of(hot), intAttr("to", TensorProto.DataType.DOUBLE.getNumber()));
    }

    /** {@code features · weightsᵀ + bias}: weights is [targets][features]. */
    String linear(double[][] weights, double[] bias) {
        int targets = weights.length;
        double[] flat = new double[targets * width];
        for (int k = 0; k < targets; k++) {
            System.arraycopy(weights[k], 0, flat, k * width, width);
        }
        return graph.node("Gemm", List.of(features, graph.doubles("weights", new long[] {targets, width}, flat),
                graph.doubles("bias", new long[] {targets}, bias)), intAttr("transB", 1));
    }

    /**
     * A tree ensemble over the features: each tree adds its leaf values to the targets. With
     * {@code asFloat}, features are rounded to float first and thresholds and leaves are floats
     * (XGBoost's own arithmetic); otherwise everything is double.
     *
     * @param lessThan the split condition is {@code x < t} (else {@code x <= t})
     * @param postTransform 0 none, 1 softmax
     */
    String trees(List<TreeNode> trees, int targets, boolean lessThan, boolean asFloat, int postTransform) {
        List<Long> featureIds = new ArrayList<>();
        List<Double> splits = new ArrayList<>();
        List<Long> trueIds = new ArrayList<>();
        List<Long> trueLeafs = new ArrayList<>();
        List<Long> falseIds = new ArrayList<>();
        List<Long> falseLeafs = new ArrayList<>();
        List<Long> leafTargets = new ArrayList<>();
        List<Double> leafWeights = new ArrayList<>();
        List<Long> roots = new ArrayList<>();
        for (TreeNode tree : trees) {
            for (int target = 0; target < targets; target++) {
                if (!anyNonZero(tree, target)) {
                    continue;
                }
                roots.add((long) featureIds.size());
                if (tree.isLeaf()) {
                    // A tree of one leaf still needs a split node; each branch gets its own copy of the leaf.
                    featureIds.add(0L);
                    splits.add(0.0);
                    trueIds.add(addLeaf(tree, target, leafTargets, leafWeights));
                    trueLeafs.add(1L);
                    falseIds.add(addLeaf(tree, target, leafTargets, leafWeights));
                    falseLeafs.add(1L);
                } else {
                    addSplit(tree, target, featureIds, splits, trueIds, trueLeafs, falseIds, falseLeafs, leafTargets, leafWeights);
                }
            }
        }
        if (roots.isEmpty()) {
            // Every leaf is zero: the ensemble adds nothing. Keep one zero leaf so the operator is well-formed.
            roots.add(0L);
            featureIds.add(0L);
            splits.add(0.0);
            trueIds.add(0L);
            trueLeafs.add(1L);
            falseIds.add(0L);
            falseLeafs.add(1L);
            leafTargets.add(0L);
            leafWeights.add(0.0);
        }
        String x = asFloat ? graph.node("Cast", List.of(features), intAttr("to", TensorProto.DataType.FLOAT.getNumber())) : features;
        int[] modes = new int[featureIds.size()];
        java.util.Arrays.fill(modes, lessThan ? 1 : 0);
        double[] splitValues = splits.stream().mapToDouble(Double::doubleValue).toArray();
        double[] weights = leafWeights.stream().mapToDouble(Double::doubleValue).toArray();
        List<AttributeProto> attributes = List.of(
                intAttr("aggregate_function", 1),
                intsAttr("leaf_targetids", toArray(leafTargets)),
                tensorAttr("leaf_weights", asFloat ? OnnxGraph.floatTensor(weights) : OnnxGraph.doubleTensor(weights)),
                intAttr("n_targets", targets),
                intsAttr("nodes_falseleafs", toArray(falseLeafs)),
                intsAttr("nodes_falsenodeids", toArray(falseIds)),
                intsAttr("nodes_featureids", toArray(featureIds)),
                tensorAttr("nodes_modes", OnnxGraph.uint8Tensor(modes)),
                tensorAttr("nodes_splits", asFloat ? OnnxGraph.floatTensor(splitValues) : OnnxGraph.doubleTensor(splitValues)),
                intsAttr("nodes_trueleafs", toArray(trueLeafs)),
                intsAttr("nodes_truenodeids", toArray(trueIds)),
                intAttr("post_transform", postTransform),
                intsAttr("tree_roots", toArray(roots)));
        String y = graph.node("TreeEnsemble", ML, List.of(x), attributes);
        return y;
    }

    private static boolean anyNonZero(TreeNode node, int target) {
        if (node.isLeaf()) {
            return node.leaf()[target] != 0;
        }
        return anyNonZero(node.whenTrue(), target) || anyNonZero(node.whenFalse(), target);
    }

    private static long addLeaf(TreeNode leaf, int target, List<Long> leafTargets, List<Double> leafWeights) {
        leafTargets.add((long) target);
        leafWeights.add(leaf.leaf()[target]);
        return leafWeights.size() - 1;
    }

    /** Adds a split (pre-order) and returns its node index. */
    private static long addSplit(TreeNode node, int target, List<Long> featureIds, List<Double> splits, List<Long> trueIds, List<Long> trueLeafs,
            List<Long> falseIds, List<Long> falseLeafs, List<Long> leafTargets, List<Double> leafWeights) {
        int index = featureIds.size();
        featureIds.add((long) node.feature());
        splits.add(node.threshold());
        trueIds.add(0L);
        trueLeafs.add(0L);
        falseIds.add(0L);
        falseLeafs.add(0L);
        for (int side = 0; side < 2; side++) {
            TreeNode child = side == 0 ? node.whenTrue() : node.whenFalse();
            long id;
            long isLeaf;
            if (child.isLeaf()) {
                id = addLeaf(child, target, leafTargets, leafWeights);
                isLeaf = 1;
            } else {
                id = addSplit(child, target, featureIds, splits, trueIds, trueLeafs, falseIds, falseLeafs, leafTargets, leafWeights);
                isLeaf = 0;
            }
            (side == 0 ? trueIds : falseIds).set(index, id);
            (side == 0 ? trueLeafs : falseLeafs).set(index, isLeaf);
        }
        return index;
    }

    private static long[] toArray(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    String add(String x, double value, boolean asFloat) {
        String c = asFloat ? floatScalar(value) : graph.doubles("offset", new long[0], value);
        return graph.node("Add", List.of(x, c));
    }

    private String floatScalar(double value) {
        String name = graph.fresh("offset");
        return graph.node("Constant", "", List.of(), List.of(name), List.of(AttributeProto.newBuilder().setName("value_float")
                .setType(AttributeProto.AttributeType.FLOAT).setF((float) value).build()));
    }

    String toDouble(String x) {
        return graph.node("Cast", List.of(x), intAttr("to", TensorProto.DataType.DOUBLE.getNumber()));
    }

    /** Ends a classifier: {@code probabilities} [N, classes] and {@code label}, the most probable class (the first on ties). */
    byte[] classifier(String probabilities, List<String> classes, String version, List<String[]> metadata) {
        graph.node("Identity", "", List.of(probabilities), List.of("probabilities"), List.of());
        String index = graph.node("ArgMax", List.of("probabilities"), intAttr("axis", 1), intAttr("keepdims", 0));
        graph.node("Gather", "", List.of(graph.strings("classes", new long[] {classes.size()}, classes), index), List.of("label"), List.of());
        graph.output("label", TensorProto.DataType.STRING, -1);
        graph.output("probabilities", TensorProto.DataType.DOUBLE, -1, classes.size());
        return graph.toBytes(version, metadata);
    }

    /** Ends a regressor: {@code prediction} [N] from a [N,1] value. */
    byte[] regressor(String value, String version, List<String[]> metadata) {
        graph.node("Reshape", "", List.of(value, graph.longs("shape", new long[] {1}, -1)), List.of("prediction"), List.of());
        graph.output("prediction", TensorProto.DataType.DOUBLE, -1);
        return graph.toBytes(version, metadata);
    }

    String softmax(String logits) {
        return graph.node("Softmax", List.of(logits), intAttr("axis", 1));
    }
}
