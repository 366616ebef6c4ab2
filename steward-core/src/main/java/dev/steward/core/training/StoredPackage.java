package dev.steward.core.training;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.spi.artifact.ArtifactRef;

/**
 * A model package whose files are blobs of the artifact store: the manifest (its digest is the
 * package's identity) and the ONNX graph it names (its digest is the model digest). A package
 * trained by Steward lives in its run's artifacts; one registered from elsewhere (an uploaded ONNX
 * graph, an MLflow model) is stored by the registry. Either way, this is all evaluation and
 * serving need.
 *
 * @param manifest the manifest as read and checked by {@link ModelPackage#readManifest}
 */
public record StoredPackage(ArtifactRef manifestBlob, ArtifactRef onnxBlob, JsonNode manifest) {
    public StoredPackage {
        requireNonNull(manifestBlob, "manifestBlob is null");
        requireNonNull(onnxBlob, "onnxBlob is null");
        requireNonNull(manifest, "manifest is null");
    }

    /** The SHA-256 of the ONNX graph, which the manifest's {@code model_digest} names. */
    public String modelDigest() {
        return onnxBlob.sha256();
    }
}
