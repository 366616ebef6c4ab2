package dev.steward.server.serving;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.core.serving.BanditAllocator;
import dev.steward.core.serving.DeploymentService;
import dev.steward.core.serving.DeploymentSpec;
import dev.steward.core.serving.DeploymentState;
import dev.steward.core.serving.LiveTraffic;
import dev.steward.core.serving.ServingEngine;
import dev.steward.server.http.Access;
import dev.steward.server.http.Json;
import dev.steward.server.http.Router;
import dev.steward.server.http.Routes;

/**
 * {@code GET /api/v1/deployments/{name}/traffic} (viewer): the live split as it stands — each served
 * version's weight and, over the last minute on this server, its requests, errors and p99; the
 * canary's step; the shadow's copies, drops and agreement; the bandit's posterior and allocation.
 */
public final class TrafficRoutes implements Routes {
    private static final long WINDOW_MILLIS = 60_000;

    private final DeploymentService deployments;
    private final ServingEngine engine;
    private final Json json;

    public TrafficRoutes(DeploymentService deployments, ServingEngine engine, Json json) {
        this.deployments = requireNonNull(deployments, "deployments is null");
        this.engine = requireNonNull(engine, "engine is null");
        this.json = requireNonNull(json, "json is null");
    }

    @Override
    public void register(Router router) {
        router.get("/api/v1/deployments/{name}/traffic", Access.VIEWER, ctx -> {
            DeploymentState state = deployments.get(ctx.pathParam("name"));
            long since = System.currentTimeMillis() - WINDOW_MILLIS;
            ObjectNode body = json.mapper().createObjectNode().put("name", state.name()).put("revision", state.revision())
                    .put("stopped", state.stopped());
            state.stopReason().ifPresent(r -> body.put("stop_reason", r));
            body.put("policy", state.spec().traffic().map(DeploymentSpec.Traffic::kind).orElse("weighted"));
            double total = state.spec().versions().stream().mapToDouble(DeploymentSpec.ServedVersion::weight).sum();
            ArrayNode versions = body.putArray("versions");
            for (DeploymentSpec.ServedVersion v : state.spec().versions()) {
                LiveTraffic.Stats stats = engine.traffic().since(state.name(), v.uri(), since);
                versions.addObject().put("model", v.uri()).put("weight", v.weight()).put("share", total > 0 ? v.weight() / total : 0)
                        .put("requests_last_minute", stats.requests()).put("errors_last_minute", stats.errors())
                        .put("p99_ms_last_minute", stats.p99Millis());
            }
            if (state.spec().traffic().orElse(null) instanceof DeploymentSpec.Canary canary) {
                ObjectNode node = body.putObject("canary").put("candidate", canary.candidate()).put("stable", canary.stable())
                        .put("step", canary.step() + 1).put("steps", canary.steps().size()).put("candidate_percent", canary.candidatePercent())
                        .put("step_started_at", java.time.Instant.ofEpochMilli(state.updatedAt()).toString());
                LiveTraffic.Stats stats = engine.traffic().since(state.name(), canary.candidate(), state.updatedAt());
                node.put("candidate_requests_in_step", stats.requests()).put("candidate_errors_in_step", stats.errors());
            }
            engine.shadow(state.name()).ifPresent(s -> {
                ObjectNode node = body.putObject("shadow").put("primary", s.primary()).put("shadow", s.shadow()).put("copied", s.copied())
                        .put("dropped", s.dropped()).put("failed", s.failed()).put("rows_compared", s.rowsCompared())
                        .put("rows_agreed", s.rowsAgreed());
                if (Double.isFinite(s.agreement())) {
                    node.put("agreement", s.agreement()).put("mean_confidence_gap", s.meanConfidenceGap());
                }
            });
            if (state.spec().traffic().orElse(null) instanceof DeploymentSpec.Bandit bandit) {
                ObjectNode node = body.putObject("bandit").put("algorithm", bandit.algorithm()).put("reward", bandit.reward());
                ArrayNode arms = node.putArray("arms");
                for (BanditAllocator.Arm arm : engine.bandit(state.name())) {
                    ObjectNode a = arms.addObject().put("model", arm.arm()).put("evidence", arm.evidence()).put("chosen", arm.chosen())
                            .put("share", arm.share());
                    if (Double.isFinite(arm.meanReward())) {
                        a.put("mean_reward", arm.meanReward());
                    }
                }
            }
            json.respond(ctx, 200, body);
        });
    }
}
