package dev.steward.spi.webhooks;

import static java.util.Objects.requireNonNull;

/**
 * An event as it is sent to every subscription that receives it.
 *
 * @param type e.g. {@code promotion.succeeded}
 * @param objectType the kind of object the event is about, e.g. {@code model_version}
 * @param objectId that object's id
 * @param payload the JSON body POSTed to receivers, exactly as signed
 * @param createdAt epoch ms
 */
public record WebhookEvent(String id, String type, String objectType, String objectId, String payload, long createdAt) {
    public WebhookEvent {
        requireNonNull(id, "id is null");
        requireNonNull(type, "type is null");
        requireNonNull(objectType, "objectType is null");
        requireNonNull(objectId, "objectId is null");
        requireNonNull(payload, "payload is null");
    }
}
