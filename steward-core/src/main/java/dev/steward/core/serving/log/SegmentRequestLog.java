package dev.steward.core.serving.log;

import static java.util.Objects.requireNonNull;

import dev.steward.core.serving.LoggedRequest;
import dev.steward.core.serving.RequestLog;
import dev.steward.core.serving.RequestLogTap;
import dev.steward.spi.StewardException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request log on local disk: {@link #offer} puts an entry in a bounded queue (a full queue
 * drops it and counts it; nothing ever waits), and one writer thread appends the entries as JSON
 * Lines, each line with its own CRC32C, to one open segment per deployment under the log directory.
 * A segment is closed past its size or age and sealed: its count and SHA-256 written to a
 * {@code .seal} file, then renamed from {@code .open} to {@code .jsonl}. Retention deletes sealed
 * segments closed longer ago than the setting, when a segment is sealed and once a minute.
 *
 * <p>What a crash loses: a killed process loses the entries still in the queue and the batch being
 * encoded (written lines are the operating system's by then); a power loss also loses what was
 * written but not yet forced, at most {@code flushEntries} entries or {@code flushInterval} of
 * them. Starting on the same directory recovers a previous run's open segments ({@link #recovered()}).
 *
 * <p>One writer per directory: the writer holds a lock on {@code .writer.lock} while it runs.
 * Thread-safe.
 */
public final class SegmentRequestLog implements RequestLog {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentRequestLog.class);
    /** Entries taken from the queue at once. */
    private static final int BATCH = 1024;
    /** A deployment's pending lines are written to its file once they are this long (and at the end of every batch). */
    private static final int WRITE_CHUNK = 1 << 18;
    /** How often an idle writer looks for segments past their age. */
    private static final long HOUSEKEEPING_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long RETENTION_CHECK_MILLIS = TimeUnit.MINUTES.toMillis(1);
    private static final long FAILURE_LOG_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** How long {@link #close} waits for the writer to write what is queued. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    /** Wakes the writer when the log closes; never written. */
    private static final LoggedRequest WAKE = new LoggedRequest("", "", 0, "", 0, "", "", "", 0, 0, 0, List.of(), Map.of(), Optional.empty());

    /**
     * @param directory the log directory ({@code <directory>/<deployment>/<segment>})
     * @param segmentBytes a segment is sealed before a line would take it past this length (a longer line gets a segment of its own)
     * @param segmentAge a segment is sealed once it is this old
     * @param retention sealed segments closed longer ago are deleted; {@link Duration#ZERO} keeps them all
     * @param queueCapacity entries waiting to be written before new ones are dropped
     * @param flushEntries written entries are forced to disk once this many are unforced ...
     * @param flushInterval ... or once the oldest unforced one waited this long ({@link Duration#ZERO}: after every batch)
     */
    public record Settings(Path directory, long segmentBytes, Duration segmentAge, Duration retention, int queueCapacity, int flushEntries,
            Duration flushInterval) {
        /** See docs/request-logs.md for the measurements behind the flush policy. */
        public static final int FLUSH_ENTRIES = 4096;
        public static final Duration FLUSH_INTERVAL = Duration.ofMillis(100);

        public Settings {
            requireNonNull(directory, "directory is null");
            requireNonNull(segmentAge, "segmentAge is null");
            requireNonNull(retention, "retention is null");
            requireNonNull(flushInterval, "flushInterval is null");
            if (segmentBytes < 1 || segmentAge.isNegative() || segmentAge.isZero() || retention.isNegative() || queueCapacity < 1
                    || flushEntries < 1 || flushInterval.isNegative()) {
                throw new IllegalArgumentException("bad request-log settings: segment " + segmentBytes + " bytes, " + segmentAge + ", retention "
                        + retention + ", queue " + queueCapacity + ", flush every " + flushEntries + " entries or " + flushInterval);
            }
        }

        /** With the default flush policy. */
        public Settings(Path directory, long segmentBytes, Duration segmentAge, Duration retention, int queueCapacity) {
            this(directory, segmentBytes, segmentAge, retention, queueCapacity, FLUSH_ENTRIES, FLUSH_INTERVAL);
        }
    }

    private final Settings settings;
    private final Clock clock;
    private final ArrayBlockingQueue<LoggedRequest> queue;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final LongAdder dropped = new LongAdder();
    private volatile long written;
    private volatile long flushed;
    private final List<Recovery> recovered;
    private final FileChannel lockFile;
    private final FileLock lock;
    private final Thread writer;
    private volatile RequestLogTap tap = RequestLogTap.NONE;
    /** Written by the writer thread only. */
    private long lastTapFailure;

    // The writer thread's own state.
    private final EntryFormat format = new EntryFormat();
    private final Map<String, OpenSegment> open = new HashMap<>();
    private final Map<String, Long> nextSequence = new HashMap<>();
    private long unforcedEntries;
    private long unforcedSinceNanos;
    private long nextHousekeepingNanos;
    private long nextRetentionMillis;
    private long lastFailureLogNanos;
    private long unloggedFailures;

    private SegmentRequestLog(Settings settings, Clock clock, FileChannel lockFile, FileLock lock, List<Recovery> recovered,
            ThreadFactory threads) {
        this.settings = settings;
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.lockFile = lockFile;
        this.lock = lock;
        this.recovered = List.copyOf(recovered);
        this.writer = threads.newThread(this::run);
    }

    /**
     * Takes the directory (creating it), recovers what a previous run left open, and starts the
     * writer. Refused when another writer holds the directory.
     */
    public static SegmentRequestLog open(Settings settings, Clock clock) {
        return open(settings, clock, task -> {
            Thread thread = new Thread(task, "steward-request-log");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** With the writer on a thread of the caller's making (tests hold it back to fill the queue). */
    static SegmentRequestLog open(Settings settings, Clock clock, ThreadFactory threads) {
        requireNonNull(settings, "settings is null");
        requireNonNull(clock, "clock is null");
        requireNonNull(threads, "threads is null");
        Path directory = settings.directory();
        FileChannel lockFile = null;
        try {
            Files.createDirectories(directory);
            lockFile = FileChannel.open(directory.resolve(SegmentFiles.LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = tryLock(lockFile);
            if (lock == null) {
                throw StewardException.invalidState("another request-log writer is writing to " + directory);
            }
            List<Recovery> recovered = SegmentRecovery.recover(directory, clock.millis());
            for (Recovery r : recovered) {
                if (r.cutBytes() > 0) {
                    LOG.warn("request log: {} was left open by a crash; cut {} bytes ({} lines) after its last whole entry, kept {} entries",
                            r.segment(), r.cutBytes(), r.cutLines(), r.entries());
                } else {
                    LOG.info("request log: sealed {} ({} entries), left open by a previous run", r.segment(), r.entries());
                }
            }
            SegmentRequestLog log = new SegmentRequestLog(settings, clock, lockFile, lock, recovered, threads);
            log.writer.start();
            return log;
        } catch (IOException e) {
            closeQuietly(lockFile);
            throw new UncheckedIOException("opening the request log in " + directory, e);
        } catch (RuntimeException e) {
            closeQuietly(lockFile);
            throw e;
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    @Override
    public boolean offer(LoggedRequest request) {
        if (request == null || closed.get() || !queue.offer(request)) {
            dropped.increment();
            return false;
        }
        return true;
    }

    @Override
    public long dropped() {
        return dropped.sum();
    }

    @Override
    public int queued() {
        return queue.size();
    }

    /** Entries handed to the operating system: a killed process does not lose them. */
    public long written() {
        return written;
    }

    /** Entries forced to disk: a power loss does not lose them. */
    public long flushed() {
        return flushed;
    }

    /** The segments a previous run left open, as this writer found and sealed them at its start. */
    public List<Recovery> recovered() {
        return recovered;
    }

    /** Writes what is queued (waiting at most 10 s for the writer), seals every open segment and releases the directory. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        queue.offer(WAKE);
        try {
            writer.join(CLOSE_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            LOG.warn("request log: the writer did not finish within {} s; {} entries were still queued", CLOSE_TIMEOUT.toSeconds(), queue.size());
            return;
        }
        // Offered between the writer's last look and its end.
        for (LoggedRequest late; (late = queue.poll()) != null; ) {
            if (late != WAKE) {
                dropped.increment();
            }
        }
    }

    private void run() {
        List<LoggedRequest> batch = new ArrayList<>(BATCH);
        nextHousekeepingNanos = System.nanoTime() + HOUSEKEEPING_NANOS;
        nextRetentionMillis = clock.millis();
        try {
            while (true) {
                try {
                    long wait = (unforcedEntries > 0 ? unforcedSinceNanos + settings.flushInterval().toNanos() : nextHousekeepingNanos)
                            - System.nanoTime();
                    LoggedRequest first = queue.poll(Math.max(0, wait), TimeUnit.NANOSECONDS);
                    if (first != null) {
                        batch.add(first);
                        queue.drainTo(batch, BATCH - 1);
                        write(batch);
                        batch.clear();
                    }
                    long now = System.nanoTime();
                    boolean due = unforcedEntries >= settings.flushEntries()
                            || unforcedEntries > 0 && now - unforcedSinceNanos >= settings.flushInterval().toNanos();
                    if (due) {
                        forceAll();
                    }
                    if (closed.get() && queue.isEmpty()) {
                        break;
                    }
                    if (now >= nextHousekeepingNanos) {
                        housekeeping();
                        nextHousekeepingNanos = now + HOUSEKEEPING_NANOS;
                    }
                } catch (InterruptedException e) {
                    // Nobody but close() should stop the writer; it does so through the queue, never by interrupting
                    // (an interrupt would close the file channel under a write).
                    Thread.interrupted();
                } catch (RuntimeException e) {
                    LOG.error("request log: unexpected failure of the writer (it goes on)", e);
                    batch.clear();
                }
            }
        } finally {
            sealAll();
            release();
        }
    }

    @Override
    public boolean tap(RequestLogTap tap) {
        this.tap = requireNonNull(tap, "tap is null");
        return true;
    }

    private void write(List<LoggedRequest> batch) {
        long now = clock.millis();
        RequestLogTap tap = this.tap;
        List<LoggedRequest> written = tap == RequestLogTap.NONE ? null : new ArrayList<>(batch.size());
        for (LoggedRequest entry : batch) {
            if (entry == WAKE) {
                continue;
            }
            if (written != null) {
                try {
                    entry = tap.annotate(entry);
                } catch (RuntimeException e) {
                    tapFailed(e);
                }
            }
            ByteSink line;
            try {
                line = format.encode(entry);
            } catch (IOException | RuntimeException e) {
                fail(1, "cannot encode the entry of request " + entry.requestId(), e);
                continue;
            }
            OpenSegment segment;
            try {
                segment = segmentFor(entry.deployment(), line.size(), now);
            } catch (IOException | RuntimeException e) {
                fail(1, "cannot open a segment for deployment " + entry.deployment(), e);
                continue;
            }
            segment.append(line, entry.receivedAtMillis());
            if (written != null) {
                written.add(entry);
            }
            if (segment.pendingBytes() >= WRITE_CHUNK) {
                writeOut(segment);
            }
        }
        for (OpenSegment segment : List.copyOf(open.values())) {
            writeOut(segment);
        }
        if (written != null && !written.isEmpty()) {
            try {
                tap.written(written);
            } catch (RuntimeException e) {
                tapFailed(e);
            }
        }
    }

    private void tapFailed(RuntimeException e) {
        long now = System.nanoTime();
        if (now - lastTapFailure > FAILURE_LOG_NANOS || lastTapFailure == 0) {
            lastTapFailure = now;
            LOG.warn("request log: the monitoring tap failed (entries are still logged): {}", e.toString(), e);
        }
    }

    private OpenSegment segmentFor(String deployment, int lineBytes, long now) throws IOException {
        OpenSegment segment = open.get(deployment);
        if (segment != null && (segment.bytes() + lineBytes > settings.segmentBytes() || expired(segment, now))) {
            seal(segment);
            segment = null;
        }
        if (segment == null) {
            if (deployment.isEmpty()) {
                throw new IllegalArgumentException("the deployment's name is empty");
            }
            Path directory = settings.directory().resolve(SegmentFiles.directoryName(deployment));
            Files.createDirectories(directory);
            long sequence = nextSequence.computeIfAbsent(deployment, d -> SegmentFiles.list(directory, d).stream()
                    .mapToLong(Segment::sequence).max().orElse(-1) + 1);
            segment = OpenSegment.create(directory, deployment, now, sequence);
            nextSequence.put(deployment, sequence + 1);
            open.put(deployment, segment);
        }
        return segment;
    }

    private boolean expired(OpenSegment segment, long now) {
        return now - segment.segment().startMillis() >= settings.segmentAge().toMillis();
    }

    private void writeOut(OpenSegment segment) {
        try {
            int entries = segment.write();
            if (entries > 0) {
                written += entries;
                if (unforcedEntries == 0) {
                    unforcedSinceNanos = System.nanoTime();
                }
                unforcedEntries += entries;
            }
        } catch (IOException e) {
            abandon(segment, segment.pendingEntries(), "cannot write " + segment.segment().path(), e);
        }
    }

    private void forceAll() {
        long before = written;
        for (OpenSegment segment : List.copyOf(open.values())) {
            try {
                segment.force();
            } catch (IOException e) {
                abandon(segment, 0, "cannot force " + segment.segment().path() + " to disk", e);
            }
        }
        flushed = before;
        unforcedEntries = 0;
    }

    private void seal(OpenSegment segment) {
        open.remove(segment.segment().deployment());
        try {
            int pending = segment.pendingEntries();
            segment.seal(clock.millis());
            written += pending;
        } catch (IOException e) {
            abandon(segment, segment.pendingEntries(), "cannot seal " + segment.segment().path(), e);
        }
        retention();
    }

    private void sealAll() {
        forceAll();
        for (OpenSegment segment : List.copyOf(open.values())) {
            seal(segment);
        }
        flushed = written;
    }

    private void housekeeping() {
        long now = clock.millis();
        for (OpenSegment segment : List.copyOf(open.values())) {
            if (expired(segment, now)) {
                seal(segment);
            }
        }
        if (now >= nextRetentionMillis) {
            retention();
        }
    }

    /** Deletes sealed segments closed before the retention; segments are in order, so each deployment's look stops at its first one kept. */
    private void retention() {
        long now = clock.millis();
        nextRetentionMillis = now + RETENTION_CHECK_MILLIS;
        if (settings.retention().isZero()) {
            return;
        }
        long before = now - settings.retention().toMillis();
        List<Path> directories;
        try (Stream<Path> dirs = Files.list(settings.directory())) {
            directories = dirs.filter(Files::isDirectory).toList();
        } catch (IOException e) {
            LOG.warn("request log: cannot list {} for retention: {}", settings.directory(), e.toString());
            return;
        }
        for (Path dir : directories) {
            Optional<String> deployment = SegmentFiles.deploymentOf(dir.getFileName().toString());
            if (deployment.isEmpty()) {
                continue;
            }
            for (Iterator<Segment> it = SegmentFiles.list(dir, deployment.get()).iterator(); it.hasNext(); ) {
                Segment segment = it.next();
                if (!segment.sealed() || closedMillis(segment) >= before) {
                    break;
                }
                try {
                    Files.deleteIfExists(segment.path());
                    Files.deleteIfExists(segment.sealPath());
                } catch (IOException e) {
                    LOG.warn("request log: cannot delete {} past its retention: {}", segment.path(), e.toString());
                    break;
                }
            }
        }
    }

    private static long closedMillis(Segment segment) {
        try {
            return Seal.read(segment.sealPath()).closedMillis();
        } catch (IOException e) {
            // No seal (deleted by hand), or one that cannot be read: the file's own time.
            return lastModified(segment.path());
        }
    }

    private static long lastModified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    private void abandon(OpenSegment segment, int lostEntries, String what, Exception e) {
        open.remove(segment.segment().deployment());
        segment.abandon();
        fail(lostEntries, what + "; it stays open for the next start to recover", e);
    }

    /** Counts the lost entries as dropped and logs the failure, at most once a minute (a full disk fails every write). */
    private void fail(int lostEntries, String what, Exception e) {
        dropped.add(lostEntries);
        unloggedFailures++;
        long now = System.nanoTime();
        if (lastFailureLogNanos == 0 || now - lastFailureLogNanos >= FAILURE_LOG_NANOS) {
            LOG.warn("request log: {} ({} entries dropped; {} failures since the last report): {}", what, lostEntries, unloggedFailures,
                    e.toString());
            lastFailureLogNanos = now;
            unloggedFailures = 0;
        }
    }

    private void release() {
        try {
            lock.release();
        } catch (IOException e) {
            LOG.debug("request log: releasing the lock: {}", e.toString());
        }
        closeQuietly(lockFile);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("request log: closing {}: {}", channel, e.toString());
            }
        }
    }
}
