package dev.steward.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class UiSessionsTest {
    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-12-01T09:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aSessionLivesWhileUsedAndEndsAfterHalfAnHourIdle() {
        ManualClock clock = new ManualClock();
        UiSessions sessions = new UiSessions(clock);
        UiSessions.Session session = sessions.open("stw_secret");

        clock.advance(Duration.ofMinutes(29));
        assertThat(sessions.find(session.id())).isPresent();
        clock.advance(Duration.ofMinutes(29));
        assertThat(sessions.find(session.id())).as("used 29 minutes ago").isPresent();
        clock.advance(UiSessions.IDLE);
        assertThat(sessions.find(session.id())).isEmpty();
        assertThat(sessions.size()).isZero();
    }

    @Test
    void aSessionEndsTwelveHoursAfterLoginHoweverBusy() {
        ManualClock clock = new ManualClock();
        UiSessions sessions = new UiSessions(clock);
        UiSessions.Session session = sessions.open("stw_secret");
        for (int i = 0; i < 12 * 3 - 1; i++) {
            clock.advance(Duration.ofMinutes(20));
            assertThat(sessions.find(session.id())).isPresent();
        }
        clock.advance(Duration.ofMinutes(20));
        assertThat(sessions.find(session.id())).isEmpty();
    }

    @Test
    void idsAndCsrfTokensAreRandomAndTheCsrfTokenMustMatchExactly() {
        UiSessions sessions = new UiSessions(new ManualClock());
        UiSessions.Session a = sessions.open("stw_a");
        UiSessions.Session b = sessions.open("stw_a");

        assertThat(a.id()).isNotEqualTo(b.id()).hasSize(43);
        assertThat(a.csrf()).isNotEqualTo(b.csrf()).isNotEqualTo(a.id());
        assertThat(a.csrfMatches(a.csrf())).isTrue();
        assertThat(a.csrfMatches(b.csrf())).isFalse();
        assertThat(a.csrfMatches(null)).isFalse();
        assertThat(a.csrfMatches("")).isFalse();
    }

    @Test
    void theStoreStaysBoundedByEndingTheSessionIdleLongest() {
        ManualClock clock = new ManualClock();
        UiSessions sessions = new UiSessions(clock);
        UiSessions.Session oldest = sessions.open("stw_first");
        for (int i = 1; i < UiSessions.MAX_SESSIONS; i++) {
            clock.advance(Duration.ofMillis(1));
            sessions.open("stw_" + i);
        }
        clock.advance(Duration.ofMillis(1));
        UiSessions.Session newest = sessions.open("stw_last");

        assertThat(sessions.size()).isEqualTo(UiSessions.MAX_SESSIONS);
        assertThat(sessions.find(oldest.id())).isEmpty();
        assertThat(sessions.find(newest.id())).isPresent();
    }
}
