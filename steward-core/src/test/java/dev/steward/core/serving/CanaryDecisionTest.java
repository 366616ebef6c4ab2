package dev.steward.core.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** A canary's moves from its candidate's live figures, and the live figures themselves. */
class CanaryDecisionTest {
    private static final DeploymentSpec.Canary CANARY = new DeploymentSpec.Canary("models:/m/1", "models:/m/2", List.of(5.0, 25.0, 100.0),
            Duration.ofSeconds(60), 100, new DeploymentSpec.Guardrails(OptionalDouble.of(0.01), OptionalDouble.of(50), OptionalDouble.of(0.9), 50),
            0);
    private static final CanaryController.Labelled NO_LABELS = new CanaryController.Labelled(0, 0);

    @Test
    void aStepDwellsThenAdvancesAndTheLastStepPromotes() {
        LiveTraffic.Stats healthy = new LiveTraffic.Stats(500, 1, 12);
        CanaryController.Labelled accurate = new CanaryController.Labelled(80, 76);
        assertThat(CanaryController.decide(CANARY, healthy, accurate, Duration.ofSeconds(30))).isInstanceOfSatisfying(CanaryController.Stay.class,
                s -> assertThat(s.why()).contains("step 1 of 3 (5%)", "60 s"));
        assertThat(CanaryController.decide(CANARY, new LiveTraffic.Stats(50, 0, 5), accurate, Duration.ofSeconds(90)))
                .isInstanceOfSatisfying(CanaryController.Stay.class, s -> assertThat(s.why()).contains("100 candidate requests (50 so far)"));
        assertThat(CanaryController.decide(CANARY, healthy, new CanaryController.Labelled(10, 10), Duration.ofSeconds(90)))
                .isInstanceOfSatisfying(CanaryController.Stay.class, s -> assertThat(s.why()).contains("50 labelled answers (10 so far)"));
        assertThat(CanaryController.decide(CANARY, healthy, accurate, Duration.ofSeconds(90))).isInstanceOfSatisfying(CanaryController.Advance.class,
                a -> assertThat(a.toStep()).isEqualTo(1));
        assertThat(CanaryController.decide(CANARY.atStep(2), healthy, accurate, Duration.ofSeconds(90)))
                .isInstanceOf(CanaryController.Promote.class);
    }

    @Test
    void aTrippedGuardrailRollsBackAtOnceSayingWhich() {
        assertThat(CanaryController.decide(CANARY, new LiveTraffic.Stats(40, 5, 10), NO_LABELS, Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(CanaryController.Rollback.class, r -> assertThat(r.why()).contains("error rate 0.125 over 40 requests"));
        assertThat(CanaryController.decide(CANARY, new LiveTraffic.Stats(40, 0, 80), NO_LABELS, Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(CanaryController.Rollback.class, r -> assertThat(r.why()).contains("p99 latency 80.0 ms"));
        assertThat(CanaryController.decide(CANARY, new LiveTraffic.Stats(400, 0, 10), new CanaryController.Labelled(60, 30), Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(CanaryController.Rollback.class, r -> assertThat(r.why()).contains("live accuracy 0.500 on 60"));
        assertThat(CanaryController.decide(CANARY, new LiveTraffic.Stats(5, 5, 10), NO_LABELS, Duration.ofSeconds(1)))
                .as("too few requests to judge").isInstanceOf(CanaryController.Stay.class);
    }

    @Test
    void liveTrafficCountsPerSecondAndGivesAP99FromItsHistogram() {
        MutableClock clock = new MutableClock(1_000_000);
        LiveTraffic traffic = new LiveTraffic(clock);
        for (int i = 0; i < 99; i++) {
            traffic.record("api", "models:/m/2", 1_000_000, false);
        }
        traffic.record("api", "models:/m/2", 200_000_000, true);
        LiveTraffic.Stats stats = traffic.since("api", "models:/m/2", 1_000_000);
        assertThat(stats.requests()).isEqualTo(100);
        assertThat(stats.errors()).isEqualTo(1);
        assertThat(stats.p99Millis()).isBetween(1.0, 1.3);
        clock.now += 5_000;
        traffic.record("api", "models:/m/2", 300_000_000, true);
        assertThat(traffic.since("api", "models:/m/2", clock.now).requests()).isEqualTo(1);
        assertThat(traffic.since("api", "models:/m/2", clock.now).p99Millis()).isGreaterThan(300);
        assertThat(traffic.since("api", "models:/m/1", 0).requests()).isZero();
        clock.now += LiveTraffic.SECONDS * 1_000L;
        assertThat(traffic.since("api", "models:/m/2", 0).requests()).as("an hour later it is forgotten").isZero();
    }

    private static final class MutableClock extends Clock {
        long now;

        MutableClock(long now) {
            this.now = now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now);
        }

        @Override
        public long millis() {
            return now;
        }
    }
}
