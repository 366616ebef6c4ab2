package dev.steward.core.data.profile;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.StewardException;
import dev.steward.spi.data.ColumnType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The mergeable profile of a table: its row count and one {@link ColumnProfile} per column. The
 * profile of a union of row sets is the {@link #merge} of their profiles (exactly for counts,
 * nulls, min, max, mean and variance; within the sketches' error bounds for distinct counts,
 * quantiles and frequent items), which lets parts be profiled apart: files, partitions, windows.
 * Serialised with a format version for storage. Not thread-safe while being built.
 */
public final class DatasetProfile {
    private static final byte FORMAT = 1;

    private long rows;
    private final List<ColumnProfile> columns;

    private DatasetProfile(long rows, List<ColumnProfile> columns) {
        this.rows = rows;
        this.columns = columns;
    }

    /** An empty profile for these columns, to {@link #update} row by row. */
    public static DatasetProfile empty(List<String> names, List<ColumnType> types) {
        if (names.size() != types.size()) {
            throw new IllegalArgumentException("names and types differ in length");
        }
        List<ColumnProfile> columns = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            columns.add(new ColumnProfile(names.get(i), types.get(i)));
        }
        return new DatasetProfile(0, columns);
    }

    /** A profile assembled from column profiles built apart (one per column, e.g. on several threads). */
    public static DatasetProfile of(long rows, List<ColumnProfile> columns) {
        if (rows < 0) {
            throw new IllegalArgumentException("rows is negative: " + rows);
        }
        return new DatasetProfile(rows, new ArrayList<>(columns));
    }

    /** Adds one row: values in column order. */
    public void update(Object[] row) {
        requireNonNull(row, "row is null");
        if (row.length != columns.size()) {
            throw new IllegalArgumentException("row has " + row.length + " values for " + columns.size() + " columns");
        }
        rows++;
        for (int i = 0; i < row.length; i++) {
            columns.get(i).update(row[i]);
        }
    }

    public long rows() {
        return rows;
    }

    public List<ColumnProfile> columns() {
        return List.copyOf(columns);
    }

    /** The profile of both row sets; neither input changes. The columns must match by name, type and order. */
    public DatasetProfile merge(DatasetProfile other) {
        if (columns.size() != other.columns.size()) {
            throw StewardException.invalid("profile", "cannot merge profiles with " + columns.size() + " and " + other.columns.size() + " columns");
        }
        List<ColumnProfile> merged = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            ColumnProfile a = columns.get(i);
            ColumnProfile b = other.columns.get(i);
            if (!a.name().equals(b.name()) || a.type() != b.type()) {
                throw StewardException.invalid("profile", "cannot merge profiles: column " + (i + 1) + " is " + a.name() + " (" + a.type()
                        + ") in one and " + b.name() + " (" + b.type() + ") in the other");
            }
            merged.add(a.merge(b));
        }
        return new DatasetProfile(rows + other.rows, merged);
    }

    public byte[] toBytes() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(FORMAT);
            out.writeLong(rows);
            out.writeInt(columns.size());
            for (ColumnProfile column : columns) {
                column.write(out);
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("writing a profile to memory", e);
        }
    }

    public static DatasetProfile fromBytes(byte[] bytes) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            byte format = in.readByte();
            if (format != FORMAT) {
                throw StewardException.invalid("profile", "unknown profile format " + format + "; this Steward reads format " + FORMAT);
            }
            long rows = in.readLong();
            int count = in.readInt();
            if (count < 0 || count > 100_000) {
                throw new IOException("corrupt profile: " + count + " columns");
            }
            List<ColumnProfile> columns = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                columns.add(ColumnProfile.read(in));
            }
            return new DatasetProfile(rows, columns);
        } catch (IOException | RuntimeException e) {
            if (e instanceof StewardException steward) {
                throw steward;
            }
            throw StewardException.of(dev.steward.spi.ErrorCode.DATA_CORRUPTED, "a stored profile cannot be read: " + e.getMessage(), e);
        }
    }
}
