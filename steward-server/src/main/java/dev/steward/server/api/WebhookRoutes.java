package dev.steward.server.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.core.tracking.Page;
import dev.steward.core.webhooks.DeliveryHistory;
import dev.steward.core.webhooks.WebhookService;
import dev.steward.server.http.Access;
import dev.steward.server.http.Authenticator;
import dev.steward.server.http.Json;
import dev.steward.server.http.Requests;
import dev.steward.server.http.Router;
import dev.steward.server.http.Routes;
import dev.steward.spi.StewardException;
import dev.steward.spi.webhooks.WebhookAttempt;
import dev.steward.spi.webhooks.WebhookDelivery;
import dev.steward.spi.webhooks.WebhookSubscription;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * {@code /api/v1/webhooks}: subscriptions, their delivery history and pings. Admin only: a webhook
 * makes the server call a URL of the caller's choosing. A subscription's secret is in the answer
 * to its creation only.
 */
public final class WebhookRoutes implements Routes {
    private final WebhookService webhooks;
    private final Json json;

    public WebhookRoutes(WebhookService webhooks, Json json) {
        this.webhooks = requireNonNull(webhooks, "webhooks is null");
        this.json = requireNonNull(json, "json is null");
    }

    record Create(String url, List<String> events, String description, String secret) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record WebhookView(String id, String url, List<String> events, String description, boolean active, String createdAt, String createdBy,
            String deactivatedAt) {
        static WebhookView of(WebhookSubscription s) {
            return new WebhookView(s.id(), s.url(), s.events(), s.description(), s.active(), Instant.ofEpochMilli(s.createdAt()).toString(),
                    s.createdBy(), s.deactivatedAt().map(t -> Instant.ofEpochMilli(t).toString()).orElse(null));
        }
    }

    record Created(WebhookView webhook, String secret) {}

    record WebhookList(List<WebhookView> webhooks) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record AttemptView(int attempt, String startedAt, long durationMs, Integer httpStatus, String error) {
        static AttemptView of(WebhookAttempt a) {
            return new AttemptView(a.attempt(), Instant.ofEpochMilli(a.startedAt()).toString(), a.durationMs(), a.httpStatus().orElse(null),
                    a.error().orElse(null));
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record DeliveryView(String id, String webhookId, String eventId, String eventType, String status, String createdAt,
            String nextAttemptAt, String endedAt, List<AttemptView> attempts, JsonNode payload) {
        static DeliveryView of(DeliveryHistory h, Json json) {
            WebhookDelivery d = h.delivery();
            JsonNode payload;
            try {
                payload = json.mapper().readTree(h.event().payload());
            } catch (IOException e) {
                throw StewardException.internal("event " + h.event().id() + " has a payload that is not JSON", e);
            }
            return new DeliveryView(d.id(), d.subscriptionId(), d.eventId(), h.event().type(), d.status(),
                    Instant.ofEpochMilli(d.createdAt()).toString(),
                    d.status().equals(WebhookDelivery.PENDING) ? Instant.ofEpochMilli(d.nextAttemptAt()).toString() : null,
                    d.endedAt().map(t -> Instant.ofEpochMilli(t).toString()).orElse(null),
                    h.attempts().stream().map(AttemptView::of).toList(), payload);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record DeliveryPage(List<DeliveryView> deliveries, String nextPageToken) {}

    @Override
    public void register(Router router) {
        router.post("/api/v1/webhooks", Access.ADMIN, ctx -> {
            Create request = json.readStrict(ctx.bodyAsBytes(), Create.class);
            if (request.url() == null) {
                throw StewardException.invalid("url", "'url' is required: the http or https URL deliveries are POSTed to");
            }
            if (request.events() == null) {
                throw StewardException.invalid("events", "'events' is required: a list of event types, or [\"*\"] for every type");
            }
            String description = request.description() == null ? "" : request.description();
            WebhookSubscription created = request.secret() == null
                    ? webhooks.create(Authenticator.caller(ctx), request.url(), request.events(), description)
                    : webhooks.create(Authenticator.caller(ctx), request.url(), request.events(), description, request.secret());
            json.respond(ctx, 201, new Created(WebhookView.of(created), created.secret()));
        });
        router.get("/api/v1/webhooks", Access.ADMIN, ctx ->
                json.respond(ctx, 200, new WebhookList(webhooks.list().stream().map(WebhookView::of).toList())));
        router.get("/api/v1/webhooks/{id}", Access.ADMIN, ctx -> json.respond(ctx, 200, WebhookView.of(webhooks.get(ctx.pathParam("id")))));
        router.delete("/api/v1/webhooks/{id}", Access.ADMIN, ctx ->
                json.respond(ctx, 200, WebhookView.of(webhooks.delete(Authenticator.caller(ctx), ctx.pathParam("id")))));
        router.get("/api/v1/webhooks/{id}/deliveries", Access.ADMIN, ctx -> {
            Page<DeliveryHistory> page = webhooks.deliveries(ctx.pathParam("id"), Requests.intQuery(ctx, "max_results", 100, 1, 1000),
                    Requests.query(ctx, "page_token").orElse(""));
            json.respond(ctx, 200, new DeliveryPage(page.items().stream().map(h -> DeliveryView.of(h, json)).toList(),
                    page.nextPageToken().orElse(null)));
        });
        router.post("/api/v1/webhooks/{id}/ping", Access.ADMIN, ctx ->
                json.respond(ctx, 202, DeliveryView.of(webhooks.ping(Authenticator.caller(ctx), ctx.pathParam("id")), json)));
    }
}
