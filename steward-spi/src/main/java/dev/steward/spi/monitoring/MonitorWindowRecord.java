package dev.steward.spi.monitoring;

import static java.util.Objects.requireNonNull;

/**
 * A closed window of a monitor, with its report. Window numbers are unique per deployment across
 * revisions: request windows take the next number as they close, time windows their number on the
 * clock. Its profile (the merged sketches, bytes) is stored beside it and read on its own
 * ({@link MonitorRepository#profile}), so that listing windows does not carry them.
 *
 * @param revision the monitor revision that evaluated it
 * @param startMillis received time of its first entry (time windows: the window's start on the clock)
 * @param endMillis exclusive end
 * @param status {@code evaluated} or {@code too_small}
 * @param reportJson the window's report as JSON
 * @param source {@code live} (from the profiles kept as requests were logged) or {@code rebuilt}
 * @param parts how many replicas' parts were merged into it (1 for a request window)
 * @param closedBy the replica that stored it
 */
public record MonitorWindowRecord(String deployment, int revision, long window, long startMillis, long endMillis, long rows, String status,
        String reportJson, String source, int parts, long closedAt, String closedBy) {
    public MonitorWindowRecord {
        requireNonNull(deployment, "deployment is null");
        requireNonNull(status, "status is null");
        requireNonNull(reportJson, "reportJson is null");
        requireNonNull(source, "source is null");
        requireNonNull(closedBy, "closedBy is null");
    }
}
