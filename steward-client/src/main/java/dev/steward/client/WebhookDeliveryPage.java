package dev.steward.client;

import java.util.List;
import java.util.Optional;

/** A page of a webhook's deliveries, newest first, and the token of the next page, if there is one. */
public record WebhookDeliveryPage(List<WebhookDeliveryInfo> deliveries, Optional<String> nextPageToken) {
    public WebhookDeliveryPage {
        deliveries = List.copyOf(deliveries);
    }
}
