package dev.steward.core.eval;

import dev.steward.spi.StewardException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Assigns rows to cross-validation folds exactly as scikit-learn's {@code KFold(k)} and
 * {@code StratifiedKFold(k)} do without shuffling, so that a fold-by-fold comparison with
 * scikit-learn is possible; a shuffled split permutes the rows first with the spec's seed.
 * Stateless.
 */
public final class Folds {
    private Folds() {
    }

    /** Contiguous folds; the first n mod k folds hold one row more. Element i is row i's test fold. */
    public static int[] kFold(int rows, int folds) {
        check(rows, folds);
        int[] assignment = new int[rows];
        int start = 0;
        for (int f = 0; f < folds; f++) {
            int size = rows / folds + (f < rows % folds ? 1 : 0);
            Arrays.fill(assignment, start, start + size, f);
            start += size;
        }
        return assignment;
    }

    /**
     * Folds that keep each class's share: classes are numbered by first appearance, the sorted
     * class sequence is dealt round-robin to the folds to fix how many rows of each class each
     * fold gets, and each class's rows go to the folds in row order.
     */
    public static int[] stratified(int[] labels, int folds) {
        check(labels.length, folds);
        Map<Integer, Integer> firstSeen = new LinkedHashMap<>();
        for (int label : labels) {
            firstSeen.putIfAbsent(label, firstSeen.size());
        }
        int classes = firstSeen.size();
        int[] encoded = Arrays.stream(labels).map(firstSeen::get).toArray();
        int[] counts = new int[classes];
        for (int e : encoded) {
            counts[e]++;
        }
        if (Arrays.stream(counts).max().getAsInt() < folds) {
            throw StewardException.invalid("folds", "no class has " + folds + " rows to spread over " + folds + " folds: use fewer folds");
        }
        int[] sorted = encoded.clone();
        Arrays.sort(sorted);
        int[][] allocation = new int[folds][classes];
        for (int i = 0; i < sorted.length; i++) {
            allocation[i % folds][sorted[i]]++;
        }
        int[] assignment = new int[labels.length];
        for (int c = 0; c < classes; c++) {
            int fold = 0;
            int left = allocation[0][c];
            for (int i = 0; i < labels.length; i++) {
                if (encoded[i] == c) {
                    while (left == 0) {
                        fold++;
                        left = allocation[fold][c];
                    }
                    assignment[i] = fold;
                    left--;
                }
            }
        }
        return assignment;
    }

    private static void check(int rows, int folds) {
        if (folds < 2) {
            throw StewardException.invalid("folds", "cross-validation needs at least 2 folds, not " + folds);
        }
        if (rows < folds) {
            throw StewardException.invalid("folds", "cannot split " + rows + " rows into " + folds + " folds");
        }
    }
}
