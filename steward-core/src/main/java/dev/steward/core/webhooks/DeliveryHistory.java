package dev.steward.core.webhooks;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.webhooks.WebhookAttempt;
import dev.steward.spi.webhooks.WebhookDelivery;
import dev.steward.spi.webhooks.WebhookEvent;
import java.util.List;

/** A delivery with the event it carries and every attempt made so far. */
public record DeliveryHistory(WebhookDelivery delivery, WebhookEvent event, List<WebhookAttempt> attempts) {
    public DeliveryHistory {
        requireNonNull(delivery, "delivery is null");
        requireNonNull(event, "event is null");
        attempts = List.copyOf(attempts);
    }
}
