package dev.steward.core.feasibility;

import static java.util.Objects.requireNonNull;

/** One feature column of the rows a study reads: numbers ({@code NaN} when missing) or categories ({@code null} when missing). */
sealed interface FeatureColumn {
    String name();

    int rows();

    record Numeric(String name, double[] values) implements FeatureColumn {
        public Numeric {
            requireNonNull(name, "name is null");
            requireNonNull(values, "values is null");
        }

        @Override
        public int rows() {
            return values.length;
        }
    }

    record Categorical(String name, String[] values) implements FeatureColumn {
        public Categorical {
            requireNonNull(name, "name is null");
            requireNonNull(values, "values is null");
        }

        @Override
        public int rows() {
            return values.length;
        }
    }
}
