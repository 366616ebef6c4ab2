package dev.steward.cli;

import static dev.steward.cli.TestServer.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.testing.WebhookReceiver;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Webhooks through the command line, against a receiver on a loopback port that checks signatures with its own code. */
class WebhooksCommandsTest {
    /** A loopback port nothing listens on: connections are refused at once. */
    private static final String NOBODY = "http://127.0.0.1:1/hook";

    @TempDir
    static Path home;

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(home);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aWebhookIsCreatedWithItsSecretShownOncePingedFollowedAndDeleted() throws InterruptedException {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            Cli created = ok(server.cli("webhooks", "create", receiver.url().toString(), "--events", "promotion.succeeded,model_version.revoked",
                    "--description", "CI gate"));
            String id = created.out().lines().findFirst().orElseThrow().split(" ")[2];
            assertThat(created.out()).startsWith("created webhook wh_").contains(" for " + receiver.url() + " (events: model_version.revoked,"
                    + " promotion.succeeded)\n", "shown only now");
            String secret = created.out().lines().skip(2).findFirst().orElseThrow();
            assertThat(secret).startsWith("whsec_");
            assertThat(ok(server.cli("webhooks", "list")).out()).containsPattern(id + "\\s+" + receiver.url().toString().replace("?", "\\?")
                    + "\\s+model_version.revoked,promotion.succeeded\\s+yes\\s+\\S+\\s+CI gate").doesNotContain(secret);

            assertThat(ok(server.cli("webhooks", "ping", id)).out()).startsWith("queued webhook.ping to webhook " + id + " as delivery whd_");
            WebhookReceiver.Request ping = receiver.awaitDelivered(1).get(0);
            assertThat(ping.header("X-Steward-Event")).isEqualTo("webhook.ping");
            assertThat(ping.signedWith(secret)).as("signed with the secret the command printed").isTrue();
            Cli deliveries = server.await(cli -> cli.out().contains("delivered"), "webhooks", "deliveries", id);
            assertThat(deliveries.out()).containsPattern("whd_\\w+\\s+webhook.ping\\s+delivered\\s+\\S+\\s+1\\s+\\S+\\s+\\d+\\s+HTTP 200\\n");
            assertThat(ok(server.cli("webhooks", "deliveries", id, "--json")).out()).contains("\"event_type\" : \"webhook.ping\"",
                    "\"http_status\" : 200");

            assertThat(ok(server.cli("webhooks", "delete", id)).out()).isEqualTo("deleted webhook " + id + " (" + receiver.url()
                    + "); its pending deliveries are cancelled\n");
            assertThat(ok(server.cli("webhooks", "list")).out()).containsPattern(id + ".*\\s+no \\(");
        }
    }

    @Test
    void aReceiverThatCannotBeReachedShowsEachFailedAttemptAndAGivenSecretIsNotEchoed() throws InterruptedException {
        Cli created = ok(server.cli("webhooks", "create", NOBODY, "--events", "*", "--secret", "my-own-secret-0123456789"));
        assertThat(created.out()).contains("signed with the secret given by --secret").doesNotContain("my-own-secret");
        String id = created.out().lines().findFirst().orElseThrow().split(" ")[2];
        ok(server.cli("webhooks", "ping", id));

        Cli deliveries = server.await(cli -> cli.out().contains("cannot connect"), "webhooks", "deliveries", id, "--max-results", "5");
        assertThat(deliveries.out())
                .containsPattern("whd_\\w+\\s+webhook.ping\\s+pending \\(next \\S+\\)\\s+\\S+\\s+1\\s+\\S+\\s+\\d+\\s+cannot connect");
        ok(server.cli("webhooks", "delete", id));
        assertThat(ok(server.cli("webhooks", "deliveries", id)).out()).contains("cancelled");
    }

    @Test
    void badInputFailsWithTheServer_sMessageNamingTheField() {
        long webhooks = ok(server.cli("webhooks", "list")).out().lines().count();
        Cli scheme = server.cli("webhooks", "create", "ftp://example.com/hook", "--events", "promotion.succeeded");
        assertThat(scheme.status()).isEqualTo(Main.FAILED);
        assertThat(scheme.err()).contains("[url]", "HTTP 400");
        Cli events = server.cli("webhooks", "create", NOBODY, "--events", "promotion.succeeded,nope");
        assertThat(events.status()).isEqualTo(Main.FAILED);
        assertThat(events.err()).contains("unknown event type 'nope'", "[events[1]]");
        Cli noEvents = server.cli("webhooks", "create", NOBODY);
        assertThat(noEvents.status()).isEqualTo(Main.USAGE);
        assertThat(noEvents.err()).contains("--events");
        Cli unknown = server.cli("webhooks", "deliveries", "wh_0000000000000000");
        assertThat(unknown.status()).isEqualTo(Main.FAILED);
        assertThat(unknown.err()).contains("wh_0000000000000000", "HTTP 404");
        assertThat(ok(server.cli("webhooks", "list")).out().lines()).as("nothing was created").hasSize((int) webhooks);
    }
}
