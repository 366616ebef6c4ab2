package dev.steward.core.serving.log;

import dev.steward.core.util.Digests;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * The segment a writer appends one deployment's entries to: lines are gathered in memory, written
 * to the file in chunks, forced when the flush policy says, and finally sealed. The SHA-256 of the
 * seal is computed as lines are appended, so sealing never reads the file back. Writer thread only.
 */
final class OpenSegment {
    private final Segment segment;
    private final FileChannel channel;
    private final MessageDigest sha = Digests.newSha256();
    private final ByteSink pending = new ByteSink(1 << 16);
    private int pendingEntries;
    private long entries;
    private long bytes;
    private long minReceived = Long.MAX_VALUE;
    private long maxReceived = Long.MIN_VALUE;
    private boolean unforced;

    private OpenSegment(Segment segment, FileChannel channel) {
        this.segment = segment;
        this.channel = channel;
    }

    static OpenSegment create(Path directory, String deployment, long startMillis, long sequence) throws IOException {
        Path path = SegmentFiles.segmentPath(directory, startMillis, sequence, false);
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        SegmentFiles.forceDirectory(directory);
        return new OpenSegment(new Segment(deployment, path, startMillis, sequence, false), channel);
    }

    Segment segment() {
        return segment;
    }

    /** Entries in it, written or not. */
    long entries() {
        return entries;
    }

    /** Its length once what is pending is written. */
    long bytes() {
        return bytes;
    }

    int pendingEntries() {
        return pendingEntries;
    }

    int pendingBytes() {
        return pending.size();
    }

    void append(ByteSink line, long receivedMillis) {
        pending.write(line);
        sha.update(line.array(), 0, line.size());
        pendingEntries++;
        entries++;
        bytes += line.size();
        minReceived = Math.min(minReceived, receivedMillis);
        maxReceived = Math.max(maxReceived, receivedMillis);
    }

    /** Hands what is pending to the operating system (a killed process loses nothing written); returns how many entries that was. */
    int write() throws IOException {
        int written = pendingEntries;
        if (pending.size() > 0) {
            ByteBuffer buffer = ByteBuffer.wrap(pending.array(), 0, pending.size());
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            pending.reset();
            pendingEntries = 0;
            unforced = true;
        }
        return written;
    }

    /** Forces what was written to the disk (a power loss loses nothing forced). */
    void force() throws IOException {
        if (unforced) {
            channel.force(false);
            unforced = false;
        }
    }

    /** Writes and forces the rest, closes the file, seals it; the segment as sealed. */
    Segment seal(long closedMillis) throws IOException {
        write();
        channel.force(true);
        channel.close();
        Seal seal = new Seal(EntryFormat.FORMAT, entries, bytes, Digests.hex(sha.digest()), minReceived, maxReceived, segment.startMillis(),
                closedMillis, 0, 0);
        Path sealed = SegmentFiles.seal(segment, seal);
        return new Segment(segment.deployment(), sealed, segment.startMillis(), segment.sequence(), true);
    }

    /** Gives up on it after a failure: closes the file as it is (the next writer's recovery seals what is whole in it). */
    void abandon() {
        try {
            channel.close();
        } catch (IOException e) {
            // Already failing; the caller reports the first failure.
        }
    }
}
