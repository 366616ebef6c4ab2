package dev.steward.spi.webhooks;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * Where events of some types are sent.
 *
 * @param events the event types it receives, or {@link #ALL_EVENTS} alone for every type
 * @param secret the key deliveries are signed with; never shown after creation, hidden from {@link #toString()}
 * @param createdBy the id of the actor that created it
 * @param deactivatedAt when it was deleted (epoch ms); a deleted subscription receives nothing more
 */
public record WebhookSubscription(String id, String url, List<String> events, String description, String secret, long createdAt,
        String createdBy, Optional<Long> deactivatedAt) {
    /** The event type pattern that matches every type. */
    public static final String ALL_EVENTS = "*";

    public WebhookSubscription {
        requireNonNull(id, "id is null");
        requireNonNull(url, "url is null");
        events = List.copyOf(events);
        requireNonNull(description, "description is null");
        requireNonNull(secret, "secret is null");
        requireNonNull(createdBy, "createdBy is null");
        requireNonNull(deactivatedAt, "deactivatedAt is null");
    }

    public boolean active() {
        return deactivatedAt.isEmpty();
    }

    /** Everything but the secret, so that a subscription can be logged. */
    @Override
    public String toString() {
        return "WebhookSubscription[id=" + id + ", url=" + url + ", events=" + events + ", description=" + description
                + ", secret=<hidden>, createdAt=" + createdAt + ", createdBy=" + createdBy + ", deactivatedAt=" + deactivatedAt + "]";
    }
}
