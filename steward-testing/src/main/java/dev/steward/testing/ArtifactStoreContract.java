package dev.steward.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.core.util.Digests;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import dev.steward.spi.artifact.ArtifactRef;
import dev.steward.spi.artifact.ArtifactStore;
import dev.steward.spi.artifact.StoredBlob;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link ArtifactStore} must have; implementations provide a fresh, empty store. */
public abstract class ArtifactStoreContract {
    protected ArtifactStore store;

    protected abstract ArtifactStore newStore();

    @BeforeEach
    void openStore() {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void storesContentUnderItsSha256AndReadsItBack() throws IOException {
        byte[] content = "hello, steward\n".getBytes(StandardCharsets.UTF_8);
        ArtifactRef ref = store.put(new ByteArrayInputStream(content), 1024);

        assertThat(ref.sha256()).isEqualTo(Digests.sha256Hex(content));
        assertThat(ref.size()).isEqualTo(content.length);
        assertThat(store.stat(ref.sha256())).contains(ref);
        try (InputStream in = store.open(ref.sha256())) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        store.check();
    }

    @Test
    void storesEmptyContent() throws IOException {
        ArtifactRef ref = store.put(InputStream.nullInputStream(), 10);
        assertThat(ref.size()).isZero();
        assertThat(ref.sha256()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        try (InputStream in = store.open(ref.sha256())) {
            assertThat(in.readAllBytes()).isEmpty();
        }
    }

    @Test
    void puttingTheSameContentTwiceIsIdempotent() {
        byte[] content = "same".getBytes(StandardCharsets.UTF_8);
        ArtifactRef first = store.put(new ByteArrayInputStream(content), 100);
        ArtifactRef second = store.put(new ByteArrayInputStream(content), 100);
        assertThat(second).isEqualTo(first);
    }

    @Test
    void concurrentPutsOfTheSameContentAgree() throws Exception {
        byte[] content = new byte[300_000];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31);
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<ArtifactRef>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                futures.add(pool.submit(() -> store.put(new ByteArrayInputStream(content), content.length)));
            }
            for (Future<ArtifactRef> future : futures) {
                assertThat(future.get().sha256()).isEqualTo(Digests.sha256Hex(content));
            }
        } finally {
            pool.shutdownNow();
        }
        try (InputStream in = store.open(Digests.sha256Hex(content))) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
    }

    @Test
    void streamsContentLargerThanAnyBuffer() throws Exception {
        long size = 24L * 1024 * 1024 + 7;
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        ArtifactRef ref = store.put(new PatternStream(size, expected), size);
        assertThat(ref.size()).isEqualTo(size);
        assertThat(ref.sha256()).isEqualTo(Digests.hex(expected.digest()));
        MessageDigest read = MessageDigest.getInstance("SHA-256");
        long total = 0;
        try (InputStream in = store.open(ref.sha256())) {
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) != -1) {
                read.update(buffer, 0, n);
                total += n;
            }
        }
        assertThat(total).isEqualTo(size);
        assertThat(Digests.hex(read.digest())).isEqualTo(ref.sha256());
    }

    @Test
    void contentOverTheLimitIsRejectedAndNotStored() {
        byte[] content = new byte[101];
        assertThatThrownBy(() -> store.put(new ByteArrayInputStream(content), 100))
                .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REQUEST_TOO_LARGE));
        assertThat(store.stat(Digests.sha256Hex(content))).isEmpty();
    }

    @Test
    void missingContentIsNotFound() {
        String absent = "0".repeat(64);
        assertThat(store.stat(absent)).isEmpty();
        assertThatThrownBy(() -> store.open(absent))
                .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST));
    }

    @Test
    void malformedDigestsAreRejectedBeforeTouchingStorage() {
        for (String bad : List.of("../../etc/passwd", "ABC", "g".repeat(64), "A".repeat(64))) {
            assertThatThrownBy(() -> store.open(bad))
                    .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE));
        }
    }

    @Test
    void listsEveryBlobWithWhenItWasLastStored() {
        Instant before = Instant.now().minusSeconds(2);
        ArtifactRef a = store.put(new ByteArrayInputStream("a".getBytes(StandardCharsets.UTF_8)), 10);
        ArtifactRef b = store.put(new ByteArrayInputStream("b".getBytes(StandardCharsets.UTF_8)), 10);

        List<StoredBlob> blobs;
        try (Stream<StoredBlob> listed = store.list()) {
            blobs = listed.toList();
        }

        assertThat(blobs).extracting(StoredBlob::ref).containsExactlyInAnyOrder(a, b);
        assertThat(blobs).allSatisfy(blob -> assertThat(blob.lastWritten()).isAfter(before));
    }

    @Test
    void aDeleteSparesABlobStoredAgainSinceItsCutoff() throws IOException {
        byte[] content = "kept".getBytes(StandardCharsets.UTF_8);
        ArtifactRef ref = store.put(new ByteArrayInputStream(content), 10);
        Instant cutoff = Instant.now().plusSeconds(3600);
        assertThat(store.delete(ref.sha256(), Instant.now().minusSeconds(3600))).as("stored after that cutoff").isFalse();
        assertThat(store.stat(ref.sha256())).contains(ref);

        assertThat(store.delete(ref.sha256(), cutoff)).isTrue();
        assertThat(store.stat(ref.sha256())).isEmpty();
        assertThat(store.delete(ref.sha256(), cutoff)).as("already gone").isFalse();
        ArtifactRef again = store.put(new ByteArrayInputStream(content), 10);
        try (InputStream in = store.open(again.sha256())) {
            assertThat(in.readAllBytes()).as("stored anew after the delete").isEqualTo(content);
        }
    }

    @Test
    void storingExistingContentAgainRenewsItsLastWrittenTime() {
        byte[] content = "renewed".getBytes(StandardCharsets.UTF_8);
        ArtifactRef ref = store.put(new ByteArrayInputStream(content), 10);
        Instant first = lastWritten(ref);
        Instant cutoff = first.plusMillis(10);
        while (!Instant.now().isAfter(cutoff)) {
            Thread.onSpinWait();
        }

        store.put(new ByteArrayInputStream(content), 10);

        assertThat(lastWritten(ref)).isAfter(cutoff);
        assertThat(store.delete(ref.sha256(), cutoff)).as("renewed after the cutoff").isFalse();
    }

    private Instant lastWritten(ArtifactRef ref) {
        try (Stream<StoredBlob> listed = store.list()) {
            return listed.filter(b -> b.ref().equals(ref)).findFirst().orElseThrow().lastWritten();
        }
    }

    /** A deterministic stream of {@code size} bytes that feeds what it emits into a digest. */
    private static final class PatternStream extends InputStream {
        private final long size;
        private final MessageDigest digest;
        private long position;

        PatternStream(long size, MessageDigest digest) {
            this.size = size;
            this.digest = digest;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - position);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) ((position + i) * 7 + ((position + i) >> 11));
            }
            digest.update(b, off, n);
            position += n;
            return n;
        }
    }
}
