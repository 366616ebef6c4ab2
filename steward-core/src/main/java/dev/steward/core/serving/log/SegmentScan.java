package dev.steward.core.serving.log;

import dev.steward.core.util.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * One pass over a segment file: every line's checksum, the SHA-256 of all its bytes, and where its
 * tail starts: after the last line that verifies, so the tail is a torn line (no newline yet, as a
 * crash mid-write leaves it) and any lines after the last good one. Bad lines before that are
 * corrupt lines in the middle, kept and counted.
 */
final class SegmentScan {
    private static final int CHUNK = 1 << 16;
    private static final int NAMED = 10;

    /** What to do with a line that passed its checksum; false when it cannot be used after all (counted as corrupt). */
    interface Lines {
        boolean accept(byte[] bytes, int off, int len);
    }

    /**
     * @param entries lines that verified (and were accepted)
     * @param corruptLines lines before the last good one that did not
     * @param corruptLineNumbers the first few of those (1-based)
     * @param tailLines lines after the last good one: complete ones that did not verify, and a torn one without its newline
     * @param tailBytes bytes after the last good line
     * @param validEnd where the tail starts
     */
    record Result(long entries, long corruptLines, List<Long> corruptLineNumbers, long tailLines, long tailBytes, long validEnd, long bytes,
            String sha256) {}

    private SegmentScan() {}

    static Result scan(Path file, Lines lines) throws IOException {
        MessageDigest sha = Digests.newSha256();
        ByteSink carry = new ByteSink(1 << 12);
        byte[] chunk = new byte[CHUNK];
        long entries = 0;
        long corrupt = 0;
        long pendingBad = 0;
        List<Long> corruptNumbers = new ArrayList<>();
        List<Long> pendingNumbers = new ArrayList<>();
        long lineNumber = 0;
        long offset = 0;
        long validEnd = 0;
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(chunk)) > 0) {
                sha.update(chunk, 0, n);
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (chunk[i] != '\n') {
                        continue;
                    }
                    byte[] bytes = chunk;
                    int off = start;
                    int len = i - start;
                    if (carry.size() > 0) {
                        carry.write(chunk, start, len);
                        bytes = carry.array();
                        off = 0;
                        len = carry.size();
                    }
                    lineNumber++;
                    long end = offset + i + 1;
                    if (EntryFormat.verify(bytes, off, len) && lines.accept(bytes, off, len)) {
                        entries++;
                        corrupt += pendingBad;
                        addUpTo(corruptNumbers, pendingNumbers);
                        pendingBad = 0;
                        pendingNumbers.clear();
                        validEnd = end;
                    } else {
                        pendingBad++;
                        if (pendingNumbers.size() < NAMED) {
                            pendingNumbers.add(lineNumber);
                        }
                    }
                    carry.reset();
                    start = i + 1;
                }
                carry.write(chunk, start, n - start);
                offset += n;
            }
        }
        long tailLines = pendingBad + (carry.size() > 0 ? 1 : 0);
        return new Result(entries, corrupt, List.copyOf(corruptNumbers), tailLines, offset - validEnd, validEnd, offset,
                Digests.hex(sha.digest()));
    }

    private static void addUpTo(List<Long> named, List<Long> more) {
        for (Long number : more) {
            if (named.size() < NAMED) {
                named.add(number);
            }
        }
    }
}
