package dev.steward.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import dev.steward.spi.artifact.ArtifactRef;
import dev.steward.spi.artifact.ArtifactStore;
import dev.steward.testing.ArtifactStoreContract;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalArtifactStoreTest extends ArtifactStoreContract {
    @TempDir
    Path root;

    @Override
    protected ArtifactStore newStore() {
        return LocalArtifactStore.open(root);
    }

    @Test
    void laysBlobsOutBySha256PrefixAsReadOnlyFiles() throws IOException {
        ArtifactRef ref = store.put(new ByteArrayInputStream("x".getBytes(StandardCharsets.UTF_8)), 10);
        Path blob = root.resolve("sha256").resolve(ref.sha256().substring(0, 2)).resolve(ref.sha256());
        assertThat(blob).exists().hasContent("x");
        // Checked on the permission bits: a root user may write to any file.
        assertThat(Files.getPosixFilePermissions(blob)).doesNotContain(PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
        assertThat(tempFiles()).isEmpty();
    }

    @Test
    void aCorruptBlobIsReportedAndNotServed() throws IOException {
        ArtifactRef ref = store.put(new ByteArrayInputStream("model weights".getBytes(StandardCharsets.UTF_8)), 100);
        Path blob = ((LocalArtifactStore) store).pathOf(ref.sha256());
        blob.toFile().setWritable(true);
        Files.writeString(blob, "model weighs");

        assertThatThrownBy(() -> store.open(ref.sha256()))
                .isInstanceOfSatisfying(StewardException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.DATA_CORRUPTED);
                    assertThat(e.getMessage()).contains(ref.sha256()).contains("corrupt");
                });
    }

    @Test
    void aRejectedOrFailedPutLeavesNoTemporaryFile() {
        assertThatThrownBy(() -> store.put(new ByteArrayInputStream(new byte[50]), 10)).isInstanceOf(StewardException.class);
        InputStream failing = new InputStream() {
            private int served;

            @Override
            public int read() throws IOException {
                if (served++ > 1000) {
                    throw new IOException("client went away");
                }
                return 1;
            }
        };
        assertThatThrownBy(() -> store.put(failing, 1_000_000)).isInstanceOf(StewardException.class);
        assertThat(tempFiles()).isEmpty();
    }

    @Test
    void sweepsStaleTemporaryFilesLeftByACrashOnOpen() throws IOException {
        Path stale = root.resolve("tmp").resolve("crashed.part");
        Path fresh = root.resolve("tmp").resolve("in-flight.part");
        Files.writeString(stale, "half");
        Files.writeString(fresh, "half");
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minusSeconds(3 * 24 * 3600)));

        LocalArtifactStore.open(root).close();

        assertThat(stale).doesNotExist();
        assertThat(fresh).exists();
    }

    @Test
    void opensByFileUrlOrPathAndRejectsUnsupportedSchemes() {
        ArtifactStores.open(root.toUri().toString()).check();
        ArtifactStores.open(root.resolve("plain").toString()).check();
        assertThatThrownBy(() -> ArtifactStores.open("s3://bucket/prefix"))
                .isInstanceOfSatisfying(StewardException.class, e -> {
                    assertThat(e.field()).contains("artifacts.url");
                    assertThat(e.getMessage()).contains("s3");
                });
    }

    private Stream<Path> tempFiles() {
        try {
            return Files.list(root.resolve("tmp")).toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
