package dev.steward.core.serving.log;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * What a closed segment holds, written next to it ({@code <name>.seal}, one JSON object) before the
 * segment is renamed from {@code .open} to {@code .jsonl}: so a {@code .jsonl} always has its seal,
 * and a reader finds a removed, reordered or changed line as well as one that fails its own checksum.
 *
 * @param entries lines in the segment
 * @param bytes its length
 * @param sha256 of all its bytes, in hex
 * @param minReceivedMillis earliest {@code received_ms} of its entries (for choosing segments by time without reading them)
 * @param maxReceivedMillis latest {@code received_ms}
 * @param closedMillis when it was sealed (retention counts from here)
 * @param cutLines lines cut from its end by a recovery after a crash (0 for a segment closed normally)
 * @param cutBytes bytes cut by that recovery
 */
public record Seal(int format, long entries, long bytes, String sha256, long minReceivedMillis, long maxReceivedMillis, long openedMillis,
        long closedMillis, long cutLines, long cutBytes) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public Seal {
        requireNonNull(sha256, "sha256 is null");
    }

    /** Whether it was sealed by a writer recovering a segment left open by a crash. */
    public boolean recovered() {
        return cutLines > 0 || cutBytes > 0;
    }

    static Seal read(Path file) throws IOException {
        JsonNode n = JSON.readTree(Files.readAllBytes(file));
        if (n == null || !n.isObject() || !n.path("sha256").isTextual()) {
            throw new IOException("not a seal: " + file);
        }
        return new Seal(n.path("format").asInt(), n.path("entries").asLong(), n.path("bytes").asLong(), n.path("sha256").asText(),
                n.path("min_received_ms").asLong(), n.path("max_received_ms").asLong(), n.path("opened_ms").asLong(),
                n.path("closed_ms").asLong(), n.path("cut_lines").asLong(), n.path("cut_bytes").asLong());
    }

    /** Writes it durably: to a temporary file, forced, renamed into place, the directory forced. */
    void write(Path file) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", format).put("entries", entries).put("bytes", bytes).put("sha256", sha256).put("min_received_ms", minReceivedMillis)
                .put("max_received_ms", maxReceivedMillis).put("opened_ms", openedMillis).put("closed_ms", closedMillis)
                .put("cut_lines", cutLines).put("cut_bytes", cutBytes);
        byte[] bytes = (JSON.writeValueAsString(n) + "\n").getBytes(StandardCharsets.UTF_8);
        Path temp = file.resolveSibling(file.getFileName() + SegmentFiles.TEMP_SUFFIX);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        SegmentFiles.forceDirectory(file.getParent());
    }
}
