package dev.steward.core.feasibility;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToLongFunction;
import org.junit.jupiter.api.Test;

class SuccessiveHalvingTest {
    /** An arm whose errors are a function of the training size, remembering what it was asked. */
    private static final class Arm implements SuccessiveHalving.Arm {
        private final IntToLongFunction errors;
        private final List<Integer> asked = new ArrayList<>();

        Arm(IntToLongFunction errors) {
            this.errors = errors;
        }

        @Override
        public long errorsAt(int trainRows) {
            asked.add(trainRows);
            return errors.applyAsLong(trainRows);
        }
    }

    @Test
    void theBetterHalfGoesOnAfterEachOfTheLastSizesUntilOneReachesTheFullSize() {
        // Six candidates: 3 halvings (6 -> 3 -> 2 -> 1) after 100, 200 and 400 rows of 800.
        List<Arm> arms = List.of(new Arm(n -> 50), new Arm(n -> 10), new Arm(n -> 40), new Arm(n -> 20), new Arm(n -> 30),
                new Arm(n -> n < 200 ? 5 : 35));
        int[] sizes = {50, 100, 200, 400, 800};

        SuccessiveHalving.Outcome outcome = SuccessiveHalving.run(arms, sizes, SuccessiveHalving.halvingsFor(arms.size()));

        assertThat(SuccessiveHalving.halvingsFor(6)).isEqualTo(3);
        assertThat(outcome.winner()).isEqualTo(1);
        // Dropped after 100 rows: the worst three (50, 40, 30 errors); after 200: arm 5, which got worse; after 400: arm 3.
        assertThat(outcome.droppedAfter()).containsExactly(100, 0, 100, 400, 100, 200);
        assertThat(arms.get(0).asked).containsExactly(50, 100);
        assertThat(arms.get(5).asked).containsExactly(50, 100, 200);
        assertThat(arms.get(1).asked).containsExactly(50, 100, 200, 400, 800);
        assertThat(outcome.evaluations().get(1)).extracting(SuccessiveHalving.Evaluation::trainRows).containsExactly(50, 100, 200, 400, 800);
    }

    @Test
    void tiesGoToTheEarlierCandidate() {
        List<Arm> arms = List.of(new Arm(n -> 7), new Arm(n -> 7), new Arm(n -> 7));

        SuccessiveHalving.Outcome outcome = SuccessiveHalving.run(arms, new int[] {10, 20, 40}, 2);

        assertThat(outcome.winner()).isZero();
        assertThat(outcome.droppedAfter()).containsExactly(0, 20, 10);
    }

    @Test
    void withTooFewSizesTheSurvivorsMeetAtTheFullSize() {
        List<Arm> arms = List.of(new Arm(n -> 9), new Arm(n -> 3), new Arm(n -> 4), new Arm(n -> 8));

        SuccessiveHalving.Outcome outcome = SuccessiveHalving.run(arms, new int[] {10, 20}, SuccessiveHalving.halvingsFor(4));

        assertThat(outcome.winner()).isEqualTo(1);
        assertThat(outcome.droppedAfter()).containsExactly(10, 0, 0, 10);
        assertThat(arms.get(2).asked).containsExactly(10, 20);
    }

    @Test
    void oneCandidateIsEvaluatedAtEverySize() {
        Arm only = new Arm(n -> 1);

        SuccessiveHalving.Outcome outcome = SuccessiveHalving.run(List.of(only), new int[] {10, 20, 40}, SuccessiveHalving.halvingsFor(1));

        assertThat(SuccessiveHalving.halvingsFor(1)).isZero();
        assertThat(outcome.winner()).isZero();
        assertThat(only.asked).containsExactly(10, 20, 40);
    }
}
