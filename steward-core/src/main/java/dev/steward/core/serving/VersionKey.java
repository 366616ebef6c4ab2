package dev.steward.core.serving;

import static java.util.Objects.requireNonNull;

import dev.steward.core.serving.DeploymentSpec.ServedVersion;

/** A registered version as the engine keys its sessions: one session per version, whichever deployments serve it. */
record VersionKey(String model, int version) {
    VersionKey {
        requireNonNull(model, "model is null");
    }

    static VersionKey of(ServedVersion served) {
        return new VersionKey(served.model(), served.version());
    }

    /** How a deployment of several models names the version in its protocols: {@code model:version}. */
    String qualified() {
        return model + ":" + version;
    }

    @Override
    public String toString() {
        return model + "/" + version;
    }
}
