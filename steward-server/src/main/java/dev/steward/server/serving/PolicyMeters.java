package dev.steward.server.serving;

import static java.util.Objects.requireNonNull;

import dev.steward.core.serving.BanditAllocator;
import dev.steward.core.serving.DeploymentService;
import dev.steward.core.serving.DeploymentSpec;
import dev.steward.core.serving.DeploymentState;
import dev.steward.core.serving.ServingEngine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;

/**
 * Gauges of the traffic policies in {@code /metrics}, refreshed every canary tick:
 * {@code steward_canary_step} and {@code steward_canary_candidate_percent} per deployment,
 * {@code steward_shadow_agreement} and {@code steward_shadow_dropped} per deployment,
 * {@code steward_bandit_share} per deployment and version.
 */
public final class PolicyMeters {
    private final DeploymentService deployments;
    private final ServingEngine engine;
    private final MultiGauge canaryStep;
    private final MultiGauge canaryPercent;
    private final MultiGauge shadowAgreement;
    private final MultiGauge shadowDropped;
    private final MultiGauge banditShare;

    public PolicyMeters(MeterRegistry registry, DeploymentService deployments, ServingEngine engine) {
        this.deployments = requireNonNull(deployments, "deployments is null");
        this.engine = requireNonNull(engine, "engine is null");
        this.canaryStep = MultiGauge.builder("steward_canary_step").description("the canary's current step, from 1").register(registry);
        this.canaryPercent = MultiGauge.builder("steward_canary_candidate_percent").description("the canary candidate's share of the traffic")
                .register(registry);
        this.shadowAgreement = MultiGauge.builder("steward_shadow_agreement").description("the share of rows where the shadow agrees with the"
                + " primary").register(registry);
        this.shadowDropped = MultiGauge.builder("steward_shadow_dropped").description("copies of requests the shadow's full queue dropped")
                .register(registry);
        this.banditShare = MultiGauge.builder("steward_bandit_share").description("the share of a bandit's requests each version got")
                .register(registry);
    }

    /** Reads the policies' state again. */
    public void refresh() {
        List<MultiGauge.Row<?>> steps = new ArrayList<>();
        List<MultiGauge.Row<?>> percents = new ArrayList<>();
        List<MultiGauge.Row<?>> agreements = new ArrayList<>();
        List<MultiGauge.Row<?>> drops = new ArrayList<>();
        List<MultiGauge.Row<?>> shares = new ArrayList<>();
        for (DeploymentState state : deployments.current().values()) {
            Tags deployment = Tags.of("deployment", state.name());
            if (state.spec().traffic().orElse(null) instanceof DeploymentSpec.Canary canary) {
                steps.add(MultiGauge.Row.of(deployment, canary.step() + 1));
                percents.add(MultiGauge.Row.of(deployment, canary.candidatePercent()));
            }
            engine.shadow(state.name()).ifPresent(s -> {
                if (Double.isFinite(s.agreement())) {
                    agreements.add(MultiGauge.Row.of(deployment, s.agreement()));
                }
                drops.add(MultiGauge.Row.of(deployment, s.dropped()));
            });
            for (BanditAllocator.Arm arm : engine.bandit(state.name())) {
                shares.add(MultiGauge.Row.of(deployment.and("version", arm.arm()), arm.share()));
            }
        }
        canaryStep.register(steps, true);
        canaryPercent.register(percents, true);
        shadowAgreement.register(agreements, true);
        shadowDropped.register(drops, true);
        banditShare.register(shares, true);
    }
}
