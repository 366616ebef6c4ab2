package dev.steward.spi.training;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;

/**
 * One fitted preprocessing step of one input column. Numeric steps map a double to a double in
 * exactly the arithmetic given here, so that the ONNX export can repeat it bit for bit;
 * categorical steps map a string (the empty string meaning missing) to one or more features.
 */
public sealed interface FittedStep extends java.io.Serializable {
    /** Replaces a missing number (NaN) by {@code value}, fitted by {@code strategy}. */
    record Impute(String strategy, double value) implements FittedStep {
        public Impute {
            requireNonNull(strategy, "strategy is null");
        }
    }

    /** Replaces a missing category (the empty string) by {@code value}, fitted by {@code strategy}. */
    record ImputeCategory(String strategy, String value) implements FittedStep {
        public ImputeCategory {
            requireNonNull(strategy, "strategy is null");
            requireNonNull(value, "value is null");
        }
    }

    /** {@code (x - mean) / scale}; scale 1 when the training column was constant. */
    record Standardize(double mean, double scale) implements FittedStep {
    }

    /** {@code (x - min) / range}; range 1 when the training column was constant. */
    record MinMax(double min, double range) implements FittedStep {
    }

    /** The bucket index: how many of the ascending {@code boundaries} are at most x. */
    record Bucketize(double[] boundaries) implements FittedStep {
        public Bucketize {
            boundaries = boundaries.clone();
        }

        @Override
        public double[] boundaries() {
            return boundaries.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bucketize b && Arrays.equals(boundaries, b.boundaries);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(boundaries);
        }

        @Override
        public String toString() {
            return "Bucketize" + Arrays.toString(boundaries);
        }
    }

    /**
     * One indicator feature per training category; a category not seen in training (and a missing
     * one that was not imputed) gives all zeros, or is refused by the runtime when
     * {@code errorOnUnknown}.
     */
    record OneHot(List<String> categories, boolean errorOnUnknown) implements FittedStep {
        public OneHot {
            categories = List.copyOf(categories);
        }
    }
}
