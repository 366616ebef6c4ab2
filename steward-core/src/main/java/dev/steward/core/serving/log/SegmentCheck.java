package dev.steward.core.serving.log;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * What reading one segment found.
 *
 * @param entries entries read (each passed its checksum)
 * @param corruptLines lines before the last good one that failed their checksum (or were not an entry)
 * @param tailLines lines after the last good one: a torn last line (no newline: a crash mid-write, or
 *     a writer still writing it) and complete lines that failed their checksum
 * @param tailBytes the bytes of those lines: what a recovery cuts from an open segment
 * @param seal the segment's seal, when it has one that could be read
 * @param problems what is wrong, in words (empty for an intact segment)
 */
public record SegmentCheck(Segment segment, Status status, long entries, long corruptLines, long tailLines, long tailBytes, Optional<Seal> seal,
        List<String> problems) {
    public enum Status {
        /** Sealed, and its bytes are those the seal names (length and SHA-256). */
        SEALED,
        /** Not sealed: a writer is appending to it, or it was left by a crash and is recovered by the next writer. */
        OPEN,
        /** A {@code .jsonl} whose seal is missing, unreadable or does not match its bytes. */
        DAMAGED,
        /** Gone between listing and reading (retention deleted it). */
        MISSING
    }

    public SegmentCheck {
        requireNonNull(segment, "segment is null");
        requireNonNull(status, "status is null");
        requireNonNull(seal, "seal is null");
        problems = List.copyOf(problems);
    }

    /** Every line verified and, when sealed, the seal matches; an open segment may have a tail. */
    public boolean intact() {
        return switch (status) {
            case SEALED -> corruptLines == 0 && tailLines == 0;
            case OPEN -> corruptLines == 0;
            case DAMAGED, MISSING -> false;
        };
    }
}
