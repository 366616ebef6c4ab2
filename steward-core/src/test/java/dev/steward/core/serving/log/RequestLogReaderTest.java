package dev.steward.core.serving.log;

import static dev.steward.core.serving.log.LogEntries.entry;
import static dev.steward.core.serving.log.LogEntries.ids;
import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.core.serving.LoggedRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damage is found and reported, never thrown: torn tails, changed lines, missing seals; and a writer's start recovers open segments. */
class RequestLogReaderTest {
    private static final String DEPLOYMENT = "penguins-api";

    @TempDir
    Path dir;

    private final RequestLogReader reader = new RequestLogReader(Path.of("unused"));

    private SegmentRequestLog open() {
        return SegmentRequestLog.open(new SegmentRequestLog.Settings(dir, 1 << 20, Duration.ofHours(1), Duration.ZERO, 1000), Clock.systemUTC());
    }

    /** Writes entries {@code from} (inclusive) to {@code to} in one sealed segment and returns it. */
    private Segment sealedSegment(long from, long to) {
        try (SegmentRequestLog log = open()) {
            for (long i = from; i < to; i++) {
                log.offer(entry(DEPLOYMENT, i));
            }
        }
        List<Segment> segments = new RequestLogReader(dir).segments(DEPLOYMENT);
        return segments.get(segments.size() - 1);
    }

    /** Turns a sealed segment back into one a killed writer left: no seal, {@code .open}, a torn line appended. */
    private static Segment leftOpenWithTornLine(Segment sealed, byte[] torn) throws Exception {
        Files.delete(sealed.sealPath());
        Path open = SegmentFiles.segmentPath(sealed.path().getParent(), sealed.startMillis(), sealed.sequence(), false);
        Files.move(sealed.path(), open);
        Files.write(open, torn, StandardOpenOption.APPEND);
        return new Segment(DEPLOYMENT, open, sealed.startMillis(), sealed.sequence(), false);
    }

    private static byte[] halfALine(long id) throws Exception {
        ByteSink line = new EntryFormat().encode(entry(DEPLOYMENT, id));
        return Arrays.copyOf(line.array(), line.size() / 2);
    }

    @Test
    void aTornTailOfAnOpenSegmentIsReportedAndSkippedAndTheNextWriterCutsAndSealsIt() throws Exception {
        Segment sealed = sealedSegment(0, 10);
        long sealedBytes = Files.size(sealed.path());
        byte[] torn = halfALine(10);
        Segment open = leftOpenWithTornLine(sealed, torn);

        RequestLogReader logs = new RequestLogReader(dir);
        List<LoggedRequest> read = new ArrayList<>();
        SegmentCheck check = logs.read(open, read::add);
        assertThat(ids(read)).isEqualTo(LongStream.range(0, 10).boxed().toList());
        assertThat(check.status()).isEqualTo(SegmentCheck.Status.OPEN);
        assertThat(check.intact()).as("an open segment may end in a torn line").isTrue();
        assertThat(check.tailLines()).isEqualTo(1);
        assertThat(check.tailBytes()).isEqualTo(torn.length);
        assertThat(check.problems()).singleElement().asString()
                .contains("ends in 1 line(s), " + torn.length + " bytes, after its last whole entry (torn by a crash, or being written)");

        try (SegmentRequestLog log = open()) {
            assertThat(log.recovered()).singleElement().satisfies(r -> {
                assertThat(r.entries()).isEqualTo(10);
                assertThat(r.cutLines()).isEqualTo(1);
                assertThat(r.cutBytes()).isEqualTo(torn.length);
                assertThat(r.segment()).isEqualTo(sealed.path());
            });
            log.offer(entry(DEPLOYMENT, 10));
        }
        assertThat(Files.size(sealed.path())).as("cut back to its last whole line").isEqualTo(sealedBytes);
        read.clear();
        List<SegmentCheck> checks = logs.read(DEPLOYMENT, read::add);
        assertThat(ids(read)).isEqualTo(LongStream.range(0, 11).boxed().toList());
        assertThat(checks).hasSize(2).allMatch(SegmentCheck::intact).allMatch(c -> c.status() == SegmentCheck.Status.SEALED);
        Seal recoveredSeal = checks.get(0).seal().orElseThrow();
        assertThat(recoveredSeal.recovered()).isTrue();
        assertThat(recoveredSeal.cutBytes()).isEqualTo(torn.length);
        assertThat(recoveredSeal.minReceivedMillis()).isEqualTo(entry(DEPLOYMENT, 0).receivedAtMillis());
        assertThat(recoveredSeal.maxReceivedMillis()).isEqualTo(entry(DEPLOYMENT, 9).receivedAtMillis());
    }

    @Test
    void anOpenSegmentWithNoWholeEntryIsDeletedByRecoveryAndLeftoversOfASealAreRemoved() throws Exception {
        Path deployment = dir.resolve(DEPLOYMENT);
        Files.createDirectories(deployment);
        byte[] torn = halfALine(0);
        Path open = SegmentFiles.segmentPath(deployment, 1000, 0, false);
        Files.write(open, torn);
        Path tmp = deployment.resolve("0000000001000-000000.seal.tmp");
        Files.writeString(tmp, "{");
        Path orphan = SegmentFiles.sealPath(deployment, 999, 7);
        Files.writeString(orphan, "{}");

        try (SegmentRequestLog log = open()) {
            assertThat(log.recovered()).singleElement().satisfies(r -> {
                assertThat(r.deleted()).isTrue();
                assertThat(r.cutBytes()).isEqualTo(torn.length);
            });
        }
        assertThat(open).doesNotExist();
        assertThat(tmp).doesNotExist();
        assertThat(orphan).doesNotExist();
    }

    @Test
    void aChangedLineInASealedSegmentIsCountedAndSkippedTheOthersAreReadAndTheSealNoLongerMatches() throws Exception {
        Segment sealed = sealedSegment(0, 10);
        byte[] bytes = Files.readAllBytes(sealed.path());
        String text = new String(bytes, StandardCharsets.UTF_8);
        int third = text.indexOf('\n', text.indexOf('\n') + 1) + 1;
        bytes[text.indexOf("tok_2", third) + 4] = '3';
        Files.write(sealed.path(), bytes);

        List<LoggedRequest> read = new ArrayList<>();
        SegmentCheck check = new RequestLogReader(dir).read(sealed, read::add);

        assertThat(ids(read)).containsExactly(0L, 1L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(check.status()).isEqualTo(SegmentCheck.Status.DAMAGED);
        assertThat(check.intact()).isFalse();
        assertThat(check.corruptLines()).isEqualTo(1);
        assertThat(check.problems()).hasSize(2);
        assertThat(check.problems().get(0)).contains("1 line(s) of penguins-api/" + sealed.path().getFileName() + " fail their checksum (lines [3])");
        assertThat(check.problems().get(1)).contains("is not what its seal names");
    }

    @Test
    void aRemovedLineIsFoundByTheSealAndAMissingSealOrSegmentIsReported() throws Exception {
        Segment sealed = sealedSegment(0, 3);
        String text = Files.readString(sealed.path());
        Files.writeString(sealed.path(), text.substring(text.indexOf('\n') + 1));

        SegmentCheck check = new RequestLogReader(dir).verify(sealed);
        assertThat(check.entries()).isEqualTo(2);
        assertThat(check.corruptLines()).isZero();
        assertThat(check.status()).isEqualTo(SegmentCheck.Status.DAMAGED);
        assertThat(check.problems()).singleElement().asString().contains("is not what its seal names").contains("(3 entries)");

        Files.delete(sealed.sealPath());
        assertThat(new RequestLogReader(dir).verify(sealed).problems()).singleElement().asString().endsWith("has no seal");

        Files.delete(sealed.path());
        SegmentCheck gone = new RequestLogReader(dir).verify(sealed);
        assertThat(gone.status()).isEqualTo(SegmentCheck.Status.MISSING);
    }

    @Test
    void aSegmentSealedBetweenListingAndReadingIsReadUnderItsSealedName() throws Exception {
        Segment sealed = sealedSegment(0, 3);
        Segment asListed = new Segment(DEPLOYMENT, SegmentFiles.segmentPath(sealed.path().getParent(), sealed.startMillis(), sealed.sequence(), false),
                sealed.startMillis(), sealed.sequence(), false);

        SegmentCheck check = new RequestLogReader(dir).verify(asListed);

        assertThat(check.status()).isEqualTo(SegmentCheck.Status.SEALED);
        assertThat(check.entries()).isEqualTo(3);
    }

    @Test
    void aDirectoryWithoutALogHasNoDeploymentsAndNoSegments() {
        assertThat(reader.deployments()).isEmpty();
        assertThat(reader.segments(DEPLOYMENT)).isEmpty();
    }
}
