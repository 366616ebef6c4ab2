package dev.steward.core.serving.log;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the request log keeps what: {@code <log-dir>/<deployment>/<start-millis>-<sequence>.jsonl}
 * (sealed), {@code .open} (being written), {@code .seal} (the seal of the segment of that name),
 * and the writer's lock {@code <log-dir>/.writer.lock}. Shared by the writer and the reader.
 */
final class SegmentFiles {
    static final String LOCK = ".writer.lock";
    static final String TEMP_SUFFIX = ".tmp";
    static final String SEALED = ".jsonl";
    static final String OPEN = ".open";
    static final String SEAL = ".seal";
    private static final Pattern NAME = Pattern.compile("(\\d{1,19})-(\\d{1,19})\\.(jsonl|open)");
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    private static final Logger LOG = LoggerFactory.getLogger(SegmentFiles.class);

    private SegmentFiles() {}

    /**
     * The directory name of a deployment: letters, digits, {@code -}, {@code _} and {@code .} (but
     * not a leading one) as they are, every other byte of its UTF-8 form as {@code %XX}. So any name
     * is a safe, distinct directory that the reader turns back into the name.
     */
    static String directoryName(String deployment) {
        StringBuilder name = new StringBuilder(deployment.length());
        byte[] bytes = deployment.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            boolean plain = b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '_' || b == '.' && i > 0;
            if (plain) {
                name.append((char) b);
            } else {
                name.append('%').append(HEX[b >> 4]).append(HEX[b & 0xf]);
            }
        }
        return name.toString();
    }

    /** The deployment a directory holds; empty for a name {@link #directoryName} never makes. */
    static Optional<String> deploymentOf(String directoryName) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(directoryName.length());
        for (int i = 0; i < directoryName.length(); i++) {
            char c = directoryName.charAt(i);
            if (c == '%') {
                if (i + 2 >= directoryName.length()) {
                    return Optional.empty();
                }
                int hi = Character.digit(directoryName.charAt(i + 1), 16);
                int lo = Character.digit(directoryName.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return Optional.empty();
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                return Optional.empty();
            }
        }
        String deployment = bytes.toString(StandardCharsets.UTF_8);
        return !deployment.isEmpty() && directoryName(deployment).equals(directoryName) ? Optional.of(deployment) : Optional.empty();
    }

    static Path segmentPath(Path directory, long startMillis, long sequence, boolean sealed) {
        return directory.resolve(base(startMillis, sequence) + (sealed ? SEALED : OPEN));
    }

    static Path sealPath(Path directory, long startMillis, long sequence) {
        return directory.resolve(base(startMillis, sequence) + SEAL);
    }

    /** Zero-padded, so that a directory listing sorted by name is in order too. */
    private static String base(long startMillis, long sequence) {
        return String.format("%013d-%06d", startMillis, sequence);
    }

    /** The segments in a deployment's directory, in the order they were written; none when it does not exist. */
    static List<Segment> list(Path directory, String deployment) {
        List<Segment> segments = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            files.forEach(file -> {
                Matcher m = NAME.matcher(file.getFileName().toString());
                if (m.matches()) {
                    segments.add(new Segment(deployment, file, Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), m.group(3).equals("jsonl")));
                }
            });
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("listing request-log segments in " + directory, e);
        }
        segments.sort(Segment.ORDER);
        return segments;
    }

    /** Writes the seal, then renames the segment to its sealed name: a {@code .jsonl} always has its seal. */
    static Path seal(Segment open, Seal seal) throws IOException {
        seal.write(open.sealPath());
        Path sealed = segmentPath(open.path().getParent(), open.startMillis(), open.sequence(), true);
        Files.move(open.path(), sealed, StandardCopyOption.ATOMIC_MOVE);
        forceDirectory(sealed.getParent());
        return sealed;
    }

    /** Makes renames and new files in a directory durable; a file system that cannot is only logged (its renames are as durable as it makes them). */
    static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            LOG.debug("cannot fsync directory {}: {}", directory, e.getMessage());
        }
    }
}
