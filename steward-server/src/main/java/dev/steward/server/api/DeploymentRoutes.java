package dev.steward.server.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.core.serving.DeploymentService;
import dev.steward.core.serving.DeploymentSpec;
import dev.steward.core.serving.DeploymentSpecs;
import dev.steward.core.serving.DeploymentState;
import dev.steward.server.http.Access;
import dev.steward.server.http.Authenticator;
import dev.steward.server.http.Json;
import dev.steward.server.http.Router;
import dev.steward.server.http.Routes;
import dev.steward.spi.StewardException;
import dev.steward.spi.serving.DeploymentRevisionRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Deployment management under {@code /api/v1/deployments}: create (from a model URI or a whole
 * spec), list, show, update, history, restore, the emergency stop and resume, delete. Changes
 * need the deployer role; an override of the promotion rule needs admin (checked by the service).
 */
public final class DeploymentRoutes implements Routes {
    private final DeploymentService deployments;
    private final Json json;

    public DeploymentRoutes(DeploymentService deployments, Json json) {
        this.deployments = requireNonNull(deployments, "deployments is null");
        this.json = requireNonNull(json, "json is null");
    }

    record CreateRequest(String name, String model, String environment, JsonNode spec, String overrideReason) {}

    record UpdateRequest(String model, JsonNode spec, String overrideReason, String reason) {}

    record RestoreRequest(Integer revision, String reason) {}

    record StopRequest(String reason, Boolean emergency) {}

    record ResumeRequest(String reason) {}

    @Override
    public void register(Router router) {
        router.post("/api/v1/deployments", Access.DEPLOYER, ctx -> {
            CreateRequest r = json.readStrict(ctx.bodyAsBytes(), CreateRequest.class);
            if (r.name() == null) {
                throw StewardException.invalid("name", "'name' is required: the deployment's name, e.g. penguins-api");
            }
            DeploymentSpec spec = spec(r.model(), r.environment(), r.spec(), r.overrideReason());
            try {
                json.respond(ctx, 201, view(deployments.create(Authenticator.caller(ctx), r.name(), spec)));
            } catch (StewardException e) {
                throw r.model() != null ? single(e) : e;
            }
        });
        router.get("/api/v1/deployments", Access.VIEWER, ctx -> {
            ObjectNode body = json.mapper().createObjectNode();
            ArrayNode list = body.putArray("deployments");
            deployments.list().forEach(d -> list.add(view(d)));
            json.respond(ctx, 200, body);
        });
        router.get("/api/v1/deployments/{name}", Access.VIEWER, ctx -> json.respond(ctx, 200, view(deployments.get(ctx.pathParam("name")))));
        router.put("/api/v1/deployments/{name}", Access.DEPLOYER, ctx -> {
            UpdateRequest r = json.readStrict(ctx.bodyAsBytes(), UpdateRequest.class);
            DeploymentState current = deployments.get(ctx.pathParam("name"));
            DeploymentSpec spec = spec(r.model(), current.spec().environment(), r.spec(), r.overrideReason());
            try {
                json.respond(ctx, 200, view(deployments.update(Authenticator.caller(ctx), ctx.pathParam("name"), spec,
                        Optional.ofNullable(r.reason()))));
            } catch (StewardException e) {
                throw r.model() != null ? single(e) : e;
            }
        });
        router.get("/api/v1/deployments/{name}/history", Access.VIEWER, ctx -> {
            List<DeploymentRevisionRecord> revisions = deployments.history(ctx.pathParam("name"));
            ObjectNode body = json.mapper().createObjectNode().put("name", ctx.pathParam("name"));
            ArrayNode list = body.putArray("revisions");
            for (DeploymentRevisionRecord r : revisions) {
                ObjectNode node = list.addObject().put("revision", r.revision()).put("change", r.change());
                r.reason().ifPresent(reason -> node.put("reason", reason));
                r.restoredFrom().ifPresent(from -> node.put("restored_from", from));
                node.put("by", r.createdByName()).put("at", Instant.ofEpochMilli(r.createdAt()).toString());
                node.set("spec", read(r.specJson()));
            }
            json.respond(ctx, 200, body);
        });
        router.post("/api/v1/deployments/{name}/restore", Access.DEPLOYER, ctx -> {
            RestoreRequest r = json.readStrict(ctx.bodyAsBytes(), RestoreRequest.class);
            if (r.revision() == null || r.revision() < 1) {
                throw StewardException.invalid("revision", "'revision' is required: the revision to restore (1 or more; see the history)");
            }
            json.respond(ctx, 200, view(deployments.restore(Authenticator.caller(ctx), ctx.pathParam("name"), r.revision(),
                    Optional.ofNullable(r.reason()))));
        });
        router.post("/api/v1/deployments/{name}/stop", Access.DEPLOYER, ctx -> {
            StopRequest r = json.readStrict(ctx.bodyAsBytes(), StopRequest.class);
            if (r.reason() == null) {
                throw StewardException.invalid("reason", "'reason' is required: why every request is refused from now on");
            }
            json.respond(ctx, 200, view(deployments.stop(Authenticator.caller(ctx), ctx.pathParam("name"), r.reason())));
        });
        router.post("/api/v1/deployments/{name}/resume", Access.DEPLOYER, ctx -> {
            ResumeRequest r = json.readStrict(ctx.bodyAsBytes(), ResumeRequest.class);
            json.respond(ctx, 200, view(deployments.resume(Authenticator.caller(ctx), ctx.pathParam("name"), Optional.ofNullable(r.reason()))));
        });
        router.delete("/api/v1/deployments/{name}", Access.DEPLOYER, ctx -> {
            deployments.delete(Authenticator.caller(ctx), ctx.pathParam("name"));
            ctx.status(204);
        });
    }

    /** A spec from {@code model} (one version, all traffic) or from {@code spec} (a whole spec object). */
    private DeploymentSpec spec(String model, String environment, JsonNode spec, String overrideReason) {
        if ((model == null) == (spec == null)) {
            throw StewardException.invalid("model", "give either 'model' (a model URI such as models:/penguins@production) or 'spec'"
                    + " (versions, weights, batching, limits)");
        }
        if (spec != null) {
            if (!spec.isObject()) {
                throw StewardException.invalid("spec", "'spec' must be an object with 'versions'");
            }
            if (overrideReason != null) {
                throw StewardException.invalid("override_reason", "with a spec, give override_reason on the version it applies to");
            }
            ObjectNode copy = ((ObjectNode) spec).deepCopy();
            if (environment != null && !copy.has("environment")) {
                copy.put("environment", environment);
            }
            return DeploymentSpecs.parse(copy, deployments::resolve);
        }
        ObjectNode built = json.mapper().createObjectNode();
        if (environment != null) {
            built.put("environment", environment);
        }
        ObjectNode version = built.putArray("versions").addObject().put("model", model);
        if (overrideReason != null) {
            version.put("override_reason", overrideReason);
        }
        try {
            return DeploymentSpecs.parse(built, deployments::resolve);
        } catch (StewardException e) {
            throw single(e);
        }
    }

    /** An error about the one version a request named with 'model', naming the request's own fields. */
    private static StewardException single(StewardException e) {
        if (e.field().filter(f -> f.startsWith("versions[0].")).isEmpty()) {
            return e;
        }
        return StewardException.of(e.code(), e.getMessage().replace("versions[0].", "")).withField(e.field().get().replace("versions[0].", ""));
    }

    private ObjectNode view(DeploymentState d) {
        ObjectNode node = json.mapper().createObjectNode();
        node.put("name", d.name()).put("revision", d.revision()).put("stopped", d.stopped());
        d.stopReason().ifPresent(r -> node.put("stop_reason", r));
        node.put("changed_at", Instant.ofEpochMilli(d.updatedAt()).toString());
        double total = d.spec().versions().stream().mapToDouble(DeploymentSpec.ServedVersion::weight).sum();
        ArrayNode versions = node.putArray("traffic");
        for (DeploymentSpec.ServedVersion v : d.spec().versions()) {
            versions.addObject().put("model", v.uri()).put("weight", v.weight()).put("share", total > 0 ? v.weight() / total : 0);
        }
        node.set("spec", DeploymentSpecs.tree(d.spec()));
        return node;
    }

    private JsonNode read(String text) {
        try {
            return json.mapper().readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw StewardException.internal("reading a stored deployment spec", e);
        }
    }
}
