package dev.steward.bench;

import dev.steward.core.serving.LoggedRequest;
import dev.steward.core.serving.log.SegmentRequestLog;
import dev.steward.spi.serving.Tensor;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * The request log's writer and its callers' cost, in process: (1) what one {@code force} of a
 * small append costs on this disk; (2) the entries per second the writer sustains under each flush
 * policy, with a caller offering as fast as the queue takes them (a refused offer is retried);
 * (3) what {@code offer} costs the calling thread, timed call by call, with one and two callers, the
 * writer running and a queue large enough that nothing is dropped. Entries are a single-row
 * penguins prediction (4 features in, a label and 3 probabilities out) and a 64-row batch of it.
 */
public final class RequestLogBenchmark {
    private static final int ENTRIES = 200_000;
    private static final int BATCH_ENTRIES = 20_000;
    private static final int REPEATS = 3;
    private static final long SEGMENT_BYTES = 64L << 20;

    private RequestLogBenchmark() {}

    public static void main(String[] args) throws Exception {
        System.out.printf("Steward request-log benchmark, %d cores, java %s, load average %.1f%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        Path work = Files.createTempDirectory(Path.of(System.getProperty("bench.dir", "target")).toAbsolutePath(), "request-log-bench-");
        try {
            forceCost(work);
            record Policy(String name, int entries, Duration interval) {}
            List<Policy> policies = List.of(new Policy("force after every batch taken from the queue", 1, Duration.ZERO),
                    new Policy("force every " + SegmentRequestLog.Settings.FLUSH_ENTRIES + " entries or "
                            + SegmentRequestLog.Settings.FLUSH_INTERVAL.toMillis() + " ms (default)", SegmentRequestLog.Settings.FLUSH_ENTRIES,
                            SegmentRequestLog.Settings.FLUSH_INTERVAL),
                    new Policy("never forced but at sealing", Integer.MAX_VALUE, Duration.ofDays(1)));
            for (int rows : new int[] {1, 64}) {
                LoggedRequest sample = entry(0, rows);
                System.out.printf("%n%d-row entries (%d bytes a line): entries/s (MB/s) of %d runs, interleaved; median first%n", rows,
                        lineBytes(sample), REPEATS);
                double[][] rates = new double[policies.size()][REPEATS];
                double[][] megabytes = new double[policies.size()][REPEATS];
                for (int run = 0; run < REPEATS; run++) {
                    for (int p = 0; p < policies.size(); p++) {
                        Policy policy = policies.get(p);
                        double[] measured = writerThroughput(work, policy.entries(), policy.interval(), rows, rows == 1 ? ENTRIES : BATCH_ENTRIES);
                        rates[p][run] = measured[0];
                        megabytes[p][run] = measured[1];
                    }
                }
                for (int p = 0; p < policies.size(); p++) {
                    double[] sorted = rates[p].clone();
                    Arrays.sort(sorted);
                    StringBuilder runs = new StringBuilder();
                    for (int run = 0; run < REPEATS; run++) {
                        runs.append(String.format("%s%,.0f (%.0f)", run == 0 ? "" : ", ", rates[p][run], megabytes[p][run]));
                    }
                    System.out.printf("  %-52s median %,9.0f entries/s; runs %s%n", policies.get(p).name(), sorted[REPEATS / 2], runs);
                }
            }
            System.out.println();
            offerCost(work, 1);
            offerCost(work, 2);
        } finally {
            delete(work);
        }
    }

    private static void forceCost(Path work) throws IOException {
        Path file = work.resolve("force-probe");
        long[] nanos = new long[200];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer block = ByteBuffer.allocate(4096);
            for (int i = 0; i < nanos.length; i++) {
                block.clear();
                channel.write(block);
                long start = System.nanoTime();
                channel.force(false);
                nanos[i] = System.nanoTime() - start;
            }
        }
        Arrays.sort(nanos);
        System.out.printf("force() of a 4 KB append: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms (%d calls)%n", nanos[nanos.length / 2] / 1e6,
                nanos[nanos.length * 9 / 10] / 1e6, nanos[nanos.length * 99 / 100] / 1e6, nanos.length);
    }

    /** Entries per second and megabytes per second. */
    private static double[] writerThroughput(Path work, int flushEntries, Duration flushInterval, int rows, int count) throws Exception {
        Path dir = Files.createTempDirectory(work, "throughput-");
        LoggedRequest[] entries = new LoggedRequest[1024];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = entry(i, rows);
        }
        SegmentRequestLog.Settings settings = new SegmentRequestLog.Settings(dir, SEGMENT_BYTES, Duration.ofHours(1), Duration.ZERO, 65_536,
                flushEntries, flushInterval);
        double[] measured;
        try (SegmentRequestLog log = SegmentRequestLog.open(settings, Clock.systemUTC())) {
            int warmUp = count / 4;
            offerAll(log, entries, warmUp);
            while (log.written() < warmUp) {
                Thread.onSpinWait();
            }
            long start = System.nanoTime();
            offerAll(log, entries, count);
            while (log.written() < warmUp + count) {
                Thread.onSpinWait();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double bytes = directoryBytes(dir) * ((double) count / (warmUp + count));
            measured = new double[] {count / seconds, bytes / seconds / 1e6};
        }
        delete(dir);
        return measured;
    }

    private static void offerAll(SegmentRequestLog log, LoggedRequest[] entries, int count) {
        for (int i = 0; i < count; i++) {
            while (!log.offer(entries[i & (entries.length - 1)])) {
                Thread.onSpinWait();
            }
        }
    }

    /** Each caller times each of its offers; the queue holds them all, so none is dropped and none is retried. */
    private static void offerCost(Path work, int callers) throws Exception {
        Path dir = Files.createTempDirectory(work, "offer-");
        int perCaller = 200_000;
        LoggedRequest entry = entry(0, 1);
        long[][] nanos = new long[callers][perCaller];
        SegmentRequestLog.Settings settings = new SegmentRequestLog.Settings(dir, SEGMENT_BYTES, Duration.ofHours(1), Duration.ZERO,
                callers * perCaller * 2);
        try (SegmentRequestLog log = SegmentRequestLog.open(settings, Clock.systemUTC())) {
            for (int round = 0; round < 2; round++) { // the first round warms up
                CountDownLatch done = new CountDownLatch(callers);
                List<Thread> threads = new ArrayList<>();
                for (int c = 0; c < callers; c++) {
                    long[] mine = nanos[c];
                    threads.add(new Thread(() -> {
                        for (int i = 0; i < mine.length; i++) {
                            long start = System.nanoTime();
                            log.offer(entry);
                            mine[i] = System.nanoTime() - start;
                        }
                        done.countDown();
                    }));
                }
                threads.forEach(Thread::start);
                done.await();
                long target = (long) (round + 1) * callers * perCaller;
                while (log.written() < target) {
                    Thread.sleep(1);
                }
            }
            long[] all = Stream.of(nanos).flatMapToLong(Arrays::stream).sorted().toArray();
            System.out.printf("offer() on the calling thread, %d caller(s), writer running: p50 %d ns, p99 %d ns, p99.9 %d ns, max %.1f us "
                    + "(dropped %d)%n", callers, all[all.length / 2], all[(int) (all.length * 0.99)], all[(int) (all.length * 0.999)],
                    all[all.length - 1] / 1e3, log.dropped());
        }
        delete(dir);
    }

    static LoggedRequest entry(long id, int rows) {
        double[] features = new double[rows * 4];
        long[] labels = new long[rows];
        float[] probabilities = new float[rows * 3];
        for (int r = 0; r < rows; r++) {
            features[r * 4] = 39.1 + (id + r) % 17;
            features[r * 4 + 1] = 18.7;
            features[r * 4 + 2] = 181;
            features[r * 4 + 3] = 3750.5;
            labels[r] = (id + r) % 3;
            probabilities[r * 3] = 0.8f;
            probabilities[r * 3 + 1] = 0.15f;
            probabilities[r * 3 + 2] = 0.05f;
        }
        return new LoggedRequest("0f8c2a9e-" + id, "penguins-api", 3, "penguins", 2, "weighted", "tok_8d1f0c", "oip", 1_767_225_600_000L + id,
                180_000, rows, List.of(Tensor.of("measurements", new long[] {rows, 4}, features)),
                Map.of("label", Tensor.of("label", new long[] {rows}, labels), "probabilities",
                        Tensor.of("probabilities", new long[] {rows, 3}, probabilities)), Optional.empty());
    }

    private static long lineBytes(LoggedRequest entry) throws Exception {
        Path dir = Files.createTempDirectory("request-log-line-");
        try (SegmentRequestLog log = SegmentRequestLog.open(new SegmentRequestLog.Settings(dir, SEGMENT_BYTES, Duration.ofHours(1), Duration.ZERO, 1),
                Clock.systemUTC())) {
            log.offer(entry);
        }
        long bytes;
        try (Stream<Path> files = Files.walk(dir)) {
            bytes = files.filter(f -> f.toString().endsWith(".jsonl")).mapToLong(f -> f.toFile().length()).sum();
        }
        delete(dir);
        return bytes;
    }

    private static long directoryBytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
