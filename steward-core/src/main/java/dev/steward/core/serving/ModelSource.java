package dev.steward.core.serving;

import static java.util.Objects.requireNonNull;

import dev.steward.core.training.StoredPackage;

/** Where the serving engine gets what it serves: the package of a registered version and its ONNX graph. */
public interface ModelSource {
    /**
     * The package of {@code model} version {@code version}, with its graph's bytes.
     *
     * @throws dev.steward.spi.StewardException when the version does not exist or has no servable package
     */
    ServablePackage fetch(String model, int version);

    /** A package and the bytes of its graph, read and checked against the manifest's digest. */
    record ServablePackage(StoredPackage pkg, byte[] graph) {
        public ServablePackage {
            requireNonNull(pkg, "pkg is null");
            requireNonNull(graph, "graph is null");
        }
    }
}
