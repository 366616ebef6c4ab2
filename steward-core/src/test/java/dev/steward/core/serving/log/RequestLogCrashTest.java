package dev.steward.core.serving.log;

import static dev.steward.core.serving.log.LogEntries.await;
import static dev.steward.core.serving.log.LogEntries.entry;
import static dev.steward.core.serving.log.LogEntries.ids;
import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.core.serving.LoggedRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer in a child JVM killed with SIGKILL in the middle of a load, three times over the same
 * directory: every segment stays readable and verified, what was lost is exactly a tail of what was
 * offered (never a hole), bounded by what sat in the process's memory, and the next writer recovers
 * the open segment and goes on after a clean cut.
 */
class RequestLogCrashTest {
    private static final String DEPLOYMENT = "penguins-api";
    private static final int QUEUE = 1024;
    private static final long SEGMENT_BYTES = 256 * 1024;
    /** What a killed writer can lose: a full queue, the batch being encoded, and the entry being offered. */
    private static final long MAX_LOSS = QUEUE + 1024 + 1;

    @TempDir
    Path dir;

    @Test
    void aWriterKilledMidLoadLosesOnlyItsUnwrittenTailAndTheNextOneRecoversAndGoesOn() throws Exception {
        Path logs = dir.resolve("logs");
        Random random = new Random(13);
        long next = 0;
        Child previous = null;
        for (int kill = 1; kill <= 3; kill++) {
            Child child = Child.start(logs, next, dir.resolve("offered-" + kill), dir.resolve("child-" + kill + ".err"));
            if (previous != null && previous.leftOpen) {
                assertThat(child.recovered()).as("kill %d: the open segment left by the previous kill is recovered", kill)
                        .singleElement().asString().endsWith(" " + previous.tailBytes);
            }
            long target = next + 3_000 + random.nextInt(10_000);
            await(() -> child.written.get() >= target, "the child wrote entry " + target);
            long flushedSeen = child.flushed.get();
            long writtenSeen = child.written.get();
            child.process.destroyForcibly();
            assertThat(child.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(child.process.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
            long offered = next + child.offered();

            List<LoggedRequest> read = new ArrayList<>();
            List<SegmentCheck> checks = new RequestLogReader(logs).read(DEPLOYMENT, read::add);
            SegmentCheck last = checks.get(checks.size() - 1);
            // Killed between sealing a segment and opening the next, the last one is sealed too.
            boolean leftOpen = last.status() == SegmentCheck.Status.OPEN;
            assertThat(leftOpen ? checks.subList(0, checks.size() - 1) : checks).as("kill %d: every segment but the open one is sealed and intact", kill)
                    .allMatch(c -> c.status() == SegmentCheck.Status.SEALED && c.intact());
            assertThat(last.intact()).as("kill %d: the open segment has no bad line before its tail", kill).isTrue();
            assertThat(ids(read)).as("kill %d: what was read is every entry offered, in order, up to a point", kill)
                    .isEqualTo(LongStream.range(0, read.size()).boxed().toList());
            long found = read.size();
            assertThat(found).as("kill %d: every entry the child saw written (and flushed) is there", kill)
                    .isGreaterThanOrEqualTo(writtenSeen).isGreaterThanOrEqualTo(flushedSeen);
            assertThat(offered - found).as("kill %d: the loss is bounded by what was in the process's memory", kill)
                    .isBetween(0L, MAX_LOSS);
            System.out.printf("kill %d: offered %d, found %d in %d segments, lost %d (last seen written %d, flushed %d); "
                            + "torn tail of the open segment: %d lines, %d bytes%n", kill, offered, found, checks.size(), offered - found,
                    writtenSeen, flushedSeen, last.tailLines(), last.tailBytes());
            child.leftOpen = leftOpen;
            child.tailBytes = last.tailBytes();
            next = found;
            previous = child;
        }

        long end;
        Child lastKilled = previous;
        try (SegmentRequestLog log = SegmentRequestLog.open(new SegmentRequestLog.Settings(logs, SEGMENT_BYTES, Duration.ofHours(1), Duration.ZERO,
                QUEUE), Clock.systemUTC())) {
            assertThat(log.recovered()).hasSize(lastKilled.leftOpen ? 1 : 0)
                    .allSatisfy(r -> assertThat(r.cutBytes()).isEqualTo(lastKilled.tailBytes));
            end = next + 100;
            for (long i = next; i < end; i++) {
                assertThat(log.offer(entry(DEPLOYMENT, i))).isTrue();
            }
        }
        List<LoggedRequest> read = new ArrayList<>();
        List<SegmentCheck> checks = new RequestLogReader(logs).read(DEPLOYMENT, read::add);
        assertThat(checks).as("after a clean stop every segment is sealed and verifies")
                .allMatch(c -> c.status() == SegmentCheck.Status.SEALED && c.intact());
        assertThat(ids(read)).isEqualTo(LongStream.range(0, end).boxed().toList());
    }

    /** A writer under load in a JVM of its own, reporting on its standard output. */
    private static final class Child {
        final Process process;
        final AtomicLong written = new AtomicLong();
        final AtomicLong flushed = new AtomicLong();
        final List<String> recoveries = new CopyOnWriteArrayList<>();
        final Path counter;
        boolean leftOpen;
        long tailBytes;
        private volatile boolean ready;

        private Child(Process process, Path counter) {
            this.process = process;
            this.counter = counter;
        }

        static Child start(Path logs, long first, Path counter, Path errors) throws Exception {
            Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp",
                    System.getProperty("java.class.path"), Load.class.getName(), logs.toString(), Long.toString(first), counter.toString())
                    .redirectError(errors.toFile()).start();
            Child child = new Child(process, counter);
            Thread reader = new Thread(child::readOutput, "crash-test-child-output");
            reader.setDaemon(true);
            reader.start();
            try {
                await(() -> child.ready || !process.isAlive(), "the child started writing");
                assertThat(process.isAlive()).as("the child runs (see " + errors + ")").isTrue();
            } catch (AssertionError | RuntimeException e) {
                process.destroyForcibly();
                throw e;
            }
            return child;
        }

        List<String> recovered() {
            return recoveries;
        }

        /** Entries the child had offered when it was killed (at most one more than it got into the queue). */
        long offered() throws IOException {
            return ByteBuffer.wrap(Files.readAllBytes(counter)).getLong();
        }

        private void readOutput() {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    String[] words = line.split(" ");
                    switch (words[0]) {
                        case "recovered" -> recoveries.add(line);
                        case "ready" -> ready = true;
                        case "progress" -> {
                            written.set(Long.parseLong(words[1]));
                            flushed.set(Long.parseLong(words[2]));
                        }
                        default -> { }
                    }
                }
            } catch (IOException e) {
                // The child was killed.
            }
        }
    }

    /**
     * The child: offers entries as fast as the queue takes them (ids without a gap: a refused offer is
     * tried again), counting each offer in a memory-mapped file before making it (the count survives
     * SIGKILL in the page cache), and prints its counters every few milliseconds.
     */
    static final class Load {
        public static void main(String[] args) throws Exception {
            Path logs = Path.of(args[0]);
            long first = Long.parseLong(args[1]);
            SegmentRequestLog log = SegmentRequestLog.open(new SegmentRequestLog.Settings(logs, SEGMENT_BYTES, Duration.ofHours(1), Duration.ZERO,
                    QUEUE), Clock.systemUTC());
            for (Recovery r : log.recovered()) {
                System.out.println("recovered " + r.entries() + " " + r.cutLines() + " " + r.cutBytes());
            }
            MappedByteBuffer offered;
            try (FileChannel channel = FileChannel.open(Path.of(args[2]), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                offered = channel.map(FileChannel.MapMode.READ_WRITE, 0, Long.BYTES);
            }
            Thread progress = new Thread(() -> {
                while (true) {
                    // Flushed first: it never passes written, so the pair read is consistent.
                    long flushed = log.flushed();
                    System.out.println("progress " + (first + log.written()) + " " + (first + flushed));
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            progress.setDaemon(true);
            System.out.println("ready");
            progress.start();
            for (long id = first; ; ) {
                LoggedRequest e = entry(DEPLOYMENT, id);
                offered.putLong(0, id - first + 1);
                while (!log.offer(e)) {
                    Thread.onSpinWait();
                }
                id++;
            }
        }
    }
}
