package dev.steward.core.monitoring;

import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The pieces the monitoring formats (references, window profiles) are written with: strings of any
 * length as UTF-8, arrays and count maps with their lengths, each length checked on read against a
 * bound so that a damaged blob fails with a clear {@code DATA_CORRUPTED} error instead of an
 * allocation of gigabytes.
 */
final class Codec {
    /** No array or map in a monitoring blob is longer. */
    static final int MAX_LENGTH = 50_000_000;

    private Codec() {
    }

    /** What writes a blob. */
    interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    /** What reads a blob. */
    interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    static byte[] write(Writer writer) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            writer.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory", e);
        }
    }

    /**
     * Reads a blob of a format ({@code format} is its first byte), naming {@code what} in the
     * error when the blob is of another format, truncated or damaged.
     */
    static <T> T read(byte[] bytes, byte format, String what, Reader<T> reader) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            byte found = in.readByte();
            if (found != format) {
                throw corrupted(what + " is of format " + found + "; this Steward reads format " + format);
            }
            T value = reader.read(in);
            if (in.available() > 0) {
                throw corrupted(what + " has " + in.available() + " bytes after its end");
            }
            return value;
        } catch (IOException | RuntimeException e) {
            if (e instanceof StewardException steward && steward.code() == ErrorCode.DATA_CORRUPTED) {
                throw steward;
            }
            throw StewardException.of(ErrorCode.DATA_CORRUPTED, what + " cannot be read: " + e, e);
        }
    }

    static StewardException corrupted(String message) {
        return StewardException.of(ErrorCode.DATA_CORRUPTED, message);
    }

    static int length(DataInputStream in, String what) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_LENGTH) {
            throw new IOException(what + " has the impossible length " + n);
        }
        return n;
    }

    static void string(DataOutputStream out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    static String string(DataInputStream in) throws IOException {
        byte[] utf8 = new byte[length(in, "a string")];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    static void bytes(DataOutputStream out, byte[] value) throws IOException {
        out.writeInt(value.length);
        out.write(value);
    }

    static byte[] bytes(DataInputStream in) throws IOException {
        byte[] value = new byte[length(in, "a blob")];
        in.readFully(value);
        return value;
    }

    static void doubles(DataOutputStream out, double[] values, int count) throws IOException {
        out.writeInt(count);
        for (int i = 0; i < count; i++) {
            out.writeDouble(values[i]);
        }
    }

    static void doubles(DataOutputStream out, double[] values) throws IOException {
        doubles(out, values, values.length);
    }

    static double[] doubles(DataInputStream in) throws IOException {
        double[] values = new double[length(in, "an array")];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readDouble();
        }
        return values;
    }

    static void counts(DataOutputStream out, Map<String, Long> counts) throws IOException {
        out.writeInt(counts.size());
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            string(out, e.getKey());
            out.writeLong(e.getValue());
        }
    }

    /** Category → count, in the order written. */
    static Map<String, Long> counts(DataInputStream in) throws IOException {
        int n = length(in, "a count map");
        Map<String, Long> counts = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String key = string(in);
            long count = in.readLong();
            if (count < 0) {
                throw new IOException("the count of '" + key + "' is negative");
            }
            counts.put(key, count);
        }
        return counts;
    }
}
