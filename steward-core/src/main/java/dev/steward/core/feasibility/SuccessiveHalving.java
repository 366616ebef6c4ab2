package dev.steward.core.feasibility;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Successive halving (Jamieson and Talwalkar, 2016) over candidates whose error is measured at
 * growing training sizes, as ease.ml/snoopy chooses among feature transformations: every candidate
 * is evaluated at the first sizes; after each of the last {@code halvings} sizes before the full
 * one, only the better half (rounded up; ties to the earlier candidate) goes on, so that the full
 * training set is spent on one candidate only. With {@code c} candidates, {@code ceil(log2 c)}
 * halvings leave one. Snoopy runs the halving again and again with doubled budgets until every
 * candidate reached the end (an anytime search); a study has one fixed budget and runs it once.
 */
final class SuccessiveHalving {
    private SuccessiveHalving() {}

    /** A candidate: its error count with the first {@code trainRows} training rows, asked for at growing sizes. */
    interface Arm {
        long errorsAt(int trainRows);
    }

    record Evaluation(int trainRows, long errors) {
    }

    /**
     * What happened to each candidate: where it was evaluated and, for one dropped by a halving, the
     * size after which it was ({@code 0} when never dropped). The winner has the fewest errors at
     * the last size it reached among those that reached the furthest.
     */
    record Outcome(int winner, List<List<Evaluation>> evaluations, int[] droppedAfter) {
        Outcome {
            evaluations = evaluations.stream().map(List::copyOf).toList();
            droppedAfter = droppedAfter.clone();
        }
    }

    /** The number of halvings that leave one of {@code candidates}. */
    static int halvingsFor(int candidates) {
        int halvings = 0;
        for (int left = candidates; left > 1; left = (left + 1) / 2) {
            halvings++;
        }
        return halvings;
    }

    static Outcome run(List<? extends Arm> arms, int[] sizes, int halvings) {
        if (arms.isEmpty() || sizes.length == 0) {
            throw new IllegalArgumentException("successive halving needs candidates and sizes");
        }
        for (int i = 1; i < sizes.length; i++) {
            if (sizes[i] <= sizes[i - 1]) {
                throw new IllegalArgumentException("sizes must grow: " + java.util.Arrays.toString(sizes));
            }
        }
        List<List<Evaluation>> evaluations = new ArrayList<>();
        arms.forEach(arm -> evaluations.add(new ArrayList<>()));
        int[] dropped = new int[arms.size()];
        List<Integer> alive = new ArrayList<>();
        for (int a = 0; a < arms.size(); a++) {
            alive.add(a);
        }
        int firstHalving = Math.max(0, sizes.length - 1 - halvings);
        for (int s = 0; s < sizes.length; s++) {
            int size = sizes[s];
            for (int a : alive) {
                evaluations.get(a).add(new Evaluation(size, arms.get(a).errorsAt(size)));
            }
            alive.sort(Comparator.comparingLong((Integer a) -> last(evaluations.get(a)).errors()).thenComparingInt(a -> a));
            if (s >= firstHalving && s < sizes.length - 1 && alive.size() > 1) {
                List<Integer> out = alive.subList((alive.size() + 1) / 2, alive.size());
                out.forEach(a -> dropped[a] = size);
                out.clear();
            }
        }
        return new Outcome(alive.get(0), evaluations, dropped);
    }

    private static Evaluation last(List<Evaluation> evaluations) {
        return evaluations.get(evaluations.size() - 1);
    }
}
