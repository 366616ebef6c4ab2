package dev.steward.server.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.core.serving.DeploymentFeedback;
import dev.steward.core.serving.FeedbackFigures;
import dev.steward.core.serving.FeedbackItem;
import dev.steward.core.serving.FeedbackResult;
import dev.steward.core.serving.FeedbackService;
import dev.steward.server.http.Access;
import dev.steward.server.http.Authenticator;
import dev.steward.server.http.Json;
import dev.steward.server.http.Router;
import dev.steward.server.http.Routes;
import dev.steward.spi.StewardException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Feedback on a deployment's predictions under {@code /api/v1/deployments/{name}/feedback}: a
 * batch of ground truths and rewards (the inference role may send it, as the application that
 * asked for the predictions), and the live figures (viewer).
 */
public final class FeedbackRoutes implements Routes {
    private final FeedbackService feedback;
    private final Json json;

    public FeedbackRoutes(FeedbackService feedback, Json json) {
        this.feedback = requireNonNull(feedback, "feedback is null");
        this.json = requireNonNull(json, "json is null");
    }

    record Batch(List<Item> feedback) {}

    record Item(String requestId, Integer row, String label, Double value, Double reward) {}

    @Override
    public void register(Router router) {
        router.post("/api/v1/deployments/{name}/feedback", Access.INFERENCE, ctx -> {
            Batch batch = json.readStrict(ctx.bodyAsBytes(), Batch.class);
            if (batch.feedback() == null) {
                throw StewardException.invalid("feedback", "'feedback' is required: a list of {request_id, row, label | value | reward}");
            }
            List<FeedbackItem> items = new ArrayList<>(batch.feedback().size());
            for (Item i : batch.feedback()) {
                items.add(new FeedbackItem(i.requestId(), i.row() == null ? 0 : i.row(), Optional.ofNullable(i.label()), number(i.value()),
                        number(i.reward())));
            }
            FeedbackResult result = feedback.submit(Authenticator.caller(ctx), ctx.pathParam("name"), items);
            ObjectNode body = json.mapper().createObjectNode().put("accepted", result.accepted()).put("duplicates", result.duplicates());
            ArrayNode unknown = body.putArray("unknown");
            result.unknown().forEach(unknown::add);
            json.respond(ctx, 200, body);
        });
        router.get("/api/v1/deployments/{name}/feedback", Access.VIEWER, ctx -> {
            DeploymentFeedback figures = feedback.figures(ctx.pathParam("name"));
            ObjectNode body = json.mapper().createObjectNode().put("deployment", figures.deployment());
            put(body, figures.total());
            ArrayNode versions = body.putArray("versions");
            for (DeploymentFeedback.VersionFeedback v : figures.versions()) {
                put(versions.addObject().put("model", v.model()).put("version", v.version()), v.figures());
            }
            FeedbackService.Settings settings = feedback.settings();
            body.putObject("window").put("predictions", settings.maxPredictions()).put("rows", settings.maxRows())
                    .put("hours", settings.maxAge().toHours()).put("indexed", feedback.indexed());
            json.respond(ctx, 200, body);
        });
    }

    private static OptionalDouble number(Double value) {
        return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
    }

    private static void put(ObjectNode node, FeedbackFigures f) {
        node.put("labelled", f.labelled()).put("correct", f.correct());
        f.accuracy().ifPresent(a -> node.put("accuracy", a));
        node.put("valued", f.valued());
        f.meanAbsoluteError().ifPresent(e -> node.put("mean_absolute_error", e));
        f.rootMeanSquaredError().ifPresent(e -> node.put("root_mean_squared_error", e));
        node.put("rewarded", f.rewarded());
        f.meanReward().ifPresent(r -> node.put("mean_reward", r));
        f.rewardVariance().ifPresent(v -> node.put("reward_variance", v));
    }
}
