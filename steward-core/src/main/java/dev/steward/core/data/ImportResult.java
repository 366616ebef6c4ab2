package dev.steward.core.data;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.data.DatasetVersion;

/** The version an import produced, or found: importing identical bytes again creates nothing. */
public record ImportResult(DatasetVersion version, boolean created) {
    public ImportResult {
        requireNonNull(version, "version is null");
    }
}
