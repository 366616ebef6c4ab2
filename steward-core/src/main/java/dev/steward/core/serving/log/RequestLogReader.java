package dev.steward.core.serving.log;

import static java.util.Objects.requireNonNull;

import dev.steward.core.serving.LoggedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Reads the request log a {@link SegmentRequestLog} writes: the deployments, each one's segments
 * in order, and their entries, verifying every line's checksum and each sealed segment against its
 * seal. Damage is reported in the {@link SegmentCheck}, never thrown: a torn tail of an open segment
 * is counted and skipped, a bad line in the middle is counted and skipped, and the entries around
 * it are still read. Safe to use while a writer appends (the tail of the segment being written may
 * then show as a torn line). Thread-safe.
 */
public final class RequestLogReader {
    private static final int NAMED_PROBLEMS = 10;

    private final Path directory;

    public RequestLogReader(Path directory) {
        this.directory = requireNonNull(directory, "directory is null");
    }

    /** The deployments that have a directory of segments, by name. */
    public List<String> deployments() {
        List<String> deployments = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(directory)) {
            dirs.filter(Files::isDirectory).forEach(dir -> SegmentFiles.deploymentOf(dir.getFileName().toString()).ifPresent(deployments::add));
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("listing the request log " + directory, e);
        }
        deployments.sort(null);
        return deployments;
    }

    /** A deployment's segments in the order they were written: sealed ones, then (at most) the one being written. */
    public List<Segment> segments(String deployment) {
        requireNonNull(deployment, "deployment is null");
        return SegmentFiles.list(directory.resolve(SegmentFiles.directoryName(deployment)), deployment);
    }

    /** Every entry of a deployment, in the order written, with what each segment's check found. */
    public List<SegmentCheck> read(String deployment, Consumer<LoggedRequest> entries) {
        requireNonNull(entries, "entries is null");
        return segments(deployment).stream().map(segment -> read(segment, entries)).toList();
    }

    /** Checks a segment without keeping its entries. */
    public SegmentCheck verify(Segment segment) {
        return read(segment, entry -> {});
    }

    /** A segment's entries, in the order written, and what its check found. */
    public SegmentCheck read(Segment segment, Consumer<LoggedRequest> entries) {
        requireNonNull(segment, "segment is null");
        requireNonNull(entries, "entries is null");
        List<String> problems = new ArrayList<>();
        SegmentScan.Result scan;
        try {
            scan = SegmentScan.scan(segment.path(), (bytes, off, len) -> {
                try {
                    entries.accept(EntryFormat.decode(bytes, off, len));
                    return true;
                } catch (IOException e) {
                    if (problems.size() < NAMED_PROBLEMS) {
                        problems.add("a line passes its checksum but is not an entry: " + e.getMessage());
                    }
                    return false;
                }
            });
        } catch (NoSuchFileException e) {
            Path sealed = SegmentFiles.segmentPath(segment.path().getParent(), segment.startMillis(), segment.sequence(), true);
            if (!segment.sealed() && Files.exists(sealed)) {
                // Sealed between listing and reading.
                return read(new Segment(segment.deployment(), sealed, segment.startMillis(), segment.sequence(), true), entries);
            }
            return new SegmentCheck(segment, SegmentCheck.Status.MISSING, 0, 0, 0, 0, Optional.empty(), List.of(name(segment) + " is gone"));
        } catch (IOException e) {
            throw new UncheckedIOException("reading request-log segment " + segment.path(), e);
        }
        String name = name(segment);
        if (scan.corruptLines() > 0) {
            problems.add(0, scan.corruptLines() + " line(s) of " + name + " fail their checksum (lines " + scan.corruptLineNumbers()
                    + (scan.corruptLines() > scan.corruptLineNumbers().size() ? ", ..." : "") + ")");
        }
        if (scan.tailLines() > 0) {
            problems.add(name + " ends in " + scan.tailLines() + " line(s), " + scan.tailBytes() + " bytes, after its last whole entry"
                    + (segment.sealed() ? "" : " (torn by a crash, or being written)"));
        }
        Optional<Seal> seal = Optional.empty();
        SegmentCheck.Status status = SegmentCheck.Status.OPEN;
        if (segment.sealed()) {
            status = SegmentCheck.Status.DAMAGED;
            try {
                seal = Optional.of(Seal.read(segment.sealPath()));
                if (!seal.get().sha256().equals(scan.sha256()) || seal.get().bytes() != scan.bytes()) {
                    problems.add(name + " is not what its seal names: " + scan.bytes() + " bytes with SHA-256 " + scan.sha256() + ", sealed as "
                            + seal.get().bytes() + " bytes with " + seal.get().sha256() + " (" + seal.get().entries() + " entries)");
                } else {
                    status = SegmentCheck.Status.SEALED;
                }
            } catch (NoSuchFileException e) {
                problems.add(name + " has no seal");
            } catch (IOException e) {
                problems.add("the seal of " + name + " cannot be read: " + e.getMessage());
            }
        }
        return new SegmentCheck(segment, status, scan.entries(), scan.corruptLines(), scan.tailLines(), scan.tailBytes(), seal, problems);
    }

    private static String name(Segment segment) {
        return segment.deployment() + "/" + segment.path().getFileName();
    }
}
