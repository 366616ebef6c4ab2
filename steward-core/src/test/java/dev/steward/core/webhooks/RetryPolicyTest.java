package dev.steward.core.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private final RetryPolicy policy = new RetryPolicy(30, Duration.ofHours(24), Duration.ofSeconds(1), Duration.ofHours(1));

    @Test
    void theDelayDoublesFromTheBaseUpToTheCap() {
        assertThat(policy.delay(1)).isEqualTo(1_000);
        assertThat(policy.delay(2)).isEqualTo(2_000);
        assertThat(policy.delay(3)).isEqualTo(4_000);
        assertThat(policy.delay(12)).isEqualTo(2_048_000);
        assertThat(policy.delay(13)).isEqualTo(3_600_000);
        assertThat(policy.delay(29)).isEqualTo(3_600_000);
    }

    @Test
    void theNextAttemptFallsInTheSecondHalfOfTheDelay() {
        assertThat(policy.nextAttemptAt(3, 0, 10_000, 0.0)).contains(12_000L);
        assertThat(policy.nextAttemptAt(3, 0, 10_000, 0.5)).contains(13_000L);
        assertThat(policy.nextAttemptAt(3, 0, 10_000, 0.999_999)).hasValueSatisfying(t -> assertThat(t).isLessThan(14_000L));
    }

    @Test
    void aDeliveryIsGivenUpAfterTheLastAttemptOrWhenTheNextWouldBeTooOld() {
        assertThat(policy.nextAttemptAt(29, 0, 1_000, 0.5)).isPresent();
        assertThat(policy.nextAttemptAt(30, 0, 1_000, 0.5)).isEmpty();
        long dayMs = Duration.ofHours(24).toMillis();
        assertThat(policy.nextAttemptAt(20, 0, dayMs - 3_600_000, 0.0)).as("half an hour before the day ends").isPresent();
        assertThat(policy.nextAttemptAt(20, 0, dayMs - 1_000_000, 0.0)).as("the next try would come after a day").isEmpty();
    }
}
