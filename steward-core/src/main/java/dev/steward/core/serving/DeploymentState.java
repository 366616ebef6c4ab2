package dev.steward.core.serving;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A deployment as the serving engine sees it: its current revision's spec and whether it is
 * stopped (the emergency cut-out, manual or automatic: every protocol answers 503 with the reason).
 */
public record DeploymentState(String name, int revision, DeploymentSpec spec, boolean stopped, Optional<String> stopReason, long updatedAt) {
    public DeploymentState {
        requireNonNull(name, "name is null");
        requireNonNull(spec, "spec is null");
        requireNonNull(stopReason, "stopReason is null");
    }
}
