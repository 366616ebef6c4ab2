package dev.steward.spi.monitoring;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * The ground truth that arrived for the rows of one window (or, handed to
 * {@link MonitorRepository#addLabels}, what to add to it): counters only, added to atomically.
 *
 * @param correct labelled rows whose predicted label was right
 * @param absoluteErrorSum Σ|truth − prediction| over the labelled rows of a regression
 * @param classes true label → rows
 */
public record WindowLabelsRecord(String deployment, long window, long labelled, long correct, double absoluteErrorSum, Map<String, Long> classes) {
    public WindowLabelsRecord {
        requireNonNull(deployment, "deployment is null");
        classes = Map.copyOf(classes);
    }
}
