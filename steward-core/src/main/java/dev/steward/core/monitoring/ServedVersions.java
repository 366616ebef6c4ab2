package dev.steward.core.monitoring;

import static java.util.Objects.requireNonNull;

import dev.steward.core.serving.DeploymentSpec;
import dev.steward.core.serving.ModelSource;
import dev.steward.core.training.ModelSignature;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The signatures of the versions deployments serve, read once from their packages and kept (a
 * registered version's package never changes). Thread-safe.
 */
final class ServedVersions {
    private final ModelSource models;
    private final Map<String, ModelSignature> signatures = new ConcurrentHashMap<>();

    ServedVersions(ModelSource models) {
        this.models = requireNonNull(models, "models is null");
    }

    /** {@code model/version}, as windows count rows per version. */
    static String key(String model, int version) {
        return model + "/" + version;
    }

    /** The version that takes most of a deployment's traffic: the highest weight, the first of equals. */
    static DeploymentSpec.ServedVersion primary(DeploymentSpec spec) {
        DeploymentSpec.ServedVersion best = spec.versions().get(0);
        for (DeploymentSpec.ServedVersion v : spec.versions()) {
            if (v.weight() > best.weight()) {
                best = v;
            }
        }
        return best;
    }

    /** A version's package and graph (read each time: only {@code prepare} needs the graph). */
    ModelSource.ServablePackage fetch(String model, int version) {
        ModelSource.ServablePackage pkg = models.fetch(model, version);
        signatures.putIfAbsent(key(model, version), ModelSignature.of(pkg.pkg().manifest()));
        return pkg;
    }

    /**
     * A version's signature.
     *
     * @throws dev.steward.spi.StewardException when the version has no package or its manifest is not usable
     */
    ModelSignature signature(String model, int version) {
        ModelSignature known = signatures.get(key(model, version));
        if (known != null) {
            return known;
        }
        ModelSignature signature = ModelSignature.of(models.fetch(model, version).pkg().manifest());
        signatures.put(key(model, version), signature);
        return signature;
    }
}
