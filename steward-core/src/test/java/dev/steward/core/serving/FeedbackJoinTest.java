package dev.steward.core.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.spi.StewardException;
import dev.steward.spi.serving.FeedbackRecord;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class FeedbackJoinTest {
    private static final List<String> CLASSES = List.of("Adelie", "Chinstrap", "Gentoo");
    private static final RecordedPrediction PENGUINS = RecordedPrediction.classification("req-1", "penguins-api", 4, "penguins", 2, "canary",
            new String[] {"Adelie", "Gentoo"}, new double[] {0.93, 0.41}, new boolean[] {false, true}, 1_000);
    private static final RecordedPrediction PRICES = RecordedPrediction.regression("req-9", "prices", 1, "prices", 1, "pinned", new double[] {3.0}, 2_000);

    private static FeedbackItem label(int row, String label) {
        return new FeedbackItem("req-1", row, Optional.of(label), OptionalDouble.empty(), OptionalDouble.empty());
    }

    private static List<FeedbackRecord> join(FeedbackItem item, RecordedPrediction p) {
        FeedbackJoin.check(3, item);
        return FeedbackJoin.join(3, item, p, CLASSES, FeedbackRecord.API, 5_000, "tok_app");
    }

    @Test
    void aLabelIsJoinedToItsRowWithWhatWasPredictedAndWhetherItWasRight() {
        FeedbackRecord wrong = join(label(1, "Chinstrap"), PENGUINS).get(0);
        FeedbackRecord right = join(label(0, "Adelie"), PENGUINS).get(0);

        assertThat(wrong.kind()).isEqualTo(FeedbackRecord.TRUTH);
        assertThat(wrong.predictedLabel()).contains("Gentoo");
        assertThat(wrong.correct()).contains(false);
        assertThat(wrong.abstained()).isTrue();
        assertThat(wrong.model()).isEqualTo("penguins");
        assertThat(wrong.version()).isEqualTo(2);
        assertThat(wrong.revision()).isEqualTo(4);
        assertThat(wrong.arm()).isEqualTo("canary");
        assertThat(wrong.predictedAt()).isEqualTo(1_000);
        assertThat(wrong.createdAt()).isEqualTo(5_000);
        assertThat(right.correct()).contains(true);
        assertThat(right.abstained()).isFalse();
    }

    @Test
    void aValueIsJoinedWithItsAbsoluteErrorAndARewardIsAFactOfItsOwn() {
        List<FeedbackRecord> facts = join(new FeedbackItem("req-9", 0, Optional.empty(), OptionalDouble.of(3.5), OptionalDouble.of(1.0)), PRICES);

        assertThat(facts).extracting(FeedbackRecord::kind).containsExactly(FeedbackRecord.TRUTH, FeedbackRecord.REWARD);
        assertThat(facts.get(0).absoluteError()).hasValue(0.5);
        assertThat(facts.get(0).predictedValue()).hasValue(3.0);
        assertThat(facts.get(0).correct()).isEmpty();
        assertThat(facts.get(1).reward()).hasValue(1.0);
        assertThat(facts.get(1).value()).isEmpty();
    }

    @Test
    void badItemsAreRefusedNamingTheItemAndItsField() {
        assertRefused(new FeedbackItem("req-1", 0, Optional.empty(), OptionalDouble.empty(), OptionalDouble.empty()), PENGUINS,
                "feedback[3]", "neither");
        assertRefused(new FeedbackItem("req-1", 0, Optional.of("Adelie"), OptionalDouble.of(1), OptionalDouble.empty()), PENGUINS,
                "feedback[3]", "both");
        assertRefused(new FeedbackItem(null, 0, Optional.of("Adelie"), OptionalDouble.empty(), OptionalDouble.empty()), PENGUINS,
                "feedback[3].request_id", "request_id");
        assertRefused(label(-1, "Adelie"), PENGUINS, "feedback[3].row", "0 or more");
        assertRefused(label(2, "Adelie"), PENGUINS, "feedback[3].row", "had 2 rows");
        assertRefused(label(0, "Emperor"), PENGUINS, "feedback[3].label", "its classes are Adelie, Chinstrap, Gentoo");
        assertRefused(label(0, " "), PENGUINS, "feedback[3].label", "1 to");
        assertRefused(new FeedbackItem("req-1", 0, Optional.empty(), OptionalDouble.of(2.0), OptionalDouble.empty()), PENGUINS,
                "feedback[3].value", "classification");
        assertRefused(new FeedbackItem("req-9", 0, Optional.of("Adelie"), OptionalDouble.empty(), OptionalDouble.empty()), PRICES,
                "feedback[3].label", "regression");
        assertRefused(new FeedbackItem("req-9", 0, Optional.empty(), OptionalDouble.empty(), OptionalDouble.of(Double.NaN)), PRICES,
                "feedback[3].reward", "finite");
    }

    @Test
    void anyLabelIsTakenWhenTheModelsClassesAreUnknown() {
        FeedbackRecord fact = FeedbackJoin.join(0, label(0, "Emperor"), PENGUINS, List.of(), FeedbackRecord.API, 5_000, "tok_app").get(0);

        assertThat(fact.correct()).contains(false);
    }

    private static void assertRefused(FeedbackItem item, RecordedPrediction p, String field, String message) {
        assertThatThrownBy(() -> join(item, p)).isInstanceOfSatisfying(StewardException.class, e -> {
            assertThat(e.field()).contains(field);
            assertThat(e.getMessage()).contains(message);
        });
    }
}
