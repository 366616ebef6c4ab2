package dev.steward.spi.tracking;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** A run with its latest metric values, params, tags and dataset inputs. */
public record Run(RunInfo info, List<Metric> metrics, List<KeyValue> params, List<KeyValue> tags, List<DatasetInput> inputs) {
    public Run {
        requireNonNull(info, "info is null");
        metrics = List.copyOf(metrics);
        params = List.copyOf(params);
        tags = List.copyOf(tags);
        inputs = List.copyOf(inputs);
    }
}
