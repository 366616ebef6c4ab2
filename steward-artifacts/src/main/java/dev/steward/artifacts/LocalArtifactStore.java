package dev.steward.artifacts;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import dev.steward.spi.artifact.ArtifactRef;
import dev.steward.spi.artifact.ArtifactStore;
import dev.steward.spi.artifact.StoredBlob;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blobs in a local directory, each at {@code sha256/<first two hex>/<digest>}.
 *
 * <p>A put streams into {@code tmp/} while hashing, forces the bytes to disk, then renames the file
 * atomically to its address and forces the directory, so a blob is either absent or complete even
 * when the process is killed. Temporary files left by a crash are swept when the store opens.
 * Stored files are made read-only; reads re-hash the file before handing out a stream. A file's
 * modification time is when it was last stored (a put of content already there renews it); a
 * lock per digest makes that renewal and a garbage collector's delete exclusive, within this JVM
 * (garbage collection runs in the server that owns the home).
 */
public final class LocalArtifactStore implements ArtifactStore {
    private static final Logger LOG = LoggerFactory.getLogger(LocalArtifactStore.class);
    private static final HexFormat HEX = HexFormat.of();
    private static final int BUFFER = 64 * 1024;
    private static final Duration STALE_TEMP = Duration.ofHours(24);
    private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");

    private static final int LOCK_STRIPES = 64;

    private final Path root;
    private final Path blobs;
    private final Path tmp;
    private final Object[] locks = new Object[LOCK_STRIPES];

    private LocalArtifactStore(Path root) {
        this.root = root;
        this.blobs = root.resolve("sha256");
        this.tmp = root.resolve("tmp");
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    private Object lockOf(String digest) {
        return locks[Integer.parseInt(digest.substring(0, 2), 16) % LOCK_STRIPES];
    }

    /** Opens (creating when needed) the store rooted at {@code root}. */
    public static LocalArtifactStore open(Path root) {
        requireNonNull(root, "root is null");
        LocalArtifactStore store = new LocalArtifactStore(root.toAbsolutePath().normalize());
        try {
            Files.createDirectories(store.blobs);
            Files.createDirectories(store.tmp);
        } catch (IOException e) {
            throw StewardException.invalid("artifacts.url", "cannot create the artifact directory " + root + ": " + e.getMessage());
        }
        store.sweepTemporaryFiles(Instant.now().minus(STALE_TEMP));
        return store;
    }

    @Override
    public ArtifactRef put(InputStream content, long maxBytes) {
        requireNonNull(content, "content is null");
        Path temp = tmp.resolve(UUID.randomUUID() + ".part");
        try {
            MessageDigest sha = sha256();
            long size = 0;
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    OutputStream out = Channels.newOutputStream(channel)) {
                byte[] buffer = new byte[BUFFER];
                int n;
                while ((n = content.read(buffer)) != -1) {
                    size += n;
                    if (size > maxBytes) {
                        throw StewardException.of(ErrorCode.REQUEST_TOO_LARGE,
                                "the artifact is larger than the limit of " + maxBytes + " bytes; raise server.max-artifact-bytes to accept it");
                    }
                    sha.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                }
                out.flush();
                channel.force(true);
            }
            String digest = HEX.formatHex(sha.digest());
            Path target = pathOf(digest);
            synchronized (lockOf(digest)) {
                if (Files.exists(target) && Files.size(target) == size) {
                    Files.setLastModifiedTime(target, FileTime.from(Instant.now()));
                    return new ArtifactRef(digest, size);
                }
                Files.createDirectories(target.getParent());
                temp.toFile().setReadOnly();
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException e) {
                    // Another put of the same content won the race; the content is identical.
                    Files.setLastModifiedTime(target, FileTime.from(Instant.now()));
                    return new ArtifactRef(digest, size);
                } catch (AtomicMoveNotSupportedException e) {
                    throw StewardException.internal("the artifact directory " + root + " does not support atomic renames", e);
                }
            }
            forceDirectory(target.getParent());
            return new ArtifactRef(digest, size);
        } catch (IOException e) {
            throw StewardException.of(ErrorCode.TEMPORARILY_UNAVAILABLE, "cannot store the artifact in " + root + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                LOG.warn("cannot delete temporary file {}: {}", temp, e.getMessage());
            }
        }
    }

    @Override
    public InputStream open(String sha256) {
        Path path = pathOf(ArtifactRef.requireValidDigest(sha256));
        try {
            MessageDigest sha = sha256();
            try (InputStream in = Files.newInputStream(path)) {
                byte[] buffer = new byte[BUFFER];
                int n;
                while ((n = in.read(buffer)) != -1) {
                    sha.update(buffer, 0, n);
                }
            }
            String actual = HEX.formatHex(sha.digest());
            if (!actual.equals(sha256)) {
                LOG.error("artifact {} is corrupt: its bytes now hash to {}", sha256, actual);
                throw StewardException.of(ErrorCode.DATA_CORRUPTED, "artifact " + sha256
                        + " is corrupt: its stored bytes no longer match its SHA-256, so it is not served; restore it from a backup");
            }
            return Files.newInputStream(path);
        } catch (NoSuchFileException e) {
            throw StewardException.notFound("no artifact with SHA-256 " + sha256);
        } catch (IOException e) {
            throw StewardException.of(ErrorCode.TEMPORARILY_UNAVAILABLE, "cannot read artifact " + sha256 + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<ArtifactRef> stat(String sha256) {
        Path path = pathOf(ArtifactRef.requireValidDigest(sha256));
        try {
            return Optional.of(new ArtifactRef(sha256, Files.size(path)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw StewardException.of(ErrorCode.TEMPORARILY_UNAVAILABLE, "cannot read artifact " + sha256 + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Stream<StoredBlob> list() {
        try {
            return Files.walk(blobs, 2).filter(path -> path.getNameCount() == blobs.getNameCount() + 2)
                    .filter(path -> DIGEST.matcher(path.getFileName().toString()).matches())
                    .flatMap(path -> {
                        try {
                            return Stream.of(new StoredBlob(new ArtifactRef(path.getFileName().toString(), Files.size(path)),
                                    Files.getLastModifiedTime(path).toInstant()));
                        } catch (NoSuchFileException e) {
                            return Stream.empty(); // deleted while listing
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
        } catch (IOException e) {
            throw StewardException.of(ErrorCode.TEMPORARILY_UNAVAILABLE, "cannot list the artifacts in " + root + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean delete(String sha256, Instant writtenBefore) {
        Path path = pathOf(ArtifactRef.requireValidDigest(sha256));
        requireNonNull(writtenBefore, "writtenBefore is null");
        synchronized (lockOf(sha256)) {
            try {
                if (!Files.getLastModifiedTime(path).toInstant().isBefore(writtenBefore)) {
                    return false;
                }
                Files.delete(path);
                return true;
            } catch (NoSuchFileException e) {
                return false;
            } catch (IOException e) {
                throw StewardException.of(ErrorCode.TEMPORARILY_UNAVAILABLE, "cannot delete artifact " + sha256 + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public String location() {
        return root.toString();
    }

    @Override
    public void check() {
        if (!Files.isDirectory(blobs) || !Files.isWritable(blobs) || !Files.isDirectory(tmp) || !Files.isWritable(tmp)) {
            throw StewardException.of(ErrorCode.TEMPORARILY_UNAVAILABLE, "the artifact directory " + root + " is missing or not writable");
        }
    }

    @Override
    public void close() {
        // Nothing is held open between calls.
    }

    /** Where the blob with this digest lives. */
    Path pathOf(String digest) {
        return blobs.resolve(digest.substring(0, 2)).resolve(digest);
    }

    /** Deletes temporary files older than {@code cutoff}: leftovers of puts that crashed. */
    void sweepTemporaryFiles(Instant cutoff) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(tmp, "*.part")) {
            for (Path file : files) {
                FileTime modified = Files.getLastModifiedTime(file);
                if (modified.toInstant().isBefore(cutoff)) {
                    Files.deleteIfExists(file);
                    LOG.info("deleted stale temporary artifact file {}", file.getFileName());
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot sweep temporary artifact files in {}: {}", tmp, e.getMessage());
        }
    }

    private static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems cannot open directories; the rename itself is still atomic.
            LOG.debug("cannot fsync directory {}: {}", directory, e.getMessage());
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
