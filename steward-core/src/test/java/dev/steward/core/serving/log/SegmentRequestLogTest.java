package dev.steward.core.serving.log;

import static dev.steward.core.serving.log.LogEntries.await;
import static dev.steward.core.serving.log.LogEntries.entry;
import static dev.steward.core.serving.log.LogEntries.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.core.serving.LoggedRequest;
import dev.steward.spi.StewardException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer: order, sealing, rotation by size and age, retention, a full queue, failures that drop entries instead of failing callers. */
class SegmentRequestLogTest {
    private static final Duration HOUR = Duration.ofHours(1);

    @TempDir
    Path dir;

    private SegmentRequestLog.Settings settings(long segmentBytes, Duration age, Duration retention, int queue) {
        return new SegmentRequestLog.Settings(dir, segmentBytes, age, retention, queue);
    }

    @Test
    void entriesOfEachDeploymentAreReadBackInOrderFromSegmentsSealedOnClose() throws Exception {
        List<LoggedRequest> offered = new ArrayList<>();
        try (SegmentRequestLog log = SegmentRequestLog.open(settings(1 << 20, HOUR, Duration.ZERO, 1000), Clock.systemUTC())) {
            for (int i = 0; i < 100; i++) {
                LoggedRequest e = entry(i % 2 == 0 ? "penguins-api" : "fraud/v2", i);
                offered.add(e);
                assertThat(log.offer(e)).isTrue();
            }
        }
        RequestLogReader reader = new RequestLogReader(dir);
        assertThat(reader.deployments()).containsExactly("fraud/v2", "penguins-api");
        for (String deployment : reader.deployments()) {
            List<LoggedRequest> read = new ArrayList<>();
            List<SegmentCheck> checks = reader.read(deployment, read::add);
            assertThat(read).isEqualTo(offered.stream().filter(e -> e.deployment().equals(deployment)).toList());
            assertThat(checks).singleElement().satisfies(check -> {
                assertThat(check.status()).isEqualTo(SegmentCheck.Status.SEALED);
                assertThat(check.intact()).isTrue();
                assertThat(check.problems()).isEmpty();
                assertThat(check.seal().orElseThrow().entries()).isEqualTo(50);
                assertThat(check.seal().orElseThrow().recovered()).isFalse();
            });
        }
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.map(Path::toString)).noneMatch(f -> f.endsWith(".open") || f.endsWith(".tmp"));
        }
    }

    @Test
    void aSegmentIsSealedBeforeALineWouldTakeItPastItsSizeAndCountersFollow() throws Exception {
        int entries = 60;
        SegmentRequestLog log = SegmentRequestLog.open(settings(4000, HOUR, Duration.ZERO, 1000), Clock.systemUTC());
        for (int i = 0; i < entries; i++) {
            log.offer(entry("penguins-api", i));
        }
        log.close();
        assertThat(log.written()).isEqualTo(entries);
        assertThat(log.flushed()).isEqualTo(entries);
        assertThat(log.dropped()).isZero();

        RequestLogReader reader = new RequestLogReader(dir);
        List<LoggedRequest> read = new ArrayList<>();
        List<SegmentCheck> checks = reader.read("penguins-api", read::add);
        assertThat(ids(read)).isEqualTo(LongStream.range(0, entries).boxed().toList());
        assertThat(checks).hasSizeGreaterThan(5).allSatisfy(check -> {
            assertThat(check.intact()).isTrue();
            assertThat(check.seal().orElseThrow().bytes()).isLessThanOrEqualTo(4000);
        });
        assertThat(checks).extracting(c -> c.segment().sequence()).isSorted();
    }

    @Test
    void aSegmentIsSealedOnceItIsOlderThanItsAgeOnTheLogsClockEvenWhenIdle() throws Exception {
        LogEntries.TestClock clock = new LogEntries.TestClock();
        RequestLogReader reader = new RequestLogReader(dir);
        try (SegmentRequestLog log = SegmentRequestLog.open(settings(1 << 20, Duration.ofMinutes(10), Duration.ZERO, 1000), clock)) {
            log.offer(entry("penguins-api", 0));
            await(() -> log.written() == 1, "the first entry is written");
            clock.advance(Duration.ofMinutes(10));
            log.offer(entry("penguins-api", 1));
            await(() -> log.written() == 2, "the second entry is written");
            assertThat(reader.segments("penguins-api")).extracting(Segment::sealed).containsExactly(true, false);

            clock.advance(Duration.ofMinutes(10));
            await(() -> reader.segments("penguins-api").stream().allMatch(Segment::sealed), "the idle segment is sealed");
        }
        List<LoggedRequest> read = new ArrayList<>();
        assertThat(reader.read("penguins-api", read::add)).hasSize(2).allMatch(SegmentCheck::intact);
        assertThat(ids(read)).containsExactly(0L, 1L);
    }

    @Test
    void retentionDeletesSealedSegmentsClosedLongerAgoAndTheirSeals() throws Exception {
        LogEntries.TestClock clock = new LogEntries.TestClock();
        RequestLogReader reader = new RequestLogReader(dir);
        try (SegmentRequestLog log = SegmentRequestLog.open(settings(1 << 20, Duration.ofMinutes(1), HOUR, 1000), clock)) {
            log.offer(entry("penguins-api", 0));
            await(() -> log.written() == 1, "the first entry is written");
            clock.advance(Duration.ofMinutes(1));
            log.offer(entry("penguins-api", 1));
            await(() -> reader.segments("penguins-api").size() == 2, "the first segment is sealed");
            Path first = reader.segments("penguins-api").get(0).path();
            Path firstSeal = reader.segments("penguins-api").get(0).sealPath();
            assertThat(firstSeal).exists();

            clock.advance(Duration.ofMinutes(61));
            log.offer(entry("penguins-api", 2));
            await(() -> !Files.exists(first) && !Files.exists(firstSeal), "the first segment, closed 61 minutes ago, is deleted with its seal");
        }
        List<LoggedRequest> read = new ArrayList<>();
        reader.read("penguins-api", read::add);
        assertThat(ids(read)).as("the second segment was closed less than an hour ago").containsExactly(1L, 2L);
    }

    @Test
    void aFullQueueDropsAndCountsEntriesWithoutEverWaiting() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        SegmentRequestLog log = SegmentRequestLog.open(settings(1 << 20, HOUR, Duration.ZERO, 4), Clock.systemUTC(), task -> new Thread(() -> {
            try {
                go.await();
            } catch (InterruptedException e) {
                return;
            }
            task.run();
        }));
        List<Boolean> taken = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            taken.add(log.offer(entry("penguins-api", i)));
        }
        assertThat(taken).containsExactly(true, true, true, true, false, false, false, false, false, false);
        assertThat(log.queued()).isEqualTo(4);
        assertThat(log.dropped()).isEqualTo(6);
        assertThat(log.offer(null)).isFalse();

        go.countDown();
        log.close();
        assertThat(log.offer(entry("penguins-api", 99))).as("closed").isFalse();
        assertThat(log.dropped()).isEqualTo(8);
        assertThat(log.queued()).isZero();
        List<LoggedRequest> read = new ArrayList<>();
        new RequestLogReader(dir).read("penguins-api", read::add);
        assertThat(ids(read)).containsExactly(0L, 1L, 2L, 3L);
    }

    @Test
    void entriesThatCannotBeWrittenAreDroppedAndCountedWhileOtherDeploymentsGoOn() throws Exception {
        Files.writeString(dir.resolve("blocked"), "a file where the deployment's directory would be");
        try (SegmentRequestLog log = SegmentRequestLog.open(settings(1 << 20, HOUR, Duration.ZERO, 1000), Clock.systemUTC())) {
            for (int i = 0; i < 10; i++) {
                assertThat(log.offer(entry("blocked", i))).isTrue();
                assertThat(log.offer(entry("penguins-api", i))).isTrue();
            }
            await(() -> log.dropped() == 10 && log.written() == 10, "the blocked deployment's entries are dropped, the others written");
        }
        RequestLogReader reader = new RequestLogReader(dir);
        assertThat(reader.deployments()).containsExactly("penguins-api");
        List<LoggedRequest> read = new ArrayList<>();
        assertThat(reader.read("penguins-api", read::add)).allMatch(SegmentCheck::intact);
        assertThat(read).hasSize(10);
    }

    @Test
    void aSecondWriterOnTheSameDirectoryIsRefusedUntilTheFirstCloses() {
        try (SegmentRequestLog first = SegmentRequestLog.open(settings(1 << 20, HOUR, Duration.ZERO, 10), Clock.systemUTC())) {
            assertThatThrownBy(() -> SegmentRequestLog.open(settings(1 << 20, HOUR, Duration.ZERO, 10), Clock.systemUTC()))
                    .isInstanceOf(StewardException.class).hasMessageContaining("another request-log writer is writing to " + dir);
        }
        SegmentRequestLog.open(settings(1 << 20, HOUR, Duration.ZERO, 10), Clock.systemUTC()).close();
    }
}
