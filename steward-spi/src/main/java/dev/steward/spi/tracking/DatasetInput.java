package dev.steward.spi.tracking;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * A dataset a run used, in MLflow's shape. When the dataset is a Steward dataset version, its
 * digest is the version's SHA-256 and {@code stewardVersionId} links to it.
 */
public record DatasetInput(String name, String digest, String sourceType, String source, Optional<String> schema,
        Optional<String> profile, List<KeyValue> tags, Optional<String> stewardVersionId) {
    public DatasetInput {
        requireNonNull(name, "name is null");
        requireNonNull(digest, "digest is null");
        requireNonNull(sourceType, "sourceType is null");
        requireNonNull(source, "source is null");
        requireNonNull(schema, "schema is null");
        requireNonNull(profile, "profile is null");
        tags = List.copyOf(tags);
        requireNonNull(stewardVersionId, "stewardVersionId is null");
    }
}
