package dev.steward.server.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.core.serving.ReviewService;
import dev.steward.server.http.Access;
import dev.steward.server.http.Authenticator;
import dev.steward.server.http.Json;
import dev.steward.server.http.Requests;
import dev.steward.server.http.Router;
import dev.steward.server.http.Routes;
import dev.steward.spi.StewardException;
import dev.steward.spi.serving.ReviewRecord;
import java.time.Instant;
import java.util.List;

/**
 * The human review queue: a deployment's abstained predictions ({@code ?status=open|labelled|all},
 * viewer), one review, and its label (editor), which flows back as feedback.
 */
public final class ReviewRoutes implements Routes {
    private static final int DEFAULT_LIST = 100;

    private final ReviewService reviews;
    private final Json json;

    public ReviewRoutes(ReviewService reviews, Json json) {
        this.reviews = requireNonNull(reviews, "reviews is null");
        this.json = requireNonNull(json, "json is null");
    }

    record LabelRequest(String label) {}

    @Override
    public void register(Router router) {
        router.get("/api/v1/deployments/{name}/reviews", Access.VIEWER, ctx -> {
            String name = ctx.pathParam("name");
            String status = Requests.query(ctx, "status").orElse(ReviewRecord.OPEN);
            List<ReviewRecord> list = reviews.list(name, status, Requests.intQuery(ctx, "max_results", DEFAULT_LIST, 1, ReviewService.MAX_LIST));
            ObjectNode body = json.mapper().createObjectNode().put("deployment", name).put("status", status).put("open", reviews.open(name));
            ArrayNode items = body.putArray("reviews");
            list.forEach(r -> items.add(view(r)));
            json.respond(ctx, 200, body);
        });
        router.get("/api/v1/reviews/{id}", Access.VIEWER, ctx -> json.respond(ctx, 200, view(reviews.get(ctx.pathParam("id")))));
        router.post("/api/v1/reviews/{id}/label", Access.EDITOR, ctx -> {
            LabelRequest r = json.readStrict(ctx.bodyAsBytes(), LabelRequest.class);
            ReviewService.Labelled labelled = reviews.label(Authenticator.caller(ctx), ctx.pathParam("id"), r.label());
            json.respond(ctx, 200, view(labelled.review()).put("feedback", labelled.counted() ? "accepted" : "duplicate"));
        });
    }

    private ObjectNode view(ReviewRecord r) {
        ObjectNode node = json.mapper().createObjectNode().put("id", r.id()).put("deployment", r.deployment()).put("request_id", r.requestId())
                .put("row", r.row()).put("model", r.model()).put("version", r.version()).put("revision", r.revision()).put("arm", r.arm())
                .put("predicted", r.predictedLabel());
        r.confidence().ifPresent(c -> node.put("confidence", c));
        try {
            node.set("inputs", json.mapper().readTree(r.inputsJson()));
        } catch (JsonProcessingException e) {
            throw StewardException.internal("reading the stored inputs of review " + r.id(), e);
        }
        node.put("predicted_at", Instant.ofEpochMilli(r.predictedAt()).toString()).put("queued_at", Instant.ofEpochMilli(r.createdAt()).toString())
                .put("status", r.status());
        r.label().ifPresent(l -> node.put("label", l));
        r.labelledByName().ifPresent(by -> node.put("labelled_by", by));
        r.labelledAt().ifPresent(at -> node.put("labelled_at", Instant.ofEpochMilli(at).toString()));
        return node;
    }
}
