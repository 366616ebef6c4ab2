package dev.steward.core.tracking;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The result of checking a run's seal: the digest recorded when the run ended against the digest
 * of what is stored now.
 */
public record SealCheck(String runId, Optional<String> recorded, String current) {
    public SealCheck {
        requireNonNull(runId, "runId is null");
        requireNonNull(recorded, "recorded is null");
        requireNonNull(current, "current is null");
    }

    public boolean sealed() {
        return recorded.isPresent();
    }

    /** True when the run is sealed and nothing changed since; unsealed runs are not intact. */
    public boolean intact() {
        return recorded.map(current::equals).orElse(false);
    }
}
