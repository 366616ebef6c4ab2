package dev.steward.core.serving.log;

import java.io.OutputStream;
import java.util.Arrays;

/** A growable byte buffer that is reused, unlike {@link java.io.ByteArrayOutputStream} without its locks. Not thread-safe. */
final class ByteSink extends OutputStream {
    private byte[] bytes;
    private int size;

    ByteSink(int capacity) {
        bytes = new byte[capacity];
    }

    @Override
    public void write(int b) {
        ensure(1);
        bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, bytes, size, len);
        size += len;
    }

    void write(ByteSink other) {
        write(other.bytes, 0, other.size);
    }

    byte[] array() {
        return bytes;
    }

    int size() {
        return size;
    }

    void reset() {
        size = 0;
    }

    /** Forgets the bytes past {@code length}. */
    void truncate(int length) {
        size = Math.min(size, length);
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
