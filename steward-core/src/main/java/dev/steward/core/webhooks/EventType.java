package dev.steward.core.webhooks;

import dev.steward.spi.StewardException;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Every event type Steward publishes to webhooks, the one list subscriptions are checked against.
 * Adding a type is one line here; the wire name is what receivers see in {@code type} and in the
 * {@code X-Steward-Event} header, and what subscriptions name in {@code events}.
 */
public enum EventType {
    MODEL_VERSION_CREATED("model_version.created"),
    MODEL_VERSION_UPDATED("model_version.updated"),
    MODEL_VERSION_DELETED("model_version.deleted"),
    MODEL_VERSION_ALIAS_SET("model_version.alias_set"),
    MODEL_VERSION_ALIAS_DELETED("model_version.alias_deleted"),
    MODEL_VERSION_REVOKED("model_version.revoked"),
    PROMOTION_SUCCEEDED("promotion.succeeded"),
    PROMOTION_REFUSED("promotion.refused"),
    PROMOTION_ROLLED_BACK("promotion.rolled_back"),
    APPROVAL_REQUESTED("approval.requested"),
    APPROVAL_APPROVED("approval.approved"),
    APPROVAL_REJECTED("approval.rejected"),
    REGISTERED_MODEL_CREATED("registered_model.created"),
    REGISTERED_MODEL_DELETED("registered_model.deleted"),
    DEPLOYMENT_CREATED("deployment.created"),
    DEPLOYMENT_UPDATED("deployment.updated"),
    DEPLOYMENT_STOPPED("deployment.stopped"),
    DEPLOYMENT_RESUMED("deployment.resumed"),
    DEPLOYMENT_DELETED("deployment.deleted"),
    DEPLOYMENT_CANARY_PROMOTED("deployment.canary_promoted"),
    DEPLOYMENT_CANARY_ROLLED_BACK("deployment.canary_rolled_back"),
    MONITOR_CREATED("monitor.created"),
    MONITOR_UPDATED("monitor.updated"),
    MONITOR_DELETED("monitor.deleted"),
    MONITOR_WINDOW_CLOSED("monitor.window_closed"),
    MONITOR_ALERT_FIRED("monitor.alert_fired"),
    MONITOR_ALERT_RESOLVED("monitor.alert_resolved"),
    WEBHOOK_PING("webhook.ping");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<EventType> ofWireName(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }

    /** The type named {@code name}, or an error about {@code field} that lists the known types. */
    static EventType parse(String name, String field) {
        return ofWireName(name).orElseThrow(() -> StewardException.invalid(field, "unknown event type '" + name + "'; use '*' or one of "
                + Arrays.stream(values()).map(EventType::wireName).collect(Collectors.joining(", "))));
    }
}
