package dev.steward.core.monitoring;

import static java.util.Objects.requireNonNull;

import dev.steward.core.data.DatasetService;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import dev.steward.spi.data.ColumnSummary;
import dev.steward.spi.data.DatasetVersion;
import dev.steward.spi.data.TableReader;
import java.util.List;
import java.util.Optional;

/**
 * The dataset versions a monitor's reference is read from: {@link #of(DatasetService)} in a
 * server; tables held in memory in tests.
 */
public interface ReferenceTables {
    /** Whether a dataset of this name exists. */
    boolean exists(String dataset);

    /** A version of a dataset, empty when the dataset has no such version. */
    Optional<DatasetVersion> version(String dataset, int number);

    /** Streams the values of {@code columns} of {@code version} to {@code sink}, column by column, each in row order. */
    void scan(DatasetVersion version, List<ColumnSummary> columns, TableReader.RowSink sink);

    /** The versions of a {@link DatasetService}. */
    static ReferenceTables of(DatasetService datasets) {
        requireNonNull(datasets, "datasets is null");
        return new ReferenceTables() {
            @Override
            public boolean exists(String dataset) {
                try {
                    datasets.dataset(dataset);
                    return true;
                } catch (StewardException e) {
                    if (e.code() == ErrorCode.RESOURCE_DOES_NOT_EXIST) {
                        return false;
                    }
                    throw e;
                }
            }

            @Override
            public Optional<DatasetVersion> version(String dataset, int number) {
                try {
                    return Optional.of(datasets.version(dataset, number));
                } catch (StewardException e) {
                    if (e.code() == ErrorCode.RESOURCE_DOES_NOT_EXIST) {
                        return Optional.empty();
                    }
                    throw e;
                }
            }

            @Override
            public void scan(DatasetVersion version, List<ColumnSummary> columns, TableReader.RowSink sink) {
                datasets.scan(version, columns, sink);
            }
        };
    }
}
