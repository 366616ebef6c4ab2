package dev.steward.core.serving.log;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Comparator;

/**
 * One segment file of a deployment's request log: {@code <start-millis>-<sequence>.jsonl} once
 * sealed, {@code .open} while a writer appends to it (or after a crash, until the next writer
 * recovers it). Segments of a deployment are ordered by start time, then sequence.
 *
 * @param startMillis when the writer opened it (epoch milliseconds)
 * @param sequence the writer's counter of segments of this deployment: two segments opened in the same millisecond still have an order
 */
public record Segment(String deployment, Path path, long startMillis, long sequence, boolean sealed) {
    /** The order entries were written in. */
    public static final Comparator<Segment> ORDER = Comparator.comparingLong(Segment::startMillis).thenComparingLong(Segment::sequence);

    public Segment {
        requireNonNull(deployment, "deployment is null");
        requireNonNull(path, "path is null");
    }

    /** The file holding its seal (count of entries and SHA-256 of the segment), next to the segment. */
    public Path sealPath() {
        return SegmentFiles.sealPath(path.getParent(), startMillis, sequence);
    }
}
