package dev.steward.client;

import java.util.List;
import java.util.Optional;

/** A webhook subscription as the server lists it (never its secret). */
public record WebhookInfo(String id, String url, List<String> events, String description, boolean active, String createdAt,
        String createdBy, Optional<String> deactivatedAt) {
    public WebhookInfo {
        events = List.copyOf(events);
    }
}
