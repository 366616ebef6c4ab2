package dev.steward.core.registry;

import static java.util.Objects.requireNonNull;

import dev.steward.core.training.StoredPackage;

/**
 * The outcome of importing a model whose content Steward does not control (an MLflow model a run
 * logged): {@link Ready} with the package, or {@link Failed} with a message saying why Steward
 * cannot serve it and how to make a model it can. A registry records the version either way, with
 * the status and the message, as MLflow records {@code READY} or {@code FAILED_REGISTRATION}.
 */
public sealed interface PackageImportResult {
    /** {@code ready} or {@code failed}. */
    String status();

    record Ready(StoredPackage model) implements PackageImportResult {
        public Ready {
            requireNonNull(model, "model is null");
        }

        @Override
        public String status() {
            return "ready";
        }
    }

    record Failed(String message) implements PackageImportResult {
        public Failed {
            requireNonNull(message, "message is null");
        }

        @Override
        public String status() {
            return "failed";
        }
    }
}
