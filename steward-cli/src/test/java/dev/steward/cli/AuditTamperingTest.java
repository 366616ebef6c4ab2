package dev.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Edits the audit table behind Steward's back, as an attacker with database access would, and
 * checks that {@code steward audit verify} notices and names the event.
 */
class AuditTamperingTest {
    @TempDir
    Path home;

    @BeforeEach
    void recordFiveEvents() {
        for (int i = 0; i < 5; i++) {
            Cli result = Cli.run("--home", home.toString(), "token", "create", "--offline", "--name", "token-" + i, "--role", "viewer");
            assertThat(result.status()).as(result.err()).isZero();
        }
        assertThat(verify().status()).isZero();
    }

    private Cli verify() {
        return Cli.run("--home", home.toString(), "audit", "verify", "--offline");
    }

    private void sql(String... statements) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("steward.db"));
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.executeUpdate(sql);
            }
        }
    }

    @Test
    void anIntactChainVerifiesWithExitZero() {
        Cli result = verify();

        assertThat(result.status()).isZero();
        assertThat(result.out()).contains("intact", "5 events");
    }

    @Test
    void anEditedEventIsNamed() throws SQLException {
        sql("UPDATE audit_event SET details = '{\"name\":\"token-x\",\"role\":\"admin\"}' WHERE seq = 3");

        Cli result = verify();

        assertThat(result.status()).isEqualTo(1);
        assertThat(result.err()).contains("BROKEN", "event 3", "edited");
    }

    @Test
    void anEditedActorIsNamed() throws SQLException {
        sql("UPDATE audit_event SET actor_name = 'someone else' WHERE seq = 2");

        Cli result = verify();

        assertThat(result.status()).isEqualTo(1);
        assertThat(result.err()).contains("event 2", "edited");
    }

    @Test
    void aDeletedEventIsNamed() throws SQLException {
        sql("DELETE FROM audit_event WHERE seq = 2");

        Cli result = verify();

        assertThat(result.status()).isEqualTo(1);
        assertThat(result.err()).contains("event 2 is missing");
    }

    @Test
    void deletingTheLastEventIsDetectedThroughTheHead() throws SQLException {
        sql("DELETE FROM audit_event WHERE seq = 5");

        Cli result = verify();

        assertThat(result.status()).isEqualTo(1);
        assertThat(result.err()).contains("event 5", "deleted");
    }

    @Test
    void swappedEventsAreNamed() throws SQLException {
        sql("UPDATE audit_event SET seq = -1 WHERE seq = 2",
                "UPDATE audit_event SET seq = 2 WHERE seq = 3",
                "UPDATE audit_event SET seq = 3 WHERE seq = -1");

        Cli result = verify();

        assertThat(result.status()).isEqualTo(1);
        assertThat(result.err()).contains("event 2", "does not link", "reordered");
    }

    @Test
    void aRehashedEditStillBreaksTheNextLink() throws SQLException {
        // An attacker who edits an event and fixes its own hash still breaks the link of the next one.
        sql("UPDATE audit_event SET hash = '" + "a".repeat(64) + "' WHERE seq = 3");

        Cli result = verify();

        assertThat(result.status()).isEqualTo(1);
        assertThat(result.err()).contains("event 3");
    }
}
