package dev.steward.core.serving;

import static java.util.Objects.requireNonNull;

import dev.steward.core.registry.RegistryService;
import dev.steward.core.training.StoredPackage;
import dev.steward.core.util.Digests;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import dev.steward.spi.artifact.ArtifactStore;
import java.io.IOException;
import java.io.InputStream;

/** Packages of registered versions, read from the registry and the artifact store. Thread-safe. */
public final class RegistryModelSource implements ModelSource {
    private final RegistryService registry;
    private final ArtifactStore artifacts;

    public RegistryModelSource(RegistryService registry, ArtifactStore artifacts) {
        this.registry = requireNonNull(registry, "registry is null");
        this.artifacts = requireNonNull(artifacts, "artifacts is null");
    }

    @Override
    public ServablePackage fetch(String model, int version) {
        StoredPackage pkg = registry.packageOf(registry.version(model, version).version());
        byte[] graph;
        try (InputStream in = artifacts.open(pkg.modelDigest())) {
            graph = in.readAllBytes();
        } catch (IOException e) {
            throw StewardException.internal("reading the ONNX graph of " + model + "/" + version, e);
        }
        if (!Digests.sha256Hex(graph).equals(pkg.manifest().path("model_digest").asText())) {
            throw StewardException.of(ErrorCode.DATA_CORRUPTED, "the ONNX graph of " + model + "/" + version + " is not the one its manifest names");
        }
        return new ServablePackage(pkg, graph);
    }
}
