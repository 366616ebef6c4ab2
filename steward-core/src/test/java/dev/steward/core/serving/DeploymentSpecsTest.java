package dev.steward.core.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.spi.StewardException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Deployment specs: defaults, traffic policies setting the weights, the canonical form read back, mistakes naming the field. */
class DeploymentSpecsTest {
    private static final DeploymentSpecs.VersionResolver RESOLVER = (model, version) -> {
        if (model.startsWith("models:/")) {
            String rest = model.substring("models:/".length());
            return new DeploymentSpecs.ResolvedVersion(rest.substring(0, rest.indexOf('/')), Integer.parseInt(rest.substring(rest.indexOf('/') + 1)));
        }
        return new DeploymentSpecs.ResolvedVersion(model, version.orElseThrow());
    };

    @Test
    void aCanarySetsTheWeightsOfItsStepAndSurvivesTheStoredForm() {
        DeploymentSpec spec = DeploymentSpecs.parse("""
                versions: [{model: models:/m/1}, {model: m, version: 2}]
                traffic:
                  canary: {candidate: models:/m/2, steps: [10, 50, 100], dwell_seconds: 30, guardrails: {max_error_rate: 0.02, min_accuracy: 0.9}}
                """, RESOLVER);
        DeploymentSpec.Canary canary = (DeploymentSpec.Canary) spec.traffic().orElseThrow();
        assertThat(canary.stable()).isEqualTo("models:/m/1");
        assertThat(spec.versions()).extracting(DeploymentSpec.ServedVersion::weight).containsExactly(90.0, 10.0);
        DeploymentSpec again = DeploymentSpecs.fromJson(DeploymentSpecs.toJson(spec));
        assertThat(again).isEqualTo(spec);
        DeploymentSpec stepped = DeploymentSpecs.fromJson(DeploymentSpecs.toJson(spec.withTraffic(Optional.of(canary.atStep(1)))));
        assertThat(stepped.versions()).extracting(DeploymentSpec.ServedVersion::weight).containsExactly(50.0, 50.0);
        assertThat(spec.environment()).isEqualTo("production");
        assertThat(spec.batching()).isEqualTo(DeploymentSpec.Batching.DEFAULT);
    }

    @Test
    void aShadowGetsNoWeightAndABanditNeedsTwoVersions() {
        DeploymentSpec shadow = DeploymentSpecs.parse("{\"versions\": [{\"model\": \"models:/m/1\"}, {\"model\": \"models:/m/2\", \"weight\": 5}],"
                + " \"traffic\": {\"shadow\": {\"shadow\": \"models:/m/2\"}}}", RESOLVER);
        assertThat(shadow.versions()).extracting(DeploymentSpec.ServedVersion::weight).containsExactly(1.0, 0.0);
        assertThat(((DeploymentSpec.Shadow) shadow.traffic().orElseThrow()).primary()).isEqualTo("models:/m/1");
        assertThat(DeploymentSpecs.fromJson(DeploymentSpecs.toJson(shadow))).isEqualTo(shadow);
        DeploymentSpec bandit = DeploymentSpecs.parse("versions: [{model: models:/m/1}, {model: models:/m/2}]\ntraffic: {bandit: {discount: 0.99}}",
                RESOLVER);
        assertThat(bandit.traffic()).contains(new DeploymentSpec.Bandit("thompson", "binary", 0.1, 0.99));
        refused("versions: [{model: models:/m/1}]\ntraffic: {bandit: {}}", "traffic.bandit.algorithm");
    }

    @Test
    void mistakesNameTheField() {
        refused("versions: [{model: models:/m/1, weight: -2}]", "versions[0].weight");
        refused("versions: [{model: models:/m/1}]\nbatching: {max_wait_ms: 5000}", "batching.max_wait_ms");
        refused("versions: [{model: models:/m/1}, {model: models:/m/2}]\ntraffic: {canary: {candidate: models:/m/3}}", "traffic.canary.candidate");
        refused("versions: [{model: models:/m/1}, {model: models:/m/2}]\ntraffic: {canary: {candidate: models:/m/2, steps: [50, 20]}}",
                "traffic.canary.steps");
        refused("versions: [{model: models:/m/1}, {model: models:/m/2}]\ntraffic: {canary: {candidate: models:/m/2}, shadow: {shadow: models:/m/2}}",
                "traffic");
        refused("versions: [{model: models:/m/1}, {model: models:/m/1}]", "versions[1].model");
        refused("versions: [{model: models:/m/1}]\nsticky_key: cookie", "sticky_key");
        refused("versions: [{model: models:/m/1}]\ncolour: blue", "colour");
    }

    private static void refused(String text, String field) {
        assertThatThrownBy(() -> DeploymentSpecs.parse(text, RESOLVER)).isInstanceOfSatisfying(StewardException.class,
                e -> assertThat(e.field()).as(e.getMessage()).contains(field));
    }
}
