package dev.steward.spi.data;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable version of a dataset: the original bytes (content-addressed by {@code sha256}),
 * what was found in them, and who imported them when.
 *
 * @param id stable id, {@code dsv_} + 16 hex
 * @param version 1, 2, … per dataset
 * @param profileSha256 the stored mergeable profile (see the core's DatasetProfile), content-addressed
 * @param readOptions the options the file was imported with, so that it is read again the same way
 * @param status {@code active} or {@code quarantined}
 */
public record DatasetVersion(String id, String datasetName, int version, String sha256, long size, DataFormat format, String fileName,
        long rowCount, List<ColumnSummary> columns, Optional<String> profileSha256, Optional<String> description, Map<String, String> tags, Optional<String> subjectColumn,
        ReadOptions readOptions, String status, long createdAt, String createdBy) {
    public static final String ACTIVE = "active";
    public static final String QUARANTINED = "quarantined";

    public DatasetVersion {
        requireNonNull(id, "id is null");
        requireNonNull(datasetName, "datasetName is null");
        requireNonNull(sha256, "sha256 is null");
        requireNonNull(format, "format is null");
        requireNonNull(fileName, "fileName is null");
        columns = List.copyOf(columns);
        requireNonNull(profileSha256, "profileSha256 is null");
        requireNonNull(description, "description is null");
        tags = Map.copyOf(tags);
        requireNonNull(subjectColumn, "subjectColumn is null");
        requireNonNull(readOptions, "readOptions is null");
        requireNonNull(status, "status is null");
        requireNonNull(createdBy, "createdBy is null");
    }
}
