package dev.steward.core.feasibility;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A seeded, stratified split of labelled rows into training and held-out rows: of each class
 * {@code round(share · count)} rows are held out, at least one and at most all but one when the
 * class has two rows or more (a class of one row is trained on). The training rows come in random
 * order, so that each prefix of them is a random sample; the held-out rows in row order.
 */
record Split(int[] train, int[] test) {
    Split {
        train = train.clone();
        test = test.clone();
    }

    static Split stratified(int[] labels, int classes, double share, Random random) {
        if (!(share > 0 && share < 1)) {
            throw new IllegalArgumentException("the held-out share must be between 0 and 1: " + share);
        }
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int row = 0; row < labels.length; row++) {
            byClass.get(labels[row]).add(row);
        }
        List<Integer> train = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        for (List<Integer> rows : byClass) {
            Collections.shuffle(rows, random);
            int held = rows.size() < 2 ? 0 : (int) Math.max(1, Math.min(rows.size() - 1, Math.round(share * rows.size())));
            test.addAll(rows.subList(0, held));
            train.addAll(rows.subList(held, rows.size()));
        }
        Collections.sort(test);
        Collections.sort(train);
        Collections.shuffle(train, random);
        return new Split(train.stream().mapToInt(Integer::intValue).toArray(), test.stream().mapToInt(Integer::intValue).toArray());
    }
}
