package dev.steward.core.webhooks;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.core.audit.AuditLog;
import dev.steward.core.tracking.Page;
import dev.steward.core.util.Ids;
import dev.steward.spi.Caller;
import dev.steward.spi.StewardException;
import dev.steward.spi.store.AuditRepository;
import dev.steward.spi.store.MetadataStore;
import dev.steward.spi.store.StoreTransaction;
import dev.steward.spi.webhooks.WebhookAttempt;
import dev.steward.spi.webhooks.WebhookDelivery;
import dev.steward.spi.webhooks.WebhookEvent;
import dev.steward.spi.webhooks.WebhookRepository;
import dev.steward.spi.webhooks.WebhookSubscription;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Webhook subscriptions (create, list, delete, ping, delivery history) and the outbox other
 * services publish events to. Creating, deleting and pinging are audited; a subscription's signing
 * secret is generated here unless given, stored because it is needed to sign, and never returned
 * again, logged or audited. Sending is {@link WebhookDispatcher}'s job. Thread-safe.
 */
public final class WebhookService implements EventPublisher {
    public static final String SECRET_PREFIX = "whsec_";
    public static final int MAX_URL_LENGTH = 2000;
    public static final int MAX_DESCRIPTION_LENGTH = 1000;
    public static final int MIN_SECRET_LENGTH = 16;
    public static final int MAX_SECRET_LENGTH = 256;
    /** The largest body sent to a receiver. */
    public static final int MAX_PAYLOAD_BYTES = 256 * 1024;
    private static final int MAX_OBJECT_TYPE_LENGTH = 100;
    private static final int MAX_OBJECT_ID_LENGTH = 500;
    private static final Pattern ID = Pattern.compile("wh_[0-9a-f]{16}");
    private static final Pattern SECRET = Pattern.compile("[\\x21-\\x7e]+");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MetadataStore store;
    private final AuditLog audit;
    private final Clock clock;

    public WebhookService(MetadataStore store, AuditLog audit, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Subscribes {@code url} to {@code events} (names of {@link EventType}s, or {@code *} alone) with a generated secret. */
    public WebhookSubscription create(Caller caller, String url, List<String> events, String description) {
        return create(caller, url, events, description, Ids.randomSecret(SECRET_PREFIX, 32), "generated");
    }

    /** Subscribes {@code url} to {@code events} with the receiver's own signing secret. */
    public WebhookSubscription create(Caller caller, String url, List<String> events, String description, String secret) {
        requireNonNull(secret, "secret is null");
        if (secret.length() < MIN_SECRET_LENGTH || secret.length() > MAX_SECRET_LENGTH || !SECRET.matcher(secret).matches()) {
            throw StewardException.invalid("secret", "a secret must be " + MIN_SECRET_LENGTH + " to " + MAX_SECRET_LENGTH
                    + " printable ASCII characters without spaces; leave it out to have Steward generate one");
        }
        return create(caller, url, events, description, secret, "given");
    }

    private WebhookSubscription create(Caller caller, String url, List<String> events, String description, String secret, String secretSource) {
        requireNonNull(caller, "caller is null");
        requireNonNull(url, "url is null");
        requireNonNull(events, "events is null");
        requireNonNull(description, "description is null");
        URI receiver = checkUrl(url);
        List<String> types = checkEvents(events);
        if (description.length() > MAX_DESCRIPTION_LENGTH) {
            throw StewardException.invalid("description", "a description has at most " + MAX_DESCRIPTION_LENGTH + " characters");
        }
        WebhookSubscription subscription = new WebhookSubscription(Ids.randomHex("wh_", 8), url, types, description, secret, clock.millis(),
                caller.actor().id(), Optional.empty());
        store.write(tx -> {
            tx.repository(WebhookRepository.class).insertSubscription(subscription);
            // The URL's path and query may hold a receiver's own token (chat services put one there): only its origin is audited.
            audit.record(tx, caller, "webhook.create", "webhook", subscription.id(), Map.of("receiver", origin(receiver),
                    "events", String.join(",", types), "secret_source", secretSource));
            return null;
        });
        return subscription;
    }

    /** Every subscription, deleted ones included, newest first. */
    public List<WebhookSubscription> list() {
        return store.read(tx -> tx.repository(WebhookRepository.class).listSubscriptions());
    }

    public WebhookSubscription get(String id) {
        checkId(id);
        return store.read(tx -> tx.repository(WebhookRepository.class).findSubscription(id))
                .orElseThrow(() -> StewardException.notFound("no webhook with id '" + id + "'"));
    }

    /** Deactivates a subscription: nothing more is queued to it, and its pending deliveries are cancelled. */
    public WebhookSubscription delete(Caller caller, String id) {
        requireNonNull(caller, "caller is null");
        checkId(id);
        return store.write(tx -> {
            serialise(tx);
            WebhookRepository webhooks = tx.repository(WebhookRepository.class);
            WebhookSubscription subscription = webhooks.findSubscription(id)
                    .orElseThrow(() -> StewardException.notFound("no webhook with id '" + id + "'"));
            long now = clock.millis();
            if (!webhooks.deactivate(id, now)) {
                throw StewardException.invalidState("webhook " + id + " is already deleted");
            }
            int cancelled = webhooks.cancelPending(id, now);
            audit.record(tx, caller, "webhook.delete", "webhook", id, Map.of("receiver", origin(URI.create(subscription.url())),
                    "cancelled_deliveries", Integer.toString(cancelled)));
            return webhooks.findSubscription(id).orElseThrow();
        });
    }

    /** Queues a {@code webhook.ping} event to this one subscription, whatever types it receives. */
    public DeliveryHistory ping(Caller caller, String id) {
        requireNonNull(caller, "caller is null");
        checkId(id);
        return store.write(tx -> {
            serialise(tx);
            WebhookSubscription subscription = tx.repository(WebhookRepository.class).findSubscription(id)
                    .orElseThrow(() -> StewardException.notFound("no webhook with id '" + id + "'"));
            if (!subscription.active()) {
                throw StewardException.invalidState("webhook " + id + " is deleted: it receives nothing");
            }
            ObjectNode data = JSON.createObjectNode().put("message", "ping from Steward").put("requested_by", caller.actor().name());
            Queued queued = queue(tx, EventType.WEBHOOK_PING, "webhook", id, data, List.of(subscription));
            WebhookDelivery delivery = queued.deliveries().get(0);
            audit.record(tx, caller, "webhook.ping", "webhook", id, Map.of("event_id", queued.event().id(), "delivery_id", delivery.id()));
            return new DeliveryHistory(delivery, queued.event(), List.of());
        });
    }

    /**
     * A subscription's deliveries, newest first, each with its event and attempts.
     *
     * @param pageToken empty for the first page, else the {@code nextPageToken} of the page before
     */
    public Page<DeliveryHistory> deliveries(String id, int maxResults, String pageToken) {
        requireNonNull(pageToken, "pageToken is null");
        long before = pageToken.isEmpty() ? Long.MAX_VALUE : parsePageToken(pageToken);
        get(id);
        return store.read(tx -> {
            WebhookRepository webhooks = tx.repository(WebhookRepository.class);
            List<WebhookDelivery> page = webhooks.deliveries(id, before, maxResults);
            Map<String, List<WebhookAttempt>> attempts = webhooks.attempts(page.stream().map(WebhookDelivery::id).toList()).stream()
                    .collect(Collectors.groupingBy(WebhookAttempt::deliveryId));
            List<DeliveryHistory> items = new ArrayList<>();
            for (WebhookDelivery delivery : page) {
                WebhookEvent event = webhooks.findEvent(delivery.eventId())
                        .orElseThrow(() -> StewardException.internal("delivery " + delivery.id() + " has no event", null));
                items.add(new DeliveryHistory(delivery, event, attempts.getOrDefault(delivery.id(), List.of())));
            }
            Optional<String> next = page.size() == maxResults ? Optional.of(Long.toString(page.get(page.size() - 1).seq())) : Optional.empty();
            return new Page<>(items, next);
        });
    }

    @Override
    public String publish(StoreTransaction tx, EventType type, String objectType, String objectId, ObjectNode data) {
        requireNonNull(tx, "tx is null");
        requireNonNull(type, "type is null");
        requireNonNull(objectType, "objectType is null");
        requireNonNull(objectId, "objectId is null");
        requireNonNull(data, "data is null");
        serialise(tx);
        List<WebhookSubscription> subscribers = tx.repository(WebhookRepository.class).subscribersOf(type.wireName());
        return queue(tx, type, objectType, objectId, data, subscribers).event().id();
    }

    private record Queued(WebhookEvent event, List<WebhookDelivery> deliveries) {}

    /** Stores the event and one delivery per subscription; the caller has {@linkplain #serialise serialised} the transaction. */
    private Queued queue(StoreTransaction tx, EventType type, String objectType, String objectId, ObjectNode data,
            List<WebhookSubscription> subscriptions) {
        if (objectType.isBlank() || objectId.isBlank() || objectType.length() > MAX_OBJECT_TYPE_LENGTH || objectId.length() > MAX_OBJECT_ID_LENGTH) {
            throw new IllegalArgumentException("an event names the type (1 to " + MAX_OBJECT_TYPE_LENGTH + " characters) and id (1 to "
                    + MAX_OBJECT_ID_LENGTH + ") of its object: '" + objectType + "', '" + objectId + "'");
        }
        long now = clock.millis();
        String eventId = Ids.randomHex("evt_", 8);
        ObjectNode payload = JSON.createObjectNode();
        payload.put("id", eventId);
        payload.put("type", type.wireName());
        payload.put("created_at", Instant.ofEpochMilli(now).toString());
        payload.putObject("object").put("type", objectType).put("id", objectId);
        payload.set("data", data.deepCopy());
        String body = write(payload);
        if (body.getBytes(StandardCharsets.UTF_8).length > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("the " + type.wireName() + " event about " + objectType + " " + objectId + " is larger than "
                    + MAX_PAYLOAD_BYTES + " bytes: send less data");
        }
        WebhookEvent event = new WebhookEvent(eventId, type.wireName(), objectType, objectId, body, now);
        if (subscriptions.isEmpty()) {
            return new Queued(event, List.of());
        }
        WebhookRepository webhooks = tx.repository(WebhookRepository.class);
        webhooks.insertEvent(event);
        List<WebhookDelivery> deliveries = new ArrayList<>();
        for (WebhookSubscription subscription : subscriptions) {
            deliveries.add(webhooks.enqueue(Ids.randomHex("whd_", 8), subscription.id(), eventId, now));
        }
        return new Queued(event, deliveries);
    }

    /**
     * Takes the audit head's lock, which every audited write takes, before anything that reads or
     * changes who receives what. Writers then queue deliveries one transaction at a time, so their
     * order is the order of commits (the order receivers see), and a delete and a publish cannot
     * interleave (a deleted subscription never gets a delivery queued by a transaction that read
     * it as active). Taking it again in the same transaction is free.
     */
    private static void serialise(StoreTransaction tx) {
        tx.repository(AuditRepository.class).lockHead();
    }

    static URI checkUrl(String url) {
        if (url.isBlank()) {
            throw StewardException.invalid("url", "'url' is required: the http or https URL deliveries are POSTed to");
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw StewardException.invalid("url", "a webhook URL has at most " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw StewardException.invalid("url", "not a valid URL: " + e.getReason() + " at index " + e.getIndex());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw StewardException.invalid("url", "a webhook URL must start with http:// or https://");
        }
        if (uri.getRawUserInfo() != null) {
            throw StewardException.invalid("url", "a webhook URL must not hold credentials (user:password@): receivers check the"
                    + " X-Steward-Signature header instead");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw StewardException.invalid("url", "a webhook URL needs a host name or address");
        }
        return uri;
    }

    /** The event types as stored: known ones, without duplicates, sorted; {@code *} only alone. */
    private static List<String> checkEvents(List<String> events) {
        if (events.isEmpty()) {
            throw StewardException.invalid("events", "'events' needs at least one event type, or [\"*\"] for every type");
        }
        Set<String> types = new LinkedHashSet<>();
        for (int i = 0; i < events.size(); i++) {
            String name = events.get(i);
            String field = "events[" + i + "]";
            if (name == null) {
                throw StewardException.invalid(field, "an event type is a string");
            }
            if (!name.equals(WebhookSubscription.ALL_EVENTS)) {
                EventType.parse(name, field);
            }
            types.add(name);
        }
        if (types.contains(WebhookSubscription.ALL_EVENTS) && types.size() > 1) {
            throw StewardException.invalid("events", "'*' already stands for every event type: give it alone");
        }
        return types.stream().sorted().toList();
    }

    /** Scheme, host and port: what may be shown of a URL whose path or query could hold a token. */
    private static String origin(URI uri) {
        return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    private static void checkId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw StewardException.invalid("webhook_id", "'" + id + "' is not a webhook id (wh_ followed by 16 hex digits)");
        }
    }

    private static long parsePageToken(String token) {
        try {
            long seq = Long.parseLong(token);
            if (seq > 0) {
                return seq;
            }
        } catch (NumberFormatException e) {
            // Reported below with the other malformed tokens.
        }
        throw StewardException.invalid("page_token", "'" + token + "' is not a page token of this list: pass next_page_token as it came");
    }

    private static String write(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("serialising a webhook event", e);
        }
    }
}
