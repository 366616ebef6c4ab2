package dev.steward.server.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.core.registry.LineageService;
import dev.steward.core.registry.ModelCards;
import dev.steward.core.registry.ModelNames;
import dev.steward.core.registry.ModelRegistration;
import dev.steward.core.registry.ModelViews;
import dev.steward.core.registry.PromotionService;
import dev.steward.core.registry.RegistryService;
import dev.steward.core.registry.policy.PromotionContext;
import dev.steward.core.tracking.Page;
import dev.steward.server.http.Access;
import dev.steward.server.http.Authenticator;
import dev.steward.server.http.Json;
import dev.steward.server.http.Requests;
import dev.steward.server.http.Router;
import dev.steward.server.http.Routes;
import dev.steward.spi.StewardException;
import dev.steward.spi.registry.ApprovalRecord;
import dev.steward.spi.registry.ModelVersionRecord;
import dev.steward.spi.registry.PromotionRecord;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The native registry API under {@code /api/v1/models}, {@code /api/v1/model-versions},
 * {@code /api/v1/environments}, {@code /api/v1/promotion-reports}, {@code /api/v1/lineage} and
 * {@code /api/v1/resolve}. Viewers read; editors register, describe, tag, alias and ask for
 * approval; deployers approve, promote, roll back and revoke; admins set policies, declare
 * environments and override failed promotions.
 */
public final class ModelRoutes implements Routes {
    private static final String MODELS = "/api/v1/models";
    private static final String MODEL = MODELS + "/{name}";
    private static final String VERSION = MODEL + "/versions/{version}";

    private final RegistryService registry;
    private final PromotionService promotions;
    private final LineageService lineage;
    private final ModelRegistration registration;
    private final Json json;

    public ModelRoutes(RegistryService registry, PromotionService promotions, LineageService lineage, ModelRegistration registration, Json json) {
        this.registry = requireNonNull(registry, "registry is null");
        this.promotions = requireNonNull(promotions, "promotions is null");
        this.lineage = requireNonNull(lineage, "lineage is null");
        this.registration = requireNonNull(registration, "registration is null");
        this.json = requireNonNull(json, "json is null");
    }

    record CreateModel(String name, String description, Map<String, String> tags) {}

    record UpdateModel(String newName, String description) {}

    record TagValue(String value) {}

    record Register(String runId, String source, String onnxSha256, JsonNode signature, String description, Map<String, String> tags) {}

    record UpdateVersion(String description, String intendedUse, String limitations) {}

    record Reason(String reason) {}

    record Archive(Boolean archived) {}

    record AliasTarget(Integer version) {}

    record Promote(String environment, String overrideReason) {}

    record ApprovalRequest(String environment, String comment) {}

    record Decision(String environment, String decision, String comment) {}

    record CreateEnvironment(String name, String description) {}

    @Override
    public void register(Router router) {
        models(router);
        versions(router);
        governance(router);
        router.get("/api/v1/environments", Access.VIEWER, ctx -> {
            ArrayNode list = json.mapper().createArrayNode();
            registry.environments().forEach(e -> list.add(ModelViews.environment(e)));
            json.respond(ctx, 200, json.mapper().createObjectNode().set("environments", list));
        });
        router.post("/api/v1/environments", Access.ADMIN, ctx -> {
            CreateEnvironment request = json.readStrict(ctx.bodyAsBytes(), CreateEnvironment.class);
            json.respond(ctx, 201, ModelViews.environment(registry.createEnvironment(Authenticator.caller(ctx), required("name", request.name()),
                    Optional.ofNullable(request.description()))));
        });
        router.get("/api/v1/lineage/models/{name}/{version}", Access.VIEWER, ctx ->
                json.respond(ctx, 200, lineage.model(ctx.pathParam("name"), ModelNames.version(ctx.pathParam("version")))));
        router.get("/api/v1/lineage/datasets/{name}/{version}", Access.VIEWER, ctx ->
                json.respond(ctx, 200, lineage.dataset(ctx.pathParam("name"), ModelNames.version(ctx.pathParam("version")))));
        router.get("/api/v1/resolve", Access.VIEWER, ctx -> {
            String uri = Requests.query(ctx, "uri").orElseThrow(() -> StewardException.invalid("uri", "'uri' is required, e.g."
                    + " models:/penguins@production"));
            json.respond(ctx, 200, registration.describe(uri));
        });
    }

    private void models(Router router) {
        router.get(MODELS, Access.VIEWER, ctx -> {
            Page<RegistryService.ModelDetails> page = registry.searchModels(ctx.queryParam("filter"), ctx.queryParams("order_by"),
                    maxResults(ctx), ctx.queryParam("page_token"));
            ObjectNode body = json.mapper().createObjectNode();
            ArrayNode items = body.putArray("models");
            page.items().forEach(m -> items.add(ModelViews.model(m)));
            page.nextPageToken().ifPresent(t -> body.put("next_page_token", t));
            json.respond(ctx, 200, body);
        });
        router.post(MODELS, Access.EDITOR, ctx -> {
            CreateModel request = json.readStrict(ctx.bodyAsBytes(), CreateModel.class);
            json.respond(ctx, 201, ModelViews.model(registry.createModel(Authenticator.caller(ctx), required("name", request.name()),
                    Optional.ofNullable(request.description()), request.tags() == null ? Map.of() : request.tags())));
        });
        router.get(MODEL, Access.VIEWER, ctx -> json.respond(ctx, 200, ModelViews.model(registry.model(ctx.pathParam("name")))));
        router.patch(MODEL, Access.EDITOR, ctx -> {
            UpdateModel request = json.readStrict(ctx.bodyAsBytes(), UpdateModel.class);
            String name = ctx.pathParam("name");
            RegistryService.ModelDetails model = registry.model(name);
            if (request.description() != null) {
                model = registry.updateModel(Authenticator.caller(ctx), name, Optional.of(request.description()));
            }
            if (request.newName() != null) {
                model = registry.renameModel(Authenticator.caller(ctx), name, request.newName());
            }
            json.respond(ctx, 200, ModelViews.model(model));
        });
        router.delete(MODEL, Access.EDITOR, ctx -> {
            registry.deleteModel(Authenticator.caller(ctx), ctx.pathParam("name"));
            json.respond(ctx, 200, json.mapper().createObjectNode().put("deleted", ctx.pathParam("name")));
        });
        router.put(MODEL + "/tags/{key}", Access.EDITOR, ctx -> {
            TagValue tag = json.readStrict(ctx.bodyAsBytes(), TagValue.class);
            registry.setModelTag(Authenticator.caller(ctx), ctx.pathParam("name"), ctx.pathParam("key"), required("value", tag.value()));
            json.respond(ctx, 200, ModelViews.model(registry.model(ctx.pathParam("name"))));
        });
        router.delete(MODEL + "/tags/{key}", Access.EDITOR, ctx -> {
            registry.deleteModelTag(Authenticator.caller(ctx), ctx.pathParam("name"), ctx.pathParam("key"));
            json.respond(ctx, 200, ModelViews.model(registry.model(ctx.pathParam("name"))));
        });
        router.put(MODEL + "/aliases/{alias}", Access.EDITOR, ctx -> {
            AliasTarget target = json.readStrict(ctx.bodyAsBytes(), AliasTarget.class);
            if (target.version() == null) {
                throw StewardException.invalid("version", "'version' is required: the version the alias points at");
            }
            json.respond(ctx, 200, ModelViews.version(registry.setAlias(Authenticator.caller(ctx), ctx.pathParam("name"), ctx.pathParam("alias"),
                    target.version())));
        });
        router.get(MODEL + "/aliases/{alias}", Access.VIEWER, ctx ->
                json.respond(ctx, 200, ModelViews.version(registry.byAlias(ctx.pathParam("name"), ctx.pathParam("alias")))));
        router.delete(MODEL + "/aliases/{alias}", Access.EDITOR, ctx -> {
            registry.deleteAlias(Authenticator.caller(ctx), ctx.pathParam("name"), ModelNames.alias(ctx.pathParam("alias")));
            json.respond(ctx, 200, ModelViews.model(registry.model(ctx.pathParam("name"))));
        });
    }

    private void versions(Router router) {
        router.get("/api/v1/model-versions", Access.VIEWER, ctx -> {
            Page<RegistryService.VersionDetails> page = registry.searchVersions(ctx.queryParam("filter"), ctx.queryParams("order_by"),
                    maxResults(ctx), ctx.queryParam("page_token"));
            respondVersions(ctx, page.items(), page.nextPageToken());
        });
        router.get(MODEL + "/versions", Access.VIEWER, ctx -> respondVersions(ctx, registry.versions(ctx.pathParam("name")), Optional.empty()));
        router.post(MODEL + "/versions", Access.EDITOR, ctx -> {
            Register request = json.readStrict(ctx.bodyAsBytes(), Register.class);
            ModelRegistration.Request what = new ModelRegistration.Request(Optional.ofNullable(request.runId()), Optional.ofNullable(request.source()),
                    Optional.ofNullable(request.onnxSha256()), Optional.ofNullable(request.signature()), Optional.ofNullable(request.description()),
                    request.tags() == null ? Map.of() : request.tags());
            json.respond(ctx, 201, ModelViews.version(registration.register(Authenticator.caller(ctx), ctx.pathParam("name"), what, true)));
        });
        router.get(VERSION, Access.VIEWER, ctx -> json.respond(ctx, 200, ModelViews.version(registry.version(ctx.pathParam("name"), version(ctx)))));
        router.patch(VERSION, Access.EDITOR, ctx -> {
            UpdateVersion request = json.readStrict(ctx.bodyAsBytes(), UpdateVersion.class);
            json.respond(ctx, 200, ModelViews.version(registry.updateVersion(Authenticator.caller(ctx), ctx.pathParam("name"), version(ctx),
                    new ModelVersionRecord.Notes(Optional.ofNullable(request.description()), Optional.ofNullable(request.intendedUse()),
                            Optional.ofNullable(request.limitations())))));
        });
        router.delete(VERSION, Access.EDITOR, ctx -> {
            registry.deleteVersion(Authenticator.caller(ctx), ctx.pathParam("name"), version(ctx));
            json.respond(ctx, 200, json.mapper().createObjectNode().put("deleted", ctx.pathParam("name") + "/" + version(ctx)));
        });
        router.put(VERSION + "/tags/{key}", Access.EDITOR, ctx -> {
            TagValue tag = json.readStrict(ctx.bodyAsBytes(), TagValue.class);
            registry.setVersionTag(Authenticator.caller(ctx), ctx.pathParam("name"), version(ctx), ctx.pathParam("key"), required("value", tag.value()));
            json.respond(ctx, 200, ModelViews.version(registry.version(ctx.pathParam("name"), version(ctx))));
        });
        router.delete(VERSION + "/tags/{key}", Access.EDITOR, ctx -> {
            registry.deleteVersionTag(Authenticator.caller(ctx), ctx.pathParam("name"), version(ctx), ctx.pathParam("key"));
            json.respond(ctx, 200, ModelViews.version(registry.version(ctx.pathParam("name"), version(ctx))));
        });
        router.post(VERSION + "/revoke", Access.DEPLOYER, ctx -> {
            Reason request = json.readStrict(ctx.bodyAsBytes(), Reason.class);
            json.respond(ctx, 200, ModelViews.version(registry.revoke(Authenticator.caller(ctx), ctx.pathParam("name"), version(ctx),
                    request.reason())));
        });
        router.post(VERSION + "/archive", Access.DEPLOYER, ctx -> {
            Archive request = json.readStrict(ctx.bodyAsBytes(), Archive.class);
            json.respond(ctx, 200, ModelViews.version(registry.archive(Authenticator.caller(ctx), ctx.pathParam("name"), version(ctx),
                    !Boolean.FALSE.equals(request.archived()))));
        });
        router.get(VERSION + "/card", Access.VIEWER, ctx -> {
            String format = Requests.query(ctx, "format").orElse("html");
            JsonNode lineageOfVersion = lineage.model(ctx.pathParam("name"), version(ctx));
            String file = ctx.pathParam("name") + "-" + version(ctx);
            switch (format) {
                case "html" -> ctx.contentType("text/html; charset=utf-8").header("Content-Disposition", "inline; filename=\"" + file + ".html\"")
                        .result(ModelCards.html(lineageOfVersion).getBytes(StandardCharsets.UTF_8));
                case "markdown", "md" -> ctx.contentType("text/markdown; charset=utf-8").header("Content-Disposition", "inline; filename=\""
                        + file + ".md\"").result(ModelCards.markdown(lineageOfVersion).getBytes(StandardCharsets.UTF_8));
                default -> throw StewardException.invalid("format", "'format' is html or markdown, not '" + format + "'");
            }
        });
    }

    private void governance(Router router) {
        router.get(MODEL + "/policies", Access.VIEWER, ctx -> {
            ArrayNode list = json.mapper().createArrayNode();
            promotions.policies(ctx.pathParam("name")).forEach(p -> list.add(ModelViews.policy(p)));
            json.respond(ctx, 200, json.mapper().createObjectNode().set("policies", list));
        });
        router.get(MODEL + "/policies/{environment}", Access.VIEWER, ctx -> json.respond(ctx, 200, ModelViews.policy(promotions.policy(
                ctx.pathParam("name"), ctx.pathParam("environment")).orElseThrow(() -> StewardException.notFound("no policy for "
                + ctx.pathParam("name") + " in " + ctx.pathParam("environment") + ": promotions there need only the safety criteria")))));
        router.put(MODEL + "/policies/{environment}", Access.ADMIN, ctx -> json.respond(ctx, 200, ModelViews.policy(promotions.setPolicy(
                Authenticator.caller(ctx), ctx.pathParam("name"), ctx.pathParam("environment"), ctx.body()))));
        router.post(VERSION + "/promote", Access.DEPLOYER, ctx -> {
            Promote request = json.readStrict(ctx.bodyAsBytes(), Promote.class);
            PromotionService.Outcome outcome = promotions.promote(Authenticator.caller(ctx), ctx.pathParam("name"), version(ctx),
                    required("environment", request.environment()), Optional.ofNullable(request.overrideReason()));
            json.respond(ctx, 200, ModelViews.report(outcome.report()));
        });
        router.get(VERSION + "/reports", Access.VIEWER, ctx -> {
            ArrayNode list = json.mapper().createArrayNode();
            promotions.reports(ctx.pathParam("name"), version(ctx)).forEach(r -> list.add(ModelViews.report(r)));
            json.respond(ctx, 200, json.mapper().createObjectNode().set("reports", list));
        });
        router.get("/api/v1/promotion-reports/{id}", Access.VIEWER, ctx -> json.respond(ctx, 200, ModelViews.report(promotions.report(
                ctx.pathParam("id")))));
        router.post(VERSION + "/approval-requests", Access.EDITOR, ctx -> {
            ApprovalRequest request = json.readStrict(ctx.bodyAsBytes(), ApprovalRequest.class);
            var created = promotions.requestApproval(Authenticator.caller(ctx), ctx.pathParam("name"), version(ctx),
                    required("environment", request.environment()), Optional.ofNullable(request.comment()));
            json.respond(ctx, 201, json.mapper().createObjectNode().put("id", created.id()).put("environment", created.environment())
                    .put("requested_by", created.requestedByName()));
        });
        router.post(VERSION + "/approvals", Access.EDITOR, ctx -> {
            Decision request = json.readStrict(ctx.bodyAsBytes(), Decision.class);
            ApprovalRecord decision = promotions.decide(Authenticator.caller(ctx), ctx.pathParam("name"), version(ctx),
                    required("environment", request.environment()), required("decision", request.decision()),
                    Optional.ofNullable(request.comment()));
            json.respond(ctx, 201, json.mapper().createObjectNode().put("id", decision.id()).put("decision", decision.decision())
                    .put("by", decision.actorName()).put("role", decision.actorRole()));
        });
        router.get(VERSION + "/approvals", Access.VIEWER, ctx -> {
            ArrayNode list = json.mapper().createArrayNode();
            for (PromotionContext.ApprovalState state : promotions.approvals(ctx.pathParam("name"), version(ctx))) {
                ObjectNode item = list.addObject().put("request_id", state.request().id()).put("environment", state.request().environment())
                        .put("requested_by", state.request().requestedByName());
                state.request().comment().ifPresent(c -> item.put("comment", c));
                ArrayNode decisions = item.putArray("decisions");
                state.decisions().forEach(d -> decisions.addObject().put("id", d.id()).put("decision", d.decision()).put("by", d.actorName())
                        .put("role", d.actorRole()).put("comment", d.comment().orElse(null)));
            }
            json.respond(ctx, 200, json.mapper().createObjectNode().set("approval_requests", list));
        });
        router.get(MODEL + "/environments", Access.VIEWER, ctx -> {
            String name = ctx.pathParam("name");
            ObjectNode body = json.mapper().createObjectNode();
            ObjectNode holders = body.putObject("holders");
            registry.model(name).holders().forEach(holders::put);
            ArrayNode history = body.putArray("history");
            for (PromotionRecord p : promotions.history(name, Requests.query(ctx, "environment"))) {
                history.add(ModelViews.promotion(p));
            }
            json.respond(ctx, 200, body);
        });
        router.post(MODEL + "/environments/{environment}/rollback", Access.DEPLOYER, ctx -> {
            Reason request = json.readStrict(ctx.bodyAsBytes(), Reason.class);
            PromotionService.RollbackOutcome outcome = promotions.rollback(Authenticator.caller(ctx), ctx.pathParam("name"),
                    ctx.pathParam("environment"), request.reason());
            ObjectNode body = json.mapper().createObjectNode().put("environment", ctx.pathParam("environment")).put("to", outcome.to());
            outcome.from().ifPresentOrElse(f -> body.put("from", f), () -> body.putNull("from"));
            body.set("skipped", json.mapper().valueToTree(outcome.skipped()));
            json.respond(ctx, 200, body);
        });
    }

    private void respondVersions(Context ctx, List<RegistryService.VersionDetails> versions, Optional<String> next) {
        ObjectNode body = json.mapper().createObjectNode();
        ArrayNode items = body.putArray("versions");
        versions.forEach(v -> items.add(ModelViews.version(v)));
        next.ifPresent(t -> body.put("next_page_token", t));
        json.respond(ctx, 200, body);
    }

    private static int version(Context ctx) {
        return ModelNames.version(ctx.pathParam("version"));
    }

    private static Integer maxResults(Context ctx) {
        return Requests.intQuery(ctx, "max_results").orElse(null);
    }

    private static <T> T required(String field, T value) {
        if (value == null || (value instanceof String s && s.isBlank())) {
            throw StewardException.invalid(field, "'" + field + "' is required");
        }
        return value;
    }
}
