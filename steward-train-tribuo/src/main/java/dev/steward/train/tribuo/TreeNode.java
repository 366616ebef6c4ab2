package dev.steward.train.tribuo;

/**
 * A binary decision tree as exported: a split sends a row to {@code whenTrue} when its feature
 * satisfies the condition ({@code x <= threshold} for Tribuo's trees, {@code x < threshold} for
 * XGBoost's), else to {@code whenFalse}; a leaf holds one value per target.
 */
record TreeNode(int feature, double threshold, TreeNode whenTrue, TreeNode whenFalse, double[] leaf) {
    static TreeNode leaf(double[] values) {
        return new TreeNode(-1, 0, null, null, values.clone());
    }

    static TreeNode split(int feature, double threshold, TreeNode whenTrue, TreeNode whenFalse) {
        return new TreeNode(feature, threshold, whenTrue, whenFalse, null);
    }

    boolean isLeaf() {
        return leaf != null;
    }

    /** The leaf a row reaches, following the condition {@code lessThan ? x < t : x <= t}. */
    double[] predict(double[] row, boolean lessThan) {
        TreeNode node = this;
        while (!node.isLeaf()) {
            double x = row[node.feature];
            node = (lessThan ? x < node.threshold : x <= node.threshold) ? node.whenTrue : node.whenFalse;
        }
        return node.leaf;
    }
}
