package dev.steward.server;

import static dev.steward.server.StewardServerTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.client.CreatedWebhook;
import dev.steward.client.StewardClient;
import dev.steward.client.WebhookDeliveryInfo;
import dev.steward.client.WebhookDeliveryPage;
import dev.steward.core.webhooks.EventType;
import dev.steward.server.config.ConfigLoader;
import dev.steward.spi.webhooks.WebhookRepository;
import dev.steward.testing.WebhookReceiver;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhooks end to end: a real server on a loopback port, real receivers on other loopback ports
 * that check signatures with their own code, events published the way services publish them (the
 * core service inside a store transaction). Retries are fast (20 ms base) so that failing
 * receivers cost little time; every wait is on a condition.
 */
class WebhooksApiTest {
    /** A loopback port nothing listens on: connections are refused at once. */
    private static final String NOBODY = "http://127.0.0.1:1";
    private static final Map<String, String> SETTINGS = Map.of("server.port", "0", "webhooks.retry-base-ms", "20",
            "webhooks.max-attempts", "5");

    @TempDir
    static Path home;

    static StewardServer server;
    static HttpTestClient http;
    static StewardClient client;
    static String admin;

    @BeforeAll
    static void start() {
        server = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), SETTINGS)));
        http = new HttpTestClient(server.uri());
        admin = server.createdAdminToken().orElseThrow();
        client = StewardClient.create(server.uri(), admin);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Publishes as a service does: inside its own write transaction; {@code data} carries {@code n}. */
    private static String publish(Steward on, EventType type, int n) {
        ObjectNode data = StewardServerTest.MAPPER.createObjectNode().put("n", n);
        return on.store().write(tx -> on.webhooks().publish(tx, type, "model_version", "mv_" + n, data));
    }

    private static List<Integer> numbers(List<WebhookReceiver.Request> requests) {
        return requests.stream().map(r -> r.json().at("/data/n").asInt()).toList();
    }

    private static WebhookDeliveryPage deliveries(String webhookId) {
        return client.webhookDeliveries(webhookId, 1000, null);
    }

    private static <T> T await(Supplier<T> read, Predicate<T> wanted) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        T last = read.get();
        while (!wanted.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting; last seen: " + last);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            last = read.get();
        }
        return last;
    }

    private static String newToken(String role) {
        return client.createToken("webhooks-" + role, role).secret();
    }

    @Test
    void aReceiverGetsSignedDeliveriesInOrderOnlyOfItsTypesAndOnlyOfCommittedChanges() {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            CreatedWebhook hook = client.createWebhook(receiver.url().toString(), List.of("promotion.succeeded", "model_version.created"),
                    "CI gate");
            String secret = hook.secret();
            assertThat(secret).startsWith("whsec_").hasSize("whsec_".length() + 43);

            Instant before = Instant.now();
            for (int n = 0; n < 6; n++) {
                publish(server.steward(), n % 2 == 0 ? EventType.PROMOTION_SUCCEEDED : EventType.MODEL_VERSION_CREATED, n);
                if (n == 2) {
                    publish(server.steward(), EventType.PROMOTION_REFUSED, 100);
                    try {
                        server.steward().store().write(tx -> {
                            server.steward().webhooks().publish(tx, EventType.PROMOTION_SUCCEEDED, "model_version", "mv_rolled_back",
                                    StewardServerTest.MAPPER.createObjectNode().put("n", 200));
                            throw new IllegalStateException("the change fails after publishing");
                        });
                    } catch (IllegalStateException expected) {
                        // Its transaction rolled back: the event must go nowhere.
                    }
                }
            }
            List<WebhookReceiver.Request> received = receiver.awaitDelivered(6);

            assertThat(numbers(received)).as("in the order the changes committed, without the refused type or the rolled-back change")
                    .containsExactly(0, 1, 2, 3, 4, 5);
            for (WebhookReceiver.Request request : received) {
                JsonNode payload = request.json();
                assertThat(request.signedWith(secret)).as("signature of " + payload).isTrue();
                assertThat(request.signedWith("whsec_another")).isFalse();
                assertThat(request.header("Content-Type")).isEqualTo("application/json");
                assertThat(request.header("X-Steward-Event")).isEqualTo(payload.get("type").asText());
                assertThat(request.header("X-Steward-Delivery")).matches("whd_[0-9a-f]{16}");
                long timestamp = Long.parseLong(request.header("X-Steward-Timestamp"));
                assertThat(timestamp).isBetween(before.getEpochSecond() - 1, Instant.now().getEpochSecond() + 1);
                assertThat(payload.get("id").asText()).matches("evt_[0-9a-f]{16}");
                assertThat(Instant.parse(payload.get("created_at").asText())).isAfterOrEqualTo(before.minusSeconds(1));
                assertThat(payload.at("/object/type").asText()).isEqualTo("model_version");
                assertThat(payload.at("/object/id").asText()).isEqualTo("mv_" + payload.at("/data/n").asInt());
                assertThat(payload.fieldNames()).toIterable().containsExactly("id", "type", "created_at", "object", "data");
            }
            assertThat(received.get(0).header("X-Steward-Event")).isEqualTo("promotion.succeeded");
            assertThat(received.get(1).header("X-Steward-Event")).isEqualTo("model_version.created");

            List<WebhookDeliveryInfo> history = deliveries(hook.webhook().id()).deliveries();
            assertThat(history).hasSize(6);
            assertThat(history).extracting(d -> d.payload().at("/data/n").asInt()).as("newest first").containsExactly(5, 4, 3, 2, 1, 0);
            assertThat(history).allSatisfy(d -> {
                assertThat(d.status()).isEqualTo("delivered");
                assertThat(d.webhookId()).isEqualTo(hook.webhook().id());
                assertThat(d.endedAt()).isPresent();
                assertThat(d.nextAttemptAt()).isEmpty();
                assertThat(d.attempts()).singleElement().satisfies(a -> {
                    assertThat(a.attempt()).isEqualTo(1);
                    assertThat(a.httpStatus()).contains(200);
                    assertThat(a.error()).isEmpty();
                    assertThat(a.durationMs()).isNotNegative();
                    assertThat(Instant.parse(a.startedAt())).isAfterOrEqualTo(before.minusSeconds(1));
                });
            });
            List<String> oldestFirst = new java.util.ArrayList<>(history.stream().map(WebhookDeliveryInfo::id).toList());
            java.util.Collections.reverse(oldestFirst);
            assertThat(received).extracting(r -> r.header("X-Steward-Delivery")).containsExactlyElementsOf(oldestFirst);
            client.deleteWebhook(hook.webhook().id());
        }
    }

    @Test
    void whileTheReceiverFailsDeliveriesAreRetriedAndArriveInOrderOnceItRecovers() {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            receiver.failNext(3);
            String id = client.createWebhook(receiver.url().toString(), List.of("*"), "").webhook().id();
            for (int n = 0; n < 3; n++) {
                publish(server.steward(), EventType.MODEL_VERSION_UPDATED, n);
            }
            List<WebhookReceiver.Request> all = receiver.await(seen -> seen.stream().filter(WebhookReceiver.Request::delivered).count() == 3);

            assertThat(all).hasSize(6);
            assertThat(numbers(all)).as("the first is retried until it is delivered; the others wait for it")
                    .containsExactly(0, 0, 0, 0, 1, 2);
            assertThat(all).extracting(r -> r.header("X-Steward-Delivery")).first().isEqualTo(all.get(3).header("X-Steward-Delivery"));
            WebhookDeliveryInfo first = deliveries(id).deliveries().get(2);
            assertThat(first.status()).isEqualTo("delivered");
            assertThat(first.attempts()).extracting(WebhookDeliveryInfo.Attempt::attempt).containsExactly(1, 2, 3, 4);
            assertThat(first.attempts()).extracting(a -> a.httpStatus().orElse(0)).containsExactly(500, 500, 500, 200);
            assertThat(first.attempts().get(0).error()).contains("the receiver answered HTTP 500");
            assertThat(first.attempts().get(3).error()).isEmpty();
            assertThat(Instant.parse(first.attempts().get(1).startedAt())).as("a retry waits at least half the base delay")
                    .isAfterOrEqualTo(Instant.parse(first.attempts().get(0).startedAt()).plusMillis(10));
            client.deleteWebhook(id);
        }
    }

    @Test
    void aDeliveryIsGivenUpAfterItsLastAttemptAndTheNextOneGoesOut() {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            receiver.failNext(5);
            String id = client.createWebhook(receiver.url().toString(), List.of("approval.requested"), "").webhook().id();
            publish(server.steward(), EventType.APPROVAL_REQUESTED, 0);
            publish(server.steward(), EventType.APPROVAL_REQUESTED, 1);

            List<WebhookReceiver.Request> all = receiver.await(seen -> seen.stream().anyMatch(WebhookReceiver.Request::delivered));

            assertThat(numbers(all)).containsExactly(0, 0, 0, 0, 0, 1);
            List<WebhookDeliveryInfo> history = deliveries(id).deliveries();
            assertThat(history).extracting(WebhookDeliveryInfo::status).containsExactly("delivered", "failed");
            assertThat(history.get(1).attempts()).hasSize(5).allSatisfy(a -> assertThat(a.httpStatus()).contains(500));
            assertThat(history.get(1).endedAt()).isPresent();
            client.deleteWebhook(id);
        }
    }

    @Test
    void anUnreachableReceiverIsAFailedAttemptWithTheReason() {
        String id = client.createWebhook(NOBODY + "/unreachable", List.of("registered_model.created"), "").webhook().id();
        publish(server.steward(), EventType.REGISTERED_MODEL_CREATED, 0);

        WebhookDeliveryInfo delivery = await(() -> deliveries(id).deliveries().get(0), d -> !d.attempts().isEmpty());

        assertThat(delivery.attempts().get(0).httpStatus()).isEmpty();
        assertThat(delivery.attempts().get(0).error()).hasValueSatisfying(e -> assertThat(e).startsWith("cannot connect to 127.0.0.1:1"));
        client.deleteWebhook(id);
    }

    @Test
    void aDeletedSubscriptionGetsNothingMoreAndItsPendingDeliveriesAreCancelled() {
        try (WebhookReceiver receiver = new WebhookReceiver(); WebhookReceiver control = new WebhookReceiver()) {
            receiver.answer(500);
            String id = client.createWebhook(receiver.url().toString(), List.of("promotion.rolled_back"), "").webhook().id();
            String controlId = client.createWebhook(control.url().toString(), List.of("promotion.rolled_back"), "control").webhook().id();
            publish(server.steward(), EventType.PROMOTION_ROLLED_BACK, 0);
            publish(server.steward(), EventType.PROMOTION_ROLLED_BACK, 1);
            receiver.await(seen -> !seen.isEmpty());

            HttpResponse<String> deleted = http.delete("/api/v1/webhooks/" + id, admin);
            int receivedAtDelete = receiver.requests().size();

            assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
            assertThat(json(deleted).get("active").asBoolean()).isFalse();
            assertThat(json(deleted).has("deactivated_at")).isTrue();
            assertThat(deliveries(id).deliveries()).extracting(WebhookDeliveryInfo::status).containsExactly("cancelled", "cancelled");
            receiver.answer(200);
            publish(server.steward(), EventType.PROMOTION_ROLLED_BACK, 2);
            assertThat(deliveries(id).deliveries()).as("nothing is queued to a deleted subscription").hasSize(2);
            assertThat(numbers(control.awaitDelivered(3))).containsExactly(0, 1, 2);
            assertThat(receiver.requests().size()).as("at most the attempt in flight at the delete").isLessThanOrEqualTo(receivedAtDelete + 1);
            assertThat(numbers(receiver.requests())).doesNotContain(1, 2);
            assertThat(http.delete("/api/v1/webhooks/" + id, admin).statusCode()).isEqualTo(409);
            assertThat(http.post("/api/v1/webhooks/" + id + "/ping", admin, "").statusCode()).isEqualTo(409);
            assertThat(client.getWebhook(id).active()).isFalse();
            JsonNode audit = json(http.get("/api/v1/audit?object_type=webhook&object_id=" + id, admin)).get("events");
            assertThat(audit).extracting(e -> e.get("action").asText()).containsExactly("webhook.create", "webhook.delete");
            assertThat(audit.get(1).at("/details/cancelled_deliveries").asText()).isEqualTo("2");
            client.deleteWebhook(controlId);
        }
    }

    @Test
    void aPingGoesToThatSubscriptionOnlyAndTheSecretIsShownOnlyAtCreation() {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            String secret = "my-own-secret-of-receiver-42";
            CreatedWebhook hook = client.createWebhook(receiver.url().toString(), List.of("model_version.revoked"), "pinged", secret);
            String everything = client.createWebhook(NOBODY + "/everything", List.of("*"), "").webhook().id();

            WebhookDeliveryInfo queued = client.pingWebhook(hook.webhook().id());
            WebhookReceiver.Request ping = receiver.awaitDelivered(1).get(0);

            assertThat(hook.secret()).isEqualTo(secret);
            assertThat(queued.status()).isEqualTo("pending");
            assertThat(queued.eventType()).isEqualTo("webhook.ping");
            assertThat(ping.header("X-Steward-Event")).isEqualTo("webhook.ping");
            assertThat(ping.header("X-Steward-Delivery")).isEqualTo(queued.id());
            assertThat(ping.signedWith(secret)).isTrue();
            assertThat(ping.json().at("/object/type").asText()).isEqualTo("webhook");
            assertThat(ping.json().at("/object/id").asText()).isEqualTo(hook.webhook().id());
            assertThat(ping.json().at("/data/requested_by").asText()).isEqualTo("admin");
            assertThat(deliveries(everything).deliveries()).as("a ping is not published to every subscriber").isEmpty();
            for (String path : List.of("/api/v1/webhooks", "/api/v1/webhooks/" + hook.webhook().id(),
                    "/api/v1/webhooks/" + hook.webhook().id() + "/deliveries", "/api/v1/audit?object_type=webhook")) {
                assertThat(http.get(path, admin).body()).as(path).doesNotContain(secret).contains(hook.webhook().id());
            }
            JsonNode created = json(http.get("/api/v1/audit?action=webhook.create&object_id=" + hook.webhook().id(), admin)).at("/events/0");
            assertThat(created.at("/details/receiver").asText()).isEqualTo("http://127.0.0.1:" + receiver.url().getPort());
            assertThat(created.at("/details/events").asText()).isEqualTo("model_version.revoked");
            assertThat(created.at("/details/secret_source").asText()).isEqualTo("given");
            assertThat(json(http.get("/api/v1/audit?action=webhook.ping&object_id=" + hook.webhook().id(), admin)).get("events")).hasSize(1);
            assertThat(json(http.get("/api/v1/audit/verify", admin)).get("intact").asBoolean()).isTrue();
            client.deleteWebhook(everything);
            client.deleteWebhook(hook.webhook().id());
        }
    }

    @Test
    void deliveriesArePagedNewestFirst() {
        String id = client.createWebhook(NOBODY + "/paged", List.of("model_version.alias_set"), "").webhook().id();
        server.steward().store().write(tx -> {
            for (int n = 0; n < 5; n++) {
                server.steward().webhooks().publish(tx, EventType.MODEL_VERSION_ALIAS_SET, "model_version", "mv_" + n,
                        StewardServerTest.MAPPER.createObjectNode().put("n", n));
            }
            return null;
        });

        WebhookDeliveryPage first = client.webhookDeliveries(id, 2, null);
        WebhookDeliveryPage second = client.webhookDeliveries(id, 2, first.nextPageToken().orElseThrow());
        WebhookDeliveryPage third = client.webhookDeliveries(id, 2, second.nextPageToken().orElseThrow());

        assertThat(first.deliveries()).extracting(d -> d.payload().at("/data/n").asInt()).containsExactly(4, 3);
        assertThat(second.deliveries()).extracting(d -> d.payload().at("/data/n").asInt()).containsExactly(2, 1);
        assertThat(third.deliveries()).extracting(d -> d.payload().at("/data/n").asInt()).containsExactly(0);
        assertThat(third.nextPageToken()).isEmpty();
        client.deleteWebhook(id);
    }

    @Test
    void badInputIsRefusedNamingTheFieldAndNothingIsStored() {
        int webhooksBefore = client.listWebhooks().size();
        int auditBefore = json(http.get("/api/v1/audit?action=webhook.create&max_results=1000", admin)).get("events").size();
        Map<String, String> bodies = new java.util.LinkedHashMap<>();
        bodies.put("{\"events\": [\"*\"]}", "url");
        bodies.put("{\"url\": \"\", \"events\": [\"*\"]}", "url");
        bodies.put("{\"url\": \"ftp://files.example.com/in\", \"events\": [\"*\"]}", "url");
        bodies.put("{\"url\": \"file:///etc/passwd\", \"events\": [\"*\"]}", "url");
        bodies.put("{\"url\": \"hooks.example.com/in\", \"events\": [\"*\"]}", "url");
        bodies.put("{\"url\": \"https://user:pw@hooks.example.com/in\", \"events\": [\"*\"]}", "url");
        bodies.put("{\"url\": \"https://hooks example.com/\", \"events\": [\"*\"]}", "url");
        bodies.put("{\"url\": \"https:///in\", \"events\": [\"*\"]}", "url");
        bodies.put("{\"url\": \"https://hooks.example.com/" + "a".repeat(2000) + "\", \"events\": [\"*\"]}", "url");
        bodies.put("{\"url\": [\"https://hooks.example.com/in\"], \"events\": [\"*\"]}", "url");
        bodies.put("{\"url\": 42, \"events\": [\"*\"]}", "url");
        bodies.put("{\"url\": \"https://hooks.example.com/in\"}", "events");
        bodies.put("{\"url\": \"https://hooks.example.com/in\", \"events\": []}", "events");
        bodies.put("{\"url\": \"https://hooks.example.com/in\", \"events\": \"promotion.succeeded\"}", "events");
        bodies.put("{\"url\": \"https://hooks.example.com/in\", \"events\": [\"promotion.succeeded\", \"model.exploded\"]}", "events[1]");
        bodies.put("{\"url\": \"https://hooks.example.com/in\", \"events\": [{\"type\": \"promotion.succeeded\"}]}", "events[0]");
        bodies.put("{\"url\": \"https://hooks.example.com/in\", \"events\": [null]}", "events[0]");
        bodies.put("{\"url\": \"https://hooks.example.com/in\", \"events\": [\"*\", \"promotion.succeeded\"]}", "events");
        bodies.put("{\"url\": \"https://hooks.example.com/in\", \"events\": [\"*\"], \"description\": {\"a\": 1}}", "description");
        bodies.put("{\"url\": \"https://hooks.example.com/in\", \"events\": [\"*\"], \"description\": \"" + "d".repeat(1001) + "\"}",
                "description");
        bodies.put("{\"url\": \"https://hooks.example.com/in\", \"events\": [\"*\"], \"secret\": \"short\"}", "secret");
        bodies.put("{\"url\": \"https://hooks.example.com/in\", \"events\": [\"*\"], \"secret\": \"has spaces in the middle\"}", "secret");
        bodies.put("{\"url\": \"https://hooks.example.com/in\", \"events\": [\"*\"], \"secret\": [\"x\"]}", "secret");
        bodies.put("{\"url\": \"https://hooks.example.com/in\", \"events\": [\"*\"], \"colour\": \"red\"}", "colour");

        bodies.forEach((body, field) -> {
            HttpResponse<String> response = http.post("/api/v1/webhooks", admin, body);
            assertThat(response.statusCode()).as(body + " -> " + response.body()).isEqualTo(400);
            assertThat(json(response).path("field").asText()).as(body + " -> " + response.body()).isEqualTo(field);
        });
        for (String malformed : List.of("", "{\"url\": ", "[]", "null")) {
            HttpResponse<String> response = http.post("/api/v1/webhooks", admin, malformed);
            assertThat(response.statusCode()).as(malformed + " -> " + response.body()).isEqualTo(400);
            assertThat(json(response).get("error_code").asText()).isEqualTo("MALFORMED_REQUEST");
        }
        assertThat(client.listWebhooks()).hasSize(webhooksBefore);
        assertThat(json(http.get("/api/v1/audit?action=webhook.create&max_results=1000", admin)).get("events")).hasSize(auditBefore);
        int queued = server.steward().store().read(tx -> tx.repository(WebhookRepository.class).listSubscriptions().size());
        assertThat(queued).isEqualTo(webhooksBefore);

        HttpResponse<String> badId = http.get("/api/v1/webhooks/not-a-webhook", admin);
        assertThat(badId.statusCode()).isEqualTo(400);
        assertThat(json(badId).get("field").asText()).isEqualTo("webhook_id");
        assertThat(http.get("/api/v1/webhooks/wh_0123456789abcdef", admin).statusCode()).isEqualTo(404);
        assertThat(http.delete("/api/v1/webhooks/wh_0123456789abcdef", admin).statusCode()).isEqualTo(404);
        assertThat(http.post("/api/v1/webhooks/wh_0123456789abcdef/ping", admin, "").statusCode()).isEqualTo(404);
        String id = client.createWebhook(NOBODY + "/valid", List.of("*"), "").webhook().id();
        for (String query : List.of("page_token=abc", "page_token=-4", "max_results=0", "max_results=1001", "max_results=x")) {
            HttpResponse<String> response = http.get("/api/v1/webhooks/" + id + "/deliveries?" + query, admin);
            assertThat(response.statusCode()).as(query).isEqualTo(400);
            assertThat(json(response).get("field").asText()).isEqualTo(query.substring(0, query.indexOf('=')));
        }
        client.deleteWebhook(id);
    }

    @Test
    void theOpenApiDocumentDescribesTheWebhookRoutes() {
        JsonNode paths = json(http.get("/api/v1/openapi.json", null)).get("paths");

        assertThat(paths.fieldNames()).toIterable().contains("/api/v1/webhooks", "/api/v1/webhooks/{id}", "/api/v1/webhooks/{id}/deliveries",
                "/api/v1/webhooks/{id}/ping");
        assertThat(paths.at("/~1api~1v1~1webhooks/post/requestBody/content/application~1json/schema/required").toString())
                .isEqualTo("[\"url\",\"events\"]");
    }

    @Test
    void onlyAdminsManageWebhooks() {
        String id = client.createWebhook(NOBODY + "/admins", List.of("*"), "").webhook().id();
        String body = "{\"url\": \"https://hooks.example.com/x\", \"events\": [\"*\"]}";
        for (String role : List.of("viewer", "editor", "deployer")) {
            String token = newToken(role);
            assertThat(http.post("/api/v1/webhooks", token, body).statusCode()).as(role).isEqualTo(403);
            assertThat(http.get("/api/v1/webhooks", token).statusCode()).as(role).isEqualTo(403);
            assertThat(http.get("/api/v1/webhooks/" + id, token).statusCode()).as(role).isEqualTo(403);
            assertThat(http.get("/api/v1/webhooks/" + id + "/deliveries", token).statusCode()).as(role).isEqualTo(403);
            assertThat(http.post("/api/v1/webhooks/" + id + "/ping", token, "").statusCode()).as(role).isEqualTo(403);
            assertThat(http.delete("/api/v1/webhooks/" + id, token).statusCode()).as(role).isEqualTo(403);
        }
        assertThat(http.get("/api/v1/webhooks", null).statusCode()).isEqualTo(401);
        assertThat(client.getWebhook(id).active()).as("still there").isTrue();
        assertThat(client.deleteWebhook(id).active()).isFalse();
    }

    @Test
    void aRestartLosesNoDeliveryAndKeepsTheOrder(@TempDir Path otherHome) {
        // Enough attempts that nothing is given up while the receiver is down.
        Map<String, String> settings = new java.util.HashMap<>(SETTINGS);
        settings.put("webhooks.max-attempts", "1000");
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            receiver.answer(503);
            StewardServer first = StewardServer.start(Steward.open(ConfigLoader.load(otherHome, Map.of(), settings)));
            String token = first.createdAdminToken().orElseThrow();
            String id;
            try {
                id = StewardClient.create(first.uri(), token).createWebhook(receiver.url().toString(), List.of("*"), "").webhook().id();
                for (int n = 0; n < 3; n++) {
                    publish(first.steward(), EventType.PROMOTION_SUCCEEDED, n);
                }
                receiver.await(seen -> seen.size() >= 2);
            } finally {
                first.close();
            }
            // Queued while no server runs (an offline command); and a claim left behind by a server that was killed mid-send.
            try (Steward offline = Steward.open(ConfigLoader.load(otherHome, Map.of(), settings))) {
                publish(offline, EventType.PROMOTION_SUCCEEDED, 3);
                publish(offline, EventType.PROMOTION_SUCCEEDED, 4);
                offline.store().write(tx -> {
                    WebhookRepository webhooks = tx.repository(WebhookRepository.class);
                    String head = webhooks.due(Long.MAX_VALUE - 2, 1).get(0).id();
                    return webhooks.claim(head, "killed-server", Long.MAX_VALUE - 2, Long.MAX_VALUE - 1);
                });
            }
            receiver.answer(200);

            StewardServer second = StewardServer.start(Steward.open(ConfigLoader.load(otherHome, Map.of(), settings)));
            try {
                List<WebhookReceiver.Request> delivered = receiver.awaitDelivered(5);

                assertThat(numbers(delivered)).containsExactly(0, 1, 2, 3, 4);
                List<WebhookDeliveryInfo> history = StewardClient.create(second.uri(), token).webhookDeliveries(id, 100, null).deliveries();
                assertThat(history).extracting(WebhookDeliveryInfo::status).containsOnly("delivered").hasSize(5);
                assertThat(history.get(4).attempts().size()).as("the first was tried before the restart too").isGreaterThan(1);
                assertThat(IntStream.range(0, 5).mapToObj(i -> history.get(4 - i).attempts().get(history.get(4 - i).attempts().size() - 1)))
                        .allSatisfy(a -> assertThat(a.httpStatus()).contains(200));
            } finally {
                second.close();
            }
        }
    }

    @Test
    void retriesWaitLongerEachTime() {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            receiver.failNext(4);
            String id = client.createWebhook(receiver.url().toString(), List.of("approval.rejected"), "").webhook().id();
            publish(server.steward(), EventType.APPROVAL_REJECTED, 0);
            receiver.awaitDelivered(1);

            // The receiver has the delivery before the dispatcher records the attempt that made it: wait for the record.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            List<WebhookDeliveryInfo.Attempt> attempts = deliveries(id).deliveries().get(0).attempts();
            while (attempts.size() < 5 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
                attempts = deliveries(id).deliveries().get(0).attempts();
            }
            assertThat(attempts).hasSize(5);
            for (int i = 1; i < attempts.size(); i++) {
                Duration gap = Duration.between(Instant.parse(attempts.get(i - 1).startedAt()), Instant.parse(attempts.get(i).startedAt()));
                long minimum = 20L << (i - 1) >> 1;
                assertThat(gap.toMillis()).as("gap before attempt %d", i + 1).isGreaterThanOrEqualTo(minimum);
            }
            client.deleteWebhook(id);
        }
    }
}
