package dev.steward.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.steward.spi.store.MetadataStore;
import dev.steward.spi.webhooks.WebhookAttempt;
import dev.steward.spi.webhooks.WebhookDelivery;
import dev.steward.spi.webhooks.WebhookEvent;
import dev.steward.spi.webhooks.WebhookRepository;
import dev.steward.spi.webhooks.WebhookSubscription;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The webhook outbox on every backend: which subscriptions receive an event, the in-order queue
 * (only a subscription's first pending delivery is due), due-time ordering, the compare-and-set
 * claims and leases that let several servers share one store, recorded attempts, and paging.
 */
public abstract class WebhookContract {
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

    private <T> T write(Function<WebhookRepository, T> work) {
        return store.write(tx -> work.apply(tx.repository(WebhookRepository.class)));
    }

    private <T> T read(Function<WebhookRepository, T> work) {
        return store.read(tx -> work.apply(tx.repository(WebhookRepository.class)));
    }

    private void subscribe(String id, long createdAt, String... events) {
        write(r -> {
            r.insertSubscription(new WebhookSubscription(id, "https://hooks.example.com/" + id, List.of(events), "", "whsec_" + id, createdAt,
                    "tok_1", Optional.empty()));
            return null;
        });
    }

    /** One event queued to each of {@code subscriptions}, due at {@code time}; the deliveries are named {@code <subscription>-<event>}. */
    private void publish(String eventId, long time, String... subscriptions) {
        write(r -> {
            r.insertEvent(new WebhookEvent(eventId, "promotion.succeeded", "model_version", "mv_1", "{\"id\":\"" + eventId + "\"}", time));
            for (String subscription : subscriptions) {
                r.enqueue(subscription + "-" + eventId, subscription, eventId, time);
            }
            return null;
        });
    }

    private static WebhookAttempt attempt(String deliveryId, int number, long startedAt, Optional<Integer> status) {
        return new WebhookAttempt(deliveryId, number, startedAt, 5, status,
                status.filter(s -> s / 100 == 2).isPresent() ? Optional.empty() : Optional.of(status.map(s -> "HTTP " + s).orElse("refused")));
    }

    private List<String> due(long now) {
        return read(r -> r.due(now, 100)).stream().map(WebhookDelivery::id).toList();
    }

    private boolean claim(String deliveryId, String owner, long now, long leaseUntil) {
        return write(r -> r.claim(deliveryId, owner, now, leaseUntil));
    }

    private boolean record(WebhookAttempt attempt, String owner, String status, long nextAttemptAt) {
        return write(r -> r.recordAttempt(attempt, owner, status, nextAttemptAt));
    }

    private WebhookDelivery delivery(String id) {
        return read(r -> r.findDelivery(id)).orElseThrow();
    }

    private List<WebhookAttempt> attempts(String... deliveryIds) {
        return read(r -> r.attempts(List.of(deliveryIds)));
    }

    private List<WebhookSubscription> subscribersOf(String eventType) {
        return read(r -> r.subscribersOf(eventType));
    }

    private List<WebhookDelivery> deliveries(String subscriptionId, long beforeSeq, int limit) {
        return read(r -> r.deliveries(subscriptionId, beforeSeq, limit));
    }

    @Test
    void anEventGoesToTheActiveSubscriptionsOfItsTypeOrOfEveryType() {
        subscribe("wh_a", 1, "promotion.succeeded", "model_version.created");
        subscribe("wh_b", 2, "*");
        subscribe("wh_c", 3, "model_version.created");
        subscribe("wh_d", 4, "promotion.succeeded");
        boolean deactivated = write(r -> r.deactivate("wh_d", 10));
        boolean again = write(r -> r.deactivate("wh_d", 11));

        assertThat(deactivated).isTrue();
        assertThat(again).as("a deleted subscription is not deleted twice").isFalse();
        assertThat(subscribersOf("promotion.succeeded")).extracting(WebhookSubscription::id).containsExactly("wh_a", "wh_b");
        assertThat(subscribersOf("webhook.ping")).extracting(WebhookSubscription::id).containsExactly("wh_b");
        List<WebhookSubscription> all = read(WebhookRepository::listSubscriptions);
        assertThat(all).extracting(WebhookSubscription::id).containsExactly("wh_d", "wh_c", "wh_b", "wh_a");
        WebhookSubscription a = read(r -> r.findSubscription("wh_a")).orElseThrow();
        assertThat(a.events()).containsExactly("model_version.created", "promotion.succeeded");
        assertThat(a.secret()).isEqualTo("whsec_wh_a");
        assertThat(a.url()).isEqualTo("https://hooks.example.com/wh_a");
        assertThat(a.active()).isTrue();
        WebhookSubscription d = read(r -> r.findSubscription("wh_d")).orElseThrow();
        assertThat(d.deactivatedAt()).contains(10L);
        Optional<WebhookSubscription> missing = read(r -> r.findSubscription("wh_zz"));
        assertThat(missing).isEmpty();
        Optional<WebhookEvent> missingEvent = read(r -> r.findEvent("evt_zz"));
        assertThat(missingEvent).isEmpty();
    }

    @Test
    void onlyTheFirstPendingDeliveryOfASubscriptionIsDueAndTheNextWaitsUntilItEnds() {
        subscribe("wh_a", 1, "*");
        subscribe("wh_b", 2, "*");
        publish("e1", 100, "wh_a", "wh_b");
        publish("e2", 101, "wh_a");
        publish("e3", 102, "wh_a", "wh_b");

        assertThat(due(200)).containsExactly("wh_a-e1", "wh_b-e1");
        assertThat(claim("wh_a-e1", "server-1", 200, 1_000)).isTrue();
        assertThat(due(200)).as("a claimed delivery holds back the rest of its subscription").containsExactly("wh_b-e1");

        boolean retried = record(attempt("wh_a-e1", 1, 200, Optional.of(500)), "server-1", WebhookDelivery.PENDING, 400);
        assertThat(retried).isTrue();
        assertThat(due(300)).as("a delivery waiting for its retry still holds back the next").containsExactly("wh_b-e1");
        assertThat(claim("wh_a-e1", "server-1", 300, 1_000)).as("not due before its retry time").isFalse();
        assertThat(due(400)).containsExactly("wh_b-e1", "wh_a-e1");

        assertThat(claim("wh_a-e1", "server-1", 400, 1_000)).isTrue();
        boolean delivered = record(attempt("wh_a-e1", 2, 400, Optional.of(204)), "server-1", WebhookDelivery.DELIVERED, 400);
        assertThat(delivered).isTrue();
        assertThat(due(400)).containsExactly("wh_b-e1", "wh_a-e2");

        assertThat(claim("wh_a-e2", "server-1", 400, 1_000)).isTrue();
        boolean givenUp = record(attempt("wh_a-e2", 1, 400, Optional.empty()), "server-1", WebhookDelivery.FAILED, 400);
        assertThat(givenUp).isTrue();
        assertThat(due(400)).as("a delivery given up lets the next go").containsExactly("wh_b-e1", "wh_a-e3");

        WebhookDelivery first = delivery("wh_a-e1");
        assertThat(first.status()).isEqualTo(WebhookDelivery.DELIVERED);
        assertThat(first.attempts()).isEqualTo(2);
        assertThat(first.endedAt()).contains(405L);
        assertThat(first.owner()).isEmpty();
        assertThat(delivery("wh_a-e2").status()).isEqualTo(WebhookDelivery.FAILED);
        List<WebhookAttempt> attempts = attempts("wh_a-e1", "wh_a-e2", "wh_b-e1");
        assertThat(attempts).extracting(WebhookAttempt::deliveryId, WebhookAttempt::attempt, WebhookAttempt::httpStatus)
                .containsExactly(tuple("wh_a-e1", 1, Optional.of(500)), tuple("wh_a-e1", 2, Optional.of(204)), tuple("wh_a-e2", 1, Optional.empty()));
        assertThat(attempts.get(2).error()).contains("refused");
        assertThat(attempts.get(0).startedAt()).isEqualTo(200);
        assertThat(attempts.get(0).durationMs()).isEqualTo(5);
    }

    @Test
    void dueDeliveriesComeSoonestFirstThenInQueueOrder() {
        subscribe("wh_a", 1, "*");
        subscribe("wh_b", 2, "*");
        subscribe("wh_c", 3, "*");
        publish("e1", 100, "wh_a", "wh_b", "wh_c");
        for (String id : List.of("wh_a-e1", "wh_b-e1")) {
            claim(id, "server-1", 100, 1_000);
        }
        record(attempt("wh_a-e1", 1, 100, Optional.of(503)), "server-1", WebhookDelivery.PENDING, 300);
        record(attempt("wh_b-e1", 1, 100, Optional.of(503)), "server-1", WebhookDelivery.PENDING, 200);

        assertThat(due(150)).containsExactly("wh_c-e1");
        assertThat(due(1_000)).containsExactly("wh_c-e1", "wh_b-e1", "wh_a-e1");
        List<WebhookDelivery> two = read(r -> r.due(1_000, 2));
        assertThat(two).extracting(WebhookDelivery::id).containsExactly("wh_c-e1", "wh_b-e1");
    }

    @Test
    void aClaimIsWonOnceAndADeadOwnersDeliveryIsTakenOverWhenItsLeaseEnds() {
        subscribe("wh_a", 1, "*");
        publish("e1", 100, "wh_a");

        assertThat(claim("wh_a-e1", "server-1", 100, 1_000)).isTrue();
        assertThat(claim("wh_a-e1", "server-2", 100, 1_100)).as("the other server loses the race").isFalse();
        assertThat(delivery("wh_a-e1").owner()).contains("server-1");

        int renewed = write(r -> r.renewLeases("server-1", List.of("wh_a-e1"), 2_000));
        int renewedByOther = write(r -> r.renewLeases("server-2", List.of("wh_a-e1"), 2_000));
        int renewedUnheld = write(r -> r.renewLeases("server-1", List.of(), 9_000));
        assertThat(renewed).isEqualTo(1);
        assertThat(renewedByOther).isZero();
        assertThat(renewedUnheld).isZero();
        assertThat(due(1_500)).as("a renewed lease is still live").isEmpty();
        assertThat(claim("wh_a-e1", "server-2", 1_500, 3_000)).isFalse();

        assertThat(due(2_001)).as("server-1 stopped renewing: its delivery is due again").containsExactly("wh_a-e1");
        assertThat(claim("wh_a-e1", "server-2", 2_001, 3_000)).isTrue();
        boolean late = record(attempt("wh_a-e1", 1, 100, Optional.of(200)), "server-1", WebhookDelivery.DELIVERED, 100);
        assertThat(late).as("an owner that lost its claim records nothing").isFalse();
        boolean wrongNumber = record(attempt("wh_a-e1", 2, 2_001, Optional.of(200)), "server-2", WebhookDelivery.DELIVERED, 2_001);
        assertThat(wrongNumber).as("attempts are numbered without gaps").isFalse();
        boolean taken = record(attempt("wh_a-e1", 1, 2_001, Optional.of(200)), "server-2", WebhookDelivery.DELIVERED, 2_001);
        assertThat(taken).isTrue();
        assertThat(attempts("wh_a-e1")).hasSize(1);
        assertThat(delivery("wh_a-e1").status()).isEqualTo(WebhookDelivery.DELIVERED);
    }

    @Test
    void releasedClaimsAreDueAtOnce() {
        subscribe("wh_a", 1, "*");
        subscribe("wh_b", 2, "*");
        publish("e1", 100, "wh_a", "wh_b");
        claim("wh_a-e1", "server-1", 100, 10_000);
        claim("wh_b-e1", "server-2", 100, 10_000);

        int released = write(r -> r.releaseLeases("server-1"));
        assertThat(released).isEqualTo(1);
        assertThat(due(200)).containsExactly("wh_a-e1");
        int releasedAll = write(WebhookRepository::releaseAllLeases);
        assertThat(releasedAll).isEqualTo(1);
        assertThat(due(200)).containsExactly("wh_a-e1", "wh_b-e1");
    }

    @Test
    void cancellingEndsPendingDeliveriesAndAnInFlightOneKeepsItsAttempt() {
        subscribe("wh_a", 1, "*");
        publish("e1", 100, "wh_a");
        publish("e2", 101, "wh_a");
        publish("e3", 102, "wh_a");
        claim("wh_a-e1", "server-1", 100, 1_000);
        record(attempt("wh_a-e1", 1, 100, Optional.of(200)), "server-1", WebhookDelivery.DELIVERED, 100);
        claim("wh_a-e2", "server-1", 200, 1_000);

        int cancelled = write(r -> r.cancelPending("wh_a", 300));
        boolean recorded = record(attempt("wh_a-e2", 1, 200, Optional.of(200)), "server-1", WebhookDelivery.DELIVERED, 200);

        assertThat(cancelled).isEqualTo(2);
        assertThat(recorded).isTrue();
        assertThat(due(1_000)).isEmpty();
        List<WebhookDelivery> all = deliveries("wh_a", Long.MAX_VALUE, 10);
        assertThat(all).extracting(WebhookDelivery::id, WebhookDelivery::status).containsExactly(
                tuple("wh_a-e3", WebhookDelivery.CANCELLED),
                tuple("wh_a-e2", WebhookDelivery.CANCELLED),
                tuple("wh_a-e1", WebhookDelivery.DELIVERED));
        assertThat(all.get(1).attempts()).isEqualTo(1);
        assertThat(all.get(1).endedAt()).contains(300L);
        assertThat(attempts("wh_a-e2")).hasSize(1);
    }

    @Test
    void deliveriesArePagedNewestFirstByTheirPlaceInTheQueue() {
        subscribe("wh_a", 1, "*");
        subscribe("wh_b", 2, "*");
        for (int i = 1; i <= 5; i++) {
            publish("e" + i, 100 + i, "wh_a", "wh_b");
        }

        List<WebhookDelivery> first = deliveries("wh_a", Long.MAX_VALUE, 2);
        List<WebhookDelivery> second = deliveries("wh_a", first.get(1).seq(), 2);
        List<WebhookDelivery> last = deliveries("wh_a", second.get(1).seq(), 2);

        assertThat(first).extracting(WebhookDelivery::id).containsExactly("wh_a-e5", "wh_a-e4");
        assertThat(second).extracting(WebhookDelivery::id).containsExactly("wh_a-e3", "wh_a-e2");
        assertThat(last).extracting(WebhookDelivery::id).containsExactly("wh_a-e1");
        WebhookDelivery one = last.get(0);
        assertThat(one.eventId()).isEqualTo("e1");
        assertThat(one.status()).isEqualTo(WebhookDelivery.PENDING);
        assertThat(one.attempts()).isZero();
        assertThat(one.createdAt()).isEqualTo(101);
        assertThat(one.nextAttemptAt()).isEqualTo(101);
        WebhookEvent event = read(r -> r.findEvent("e1")).orElseThrow();
        assertThat(event.payload()).isEqualTo("{\"id\":\"e1\"}");
        List<Long> seqs = deliveries("wh_b", Long.MAX_VALUE, 10).stream().map(WebhookDelivery::seq).toList();
        assertThat(seqs).isSortedAccordingTo(Comparator.reverseOrder()).doesNotHaveDuplicates();
    }
}
