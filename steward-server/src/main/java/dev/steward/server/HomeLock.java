package dev.steward.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;

/**
 * One server per home: an exclusive lock on {@code server.lock} held for the server's life (the
 * operating system releases it when the process ends, however it ends), and, once the server
 * listens, {@code server.json} with its process id and URL for the command line to find it.
 * A second server on the same home is refused with the first one's process id and URL.
 *
 * <p>{@code server.json} is removed on a clean stop; after a crash it stays behind, naming a
 * process that no longer runs, and the next server replaces it. Thread-safe.
 */
public final class HomeLock implements AutoCloseable {
    public static final String LOCK_FILE = "server.lock";
    public static final String SERVER_FILE = "server.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path home;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean closed;

    private HomeLock(Path home, FileChannel channel, FileLock lock) {
        this.home = home;
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the home for this process, or fails naming the server that holds it. */
    public static HomeLock acquire(Path home) {
        requireNonNull(home, "home is null");
        try {
            Files.createDirectories(home);
            FileChannel channel = FileChannel.open(home.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this very JVM
            }
            if (lock == null) {
                channel.close();
                throw StewardException.of(ErrorCode.INVALID_STATE, holder(home) + " is already running on " + home.toAbsolutePath()
                        + ": stop it first, or give this server another home (--home DIR or STEWARD_HOME)");
            }
            // The holder's pid, readable while the lock is held (locks are advisory), for the message above.
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(true);
            return new HomeLock(home, channel, lock);
        } catch (IOException e) {
            throw StewardException.internal("locking the home directory " + home, e);
        }
    }

    /** Records where this server listens, for clients that are not told ({@code server.json}). */
    public synchronized void publish(URI url) {
        requireNonNull(url, "url is null");
        ObjectNode server = JSON.createObjectNode();
        server.put("pid", ProcessHandle.current().pid());
        server.put("url", url.toString());
        server.put("started_at", Instant.now().toString());
        Path file = home.resolve(SERVER_FILE);
        Path partial = home.resolve(SERVER_FILE + ".partial");
        try {
            Files.write(partial, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(server));
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
    }

    /** Removes {@code server.json} and releases the home. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Files.deleteIfExists(home.resolve(SERVER_FILE));
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("releasing the home directory " + home, e);
        }
    }

    /** "another Steward server (pid 123, http://…)" from what the holder wrote, as far as it got. */
    private static String holder(Path home) {
        String pid;
        try {
            pid = Files.readString(home.resolve(LOCK_FILE), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            pid = "";
        }
        String holderPid = pid;
        // A server.json left by a crashed server names another process: only the holder's own counts.
        String url = read(home.resolve(SERVER_FILE)).filter(s -> s.path("pid").asText().equals(holderPid))
                .map(s -> s.path("url").asText()).filter(u -> !u.isEmpty()).orElse("not listening yet");
        return "another Steward server (" + (pid.isEmpty() ? "" : "pid " + pid + ", ") + url + ")";
    }

    private static Optional<JsonNode> read(Path file) {
        try {
            return Optional.of(JSON.readTree(Files.readAllBytes(file)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
