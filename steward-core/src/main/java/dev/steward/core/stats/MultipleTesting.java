package dev.steward.core.stats;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.IntStream;

/** Corrections of p-values for testing many hypotheses at once. Stateless. */
public enum MultipleTesting {
    /** No correction. */
    NONE,
    /** Bonferroni: each p-value times the number of tests, at most 1 (controls the family-wise error rate). */
    BONFERRONI,
    /**
     * Benjamini–Hochberg step-up adjusted p-values (controls the false discovery rate), as SciPy's
     * {@code false_discovery_control(p, method='bh')}.
     */
    BENJAMINI_HOCHBERG;

    /** The adjusted p-values, in the order given. */
    public double[] adjust(double[] pValues) {
        requireNonNull(pValues, "pValues is null");
        for (double p : pValues) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("p-values must lie in [0, 1]: " + p);
            }
        }
        int m = pValues.length;
        return switch (this) {
            case NONE -> pValues.clone();
            case BONFERRONI -> Arrays.stream(pValues).map(p -> Math.min(1.0, p * m)).toArray();
            case BENJAMINI_HOCHBERG -> {
                Integer[] order = IntStream.range(0, m).boxed().sorted(Comparator.comparingDouble(i -> pValues[i])).toArray(Integer[]::new);
                double[] adjusted = new double[m];
                double running = 1.0;
                for (int rank = m; rank >= 1; rank--) {
                    int index = order[rank - 1];
                    running = Math.min(running, pValues[index] * ((double) m / rank));
                    adjusted[index] = running;
                }
                yield adjusted;
            }
        };
    }

    public String wireName() {
        return switch (this) {
            case NONE -> "none";
            case BONFERRONI -> "bonferroni";
            case BENJAMINI_HOCHBERG -> "bh";
        };
    }

    /** Parses {@code none}, {@code bonferroni} or {@code bh}. */
    public static MultipleTesting fromWireName(String name) {
        requireNonNull(name, "name is null");
        for (MultipleTesting method : values()) {
            if (method.wireName().equals(name.toLowerCase(Locale.ROOT))) {
                return method;
            }
        }
        throw new IllegalArgumentException("unknown correction '" + name + "': use none, bonferroni or bh");
    }
}
