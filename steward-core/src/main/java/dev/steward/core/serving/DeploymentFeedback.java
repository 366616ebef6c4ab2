package dev.steward.core.serving;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** The live figures of a deployment: over all its feedback, and per served version. */
public record DeploymentFeedback(String deployment, FeedbackFigures total, List<VersionFeedback> versions) {
    public DeploymentFeedback {
        requireNonNull(deployment, "deployment is null");
        requireNonNull(total, "total is null");
        versions = List.copyOf(versions);
    }

    /** The figures of one version the deployment served (and still may). */
    public record VersionFeedback(String model, int version, FeedbackFigures figures) {
        public VersionFeedback {
            requireNonNull(model, "model is null");
            requireNonNull(figures, "figures is null");
        }
    }
}
