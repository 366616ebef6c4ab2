package dev.steward.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.client.StewardClient;
import dev.steward.core.webhooks.EventType;
import dev.steward.server.config.ConfigLoader;
import dev.steward.testing.TestPostgres;
import dev.steward.testing.WebhookReceiver;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server replicas on one PostgreSQL store, both sending webhook deliveries: the claims keep
 * every delivery to one sender at a time, so the receiver gets each event once and in order, and
 * when one replica stops the other sends the rest.
 */
class WebhookReplicasTest {
    @TempDir
    Path homeA;

    @TempDir
    Path homeB;

    private static void publish(StewardServer on, int n) {
        ObjectNode data = StewardServerTest.MAPPER.createObjectNode().put("n", n);
        on.steward().store().write(tx -> on.steward().webhooks().publish(tx, EventType.PROMOTION_SUCCEEDED, "model_version", "mv_" + n, data));
    }

    private static List<Integer> numbers(List<WebhookReceiver.Request> requests) {
        return requests.stream().map(r -> r.json().at("/data/n").asInt()).toList();
    }

    @Test
    void eachEventReachesTheReceiverOnceInOrderAndASurvivingReplicaSendsTheRest() {
        Map<String, String> settings = Map.of("server.port", "0", "store.url", TestPostgres.newDatabase(), "store.user", TestPostgres.user(),
                "webhooks.retry-base-ms", "20", "webhooks.max-attempts", "1000");
        try (WebhookReceiver receiver = new WebhookReceiver();
                StewardServer b = StewardServer.start(Steward.open(ConfigLoader.load(homeB, Map.of(), settings)))) {
            StewardServer a = StewardServer.start(Steward.open(ConfigLoader.load(homeA, Map.of(), settings)));
            try {
                String admin = b.createdAdminToken().orElseThrow();
                StewardClient.create(a.uri(), admin).createWebhook(receiver.url().toString(), List.of("promotion.succeeded"), "replicas");
                receiver.failNext(4);
                for (int n = 0; n < 20; n++) {
                    publish(n % 2 == 0 ? a : b, n);
                }

                List<WebhookReceiver.Request> delivered = receiver.awaitDelivered(20);

                assertThat(numbers(delivered)).containsExactlyElementsOf(IntStream.range(0, 20).boxed().toList());
                assertThat(numbers(receiver.requests()).subList(0, 5)).as("the first is retried, the rest wait").containsOnly(0);

                receiver.answer(503);
                int before = receiver.requests().size();
                for (int n = 20; n < 25; n++) {
                    publish(b, n);
                }
                // A few failed attempts, from either replica, before one of them stops.
                receiver.await(seen -> seen.size() >= before + 3);
            } finally {
                a.close();
            }
            receiver.answer(200);

            List<WebhookReceiver.Request> all = receiver.awaitDelivered(25);
            assertThat(numbers(all)).containsExactlyElementsOf(IntStream.range(0, 25).boxed().toList());
        }
    }
}
