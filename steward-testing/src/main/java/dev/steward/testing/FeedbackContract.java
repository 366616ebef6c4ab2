package dev.steward.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.steward.spi.serving.FeedbackRecord;
import dev.steward.spi.serving.FeedbackRepository;
import dev.steward.spi.serving.FeedbackTotals;
import dev.steward.spi.serving.ReviewRecord;
import dev.steward.spi.store.MetadataStore;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Feedback and the review queue on every backend: one fact of each kind per request row (a
 * duplicate changes nothing, inside a transaction too), every field read back as written, the sums
 * behind the live figures per version, and the review queue's order, counts and compare-and-set
 * labelling.
 */
public abstract class FeedbackContract {
    private MetadataStore store;

    protected abstract MetadataStore newStore();

    @BeforeEach
    void open() {
        store = newStore();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private <T> T write(Function<FeedbackRepository, T> work) {
        return store.write(tx -> work.apply(tx.repository(FeedbackRepository.class)));
    }

    private <T> T read(Function<FeedbackRepository, T> work) {
        return store.read(tx -> work.apply(tx.repository(FeedbackRepository.class)));
    }

    private Optional<FeedbackRecord> find(String deployment, String requestId, int row, String kind) {
        return read(r -> r.find(deployment, requestId, row, kind));
    }

    private List<FeedbackTotals> totals(String deployment) {
        return read(r -> r.totals(deployment));
    }

    private Optional<ReviewRecord> findReview(String id) {
        return read(r -> r.findReview(id));
    }

    private List<ReviewRecord> reviews(String deployment, int limit, String... statuses) {
        return read(r -> r.reviews(deployment, List.of(statuses), limit));
    }

    private long count(String deployment, String status) {
        return read(r -> r.countReviews(deployment, status));
    }

    private static FeedbackRecord label(String deployment, String requestId, int row, int version, String predicted, String label) {
        return new FeedbackRecord(deployment, requestId, row, FeedbackRecord.TRUTH, "penguins", version, 2, "weighted", Optional.of(predicted),
                OptionalDouble.empty(), Optional.of(label), OptionalDouble.empty(), OptionalDouble.empty(), Optional.of(predicted.equals(label)),
                OptionalDouble.empty(), false, FeedbackRecord.API, 1_000, 2_000, "tok_app");
    }

    private static FeedbackRecord value(String requestId, double predicted, double value) {
        return new FeedbackRecord("prices", requestId, 0, FeedbackRecord.TRUTH, "prices", 1, 1, "pinned", Optional.empty(),
                OptionalDouble.of(predicted), Optional.empty(), OptionalDouble.of(value), OptionalDouble.empty(), Optional.empty(),
                OptionalDouble.of(Math.abs(value - predicted)), false, FeedbackRecord.API, 1_000, 2_000, "tok_app");
    }

    private static FeedbackRecord reward(String deployment, String requestId, int version, double reward) {
        return new FeedbackRecord(deployment, requestId, 0, FeedbackRecord.REWARD, "penguins", version, 2, "bandit", Optional.of("Adelie"),
                OptionalDouble.empty(), Optional.empty(), OptionalDouble.empty(), OptionalDouble.of(reward), Optional.empty(),
                OptionalDouble.empty(), true, FeedbackRecord.API, 1_000, 2_000, "tok_app");
    }

    private static ReviewRecord review(String id, String requestId, int row, long createdAt) {
        return new ReviewRecord(id, "penguins-api", requestId, row, 3, "penguins", 1, "weighted", "Chinstrap", OptionalDouble.of(0.41),
                "{\"island\":\"Dream\",\"beak_length_mm\":45.2}", 900, createdAt, ReviewRecord.OPEN, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    @Test
    void aRowHasOneFactOfEachKindAndASecondOneIsADuplicateThatChangesNothing() {
        FeedbackRecord first = label("penguins-api", "req-1", 0, 1, "Adelie", "Gentoo");
        boolean stored = write(r -> r.insert(first));
        List<Boolean> again = write(r -> List.of(r.insert(label("penguins-api", "req-1", 0, 1, "Adelie", "Adelie")),
                r.insert(reward("penguins-api", "req-1", 1, 0.5)), r.insert(label("penguins-api", "req-1", 1, 1, "Adelie", "Adelie")),
                r.insert(label("other-api", "req-1", 0, 1, "Adelie", "Adelie"))));

        assertThat(stored).isTrue();
        assertThat(again).as("same row and kind; a reward; another row; another deployment").containsExactly(false, true, true, true);
        assertThat(find("penguins-api", "req-1", 0, FeedbackRecord.TRUTH)).contains(first);
        assertThat(find("penguins-api", "req-1", 0, FeedbackRecord.REWARD)).hasValueSatisfying(f -> {
            assertThat(f.reward()).hasValue(0.5);
            assertThat(f.label()).isEmpty();
            assertThat(f.correct()).isEmpty();
            assertThat(f.abstained()).isTrue();
            assertThat(f.arm()).isEqualTo("bandit");
        });
        FeedbackRecord regression = value("r-1", 3.0, 3.5);
        write(r -> r.insert(regression));
        assertThat(find("prices", "r-1", 0, FeedbackRecord.TRUTH)).contains(regression);
        assertThat(find("penguins-api", "req-2", 0, FeedbackRecord.TRUTH)).isEmpty();
    }

    @Test
    void theTotalsSumLabelsErrorsAndRewardsPerServedVersion() {
        write(r -> {
            r.insert(label("penguins-api", "a", 0, 1, "Adelie", "Adelie"));
            r.insert(label("penguins-api", "a", 1, 1, "Adelie", "Gentoo"));
            r.insert(label("penguins-api", "b", 0, 1, "Gentoo", "Gentoo"));
            r.insert(label("penguins-api", "c", 0, 2, "Gentoo", "Chinstrap"));
            r.insert(reward("penguins-api", "a", 1, 1.0));
            r.insert(reward("penguins-api", "c", 2, 0.0));
            r.insert(reward("penguins-api", "d", 2, 3.0));
            r.insert(value("p", 2.0, 3.0));
            r.insert(value("q", 2.0, 0.5));
            return null;
        });

        List<FeedbackTotals> penguins = totals("penguins-api");
        assertThat(penguins).hasSize(2);
        FeedbackTotals v1 = penguins.get(0);
        assertThat(v1.version()).isEqualTo(1);
        assertThat(v1.labelled()).isEqualTo(3);
        assertThat(v1.correct()).isEqualTo(2);
        assertThat(v1.valued()).isZero();
        assertThat(v1.rewarded()).isEqualTo(1);
        assertThat(v1.rewards()).isEqualTo(1.0);
        FeedbackTotals v2 = penguins.get(1);
        assertThat(v2.labelled()).isEqualTo(1);
        assertThat(v2.correct()).isZero();
        assertThat(v2.rewarded()).isEqualTo(2);
        assertThat(v2.rewards()).isEqualTo(3.0);
        assertThat(v2.squaredRewards()).isEqualTo(9.0);
        List<FeedbackTotals> all = read(FeedbackRepository::totals);
        assertThat(all).extracting(FeedbackTotals::deployment).containsExactly("penguins-api", "penguins-api", "prices");
        FeedbackTotals prices = all.get(2);
        assertThat(prices.valued()).isEqualTo(2);
        assertThat(prices.labelled()).isZero();
        assertThat(prices.absoluteErrors()).isCloseTo(2.5, within(1e-12));
        assertThat(prices.squaredErrors()).isCloseTo(3.25, within(1e-12));
        assertThat(totals("nothing")).isEmpty();
    }

    @Test
    void theTotalsOfAVersionSinceATimeCountOnlyTheAnswersItGaveSince() {
        write(r -> {
            r.insert(label("penguins-api", "early", 0, 1, "Adelie", "Adelie"));
            r.insert(at(label("penguins-api", "late", 0, 1, "Adelie", "Gentoo"), 5_000));
            r.insert(at(label("penguins-api", "later", 0, 1, "Gentoo", "Gentoo"), 6_000));
            r.insert(at(reward("penguins-api", "late", 1, 1.0), 5_000));
            r.insert(at(label("penguins-api", "other", 0, 2, "Gentoo", "Gentoo"), 6_000));
            return null;
        });

        FeedbackTotals since = read(r -> r.totals("penguins-api", "penguins", 1, 5_000));
        FeedbackTotals none = read(r -> r.totals("penguins-api", "penguins", 1, 6_001));

        assertThat(since.labelled()).isEqualTo(2);
        assertThat(since.correct()).isEqualTo(1);
        assertThat(since.rewarded()).isEqualTo(1);
        assertThat(read(r -> r.totals("penguins-api", "penguins", 1, 0)).labelled()).isEqualTo(3);
        assertThat(none.labelled()).isZero();
        assertThat(none.rewarded()).isZero();
        assertThat(none.version()).isEqualTo(1);
    }

    private static FeedbackRecord at(FeedbackRecord f, long predictedAt) {
        return new FeedbackRecord(f.deployment(), f.requestId(), f.row(), f.kind(), f.model(), f.version(), f.revision(), f.arm(),
                f.predictedLabel(), f.predictedValue(), f.label(), f.value(), f.reward(), f.correct(), f.absoluteError(), f.abstained(),
                f.source(), predictedAt, f.createdAt(), f.createdBy());
    }

    @Test
    void reviewsAreQueuedOncePerRowListedOldestFirstAndLabelledOnlyWhileOpen() {
        List<Boolean> queued = write(r -> List.of(r.insertReview(review("rev_0000000000000002", "req-2", 0, 20)),
                r.insertReview(review("rev_0000000000000001", "req-1", 1, 10)), r.insertReview(review("rev_0000000000000003", "req-1", 0, 10)),
                r.insertReview(review("rev_0000000000000004", "req-1", 0, 30))));
        assertThat(queued).as("the last one is the same request row again").containsExactly(true, true, true, false);

        List<String> open = reviews("penguins-api", 10, ReviewRecord.OPEN).stream().map(ReviewRecord::id).toList();
        assertThat(open).containsExactly("rev_0000000000000003", "rev_0000000000000001", "rev_0000000000000002");
        assertThat(reviews("penguins-api", 2, ReviewRecord.OPEN)).hasSize(2);
        assertThat(count("penguins-api", ReviewRecord.OPEN)).isEqualTo(3);
        assertThat(findReview("rev_0000000000000001")).contains(review("rev_0000000000000001", "req-1", 1, 10));

        boolean labelled = write(r -> r.label("rev_0000000000000001", "Gentoo", 50, "tok_alice", "alice"));
        boolean twice = write(r -> r.label("rev_0000000000000001", "Adelie", 60, "tok_bob", "bob"));
        boolean missing = write(r -> r.label("rev_0000000000000009", "Adelie", 60, "tok_bob", "bob"));

        assertThat(labelled).isTrue();
        assertThat(twice).as("only an open review is labelled").isFalse();
        assertThat(missing).isFalse();
        ReviewRecord done = findReview("rev_0000000000000001").orElseThrow();
        assertThat(done.status()).isEqualTo(ReviewRecord.LABELLED);
        assertThat(done.label()).contains("Gentoo");
        assertThat(done.labelledAt()).contains(50L);
        assertThat(done.labelledBy()).contains("tok_alice");
        assertThat(done.labelledByName()).contains("alice");
        assertThat(reviews("penguins-api", 10, ReviewRecord.OPEN)).extracting(ReviewRecord::id)
                .containsExactly("rev_0000000000000003", "rev_0000000000000002");
        assertThat(reviews("penguins-api", 10, ReviewRecord.OPEN, ReviewRecord.LABELLED)).hasSize(3);
        assertThat(count("penguins-api", ReviewRecord.LABELLED)).isEqualTo(1);
        assertThat(reviews("other-api", 10, ReviewRecord.OPEN)).isEmpty();
        assertThat(findReview("rev_0000000000000009")).isEmpty();
    }
}
