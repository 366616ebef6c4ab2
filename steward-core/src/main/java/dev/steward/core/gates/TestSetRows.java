package dev.steward.core.gates;

import static java.util.Objects.requireNonNull;

import dev.steward.core.data.DatasetService;
import dev.steward.spi.data.ColumnSummary;
import dev.steward.spi.data.DatasetVersion;
import dev.steward.spi.data.TableReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;

/**
 * Row digests of dataset versions, to check that a fresh test set shares no example with an old
 * one. A row's digest is a 64-bit hash over the values of the chosen columns (by name, so the
 * columns' order does not matter; numbers by value, so 3 and 3.0 are the same), combined per
 * column by addition so that the columns can be streamed in parallel. With n and m rows, the
 * chance that two different rows collide is about n·m / 2^64: nil for any test set. Thread-safe.
 */
public final class TestSetRows {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private final DatasetService datasets;

    public TestSetRows(DatasetService datasets) {
        this.datasets = requireNonNull(datasets, "datasets is null");
    }

    /** The columns two versions have in common, without {@code exclude} (the label: a relabelled row is still the same example). */
    public static List<String> sharedColumns(DatasetVersion a, DatasetVersion b, String exclude) {
        Set<String> names = new TreeSet<>();
        a.columns().forEach(c -> names.add(c.name()));
        Set<String> other = new TreeSet<>();
        b.columns().forEach(c -> other.add(c.name()));
        names.retainAll(other);
        names.remove(exclude);
        return List.copyOf(names);
    }

    /** The sorted digests of the rows of {@code version} over {@code columns} (names it has). */
    public long[] digests(DatasetVersion version, Collection<String> columns) {
        requireNonNull(version, "version is null");
        Set<String> wanted = Set.copyOf(columns);
        List<ColumnSummary> chosen = version.columns().stream().filter(c -> wanted.contains(c.name())).toList();
        int rows = Math.toIntExact(version.rowCount());
        AtomicLongArray sums = new AtomicLongArray(rows);
        datasets.scan(version, chosen, new TableReader.RowSink() {
            @Override
            public Consumer<Object> column(ColumnSummary column) {
                long salt = hash(FNV_OFFSET, column.name());
                int[] next = {0};
                return value -> {
                    int row = next[0]++;
                    if (row < rows) {
                        sums.getAndAdd(row, mix(hash(salt, canonical(value))));
                    }
                };
            }
        });
        long[] digests = new long[rows];
        for (int i = 0; i < rows; i++) {
            digests[i] = sums.get(i);
        }
        Arrays.sort(digests);
        return digests;
    }

    /** How many rows of {@code a} have a digest that {@code b} has too (both sorted). */
    public static long shared(long[] a, long[] b) {
        long count = 0;
        int j = 0;
        for (long digest : a) {
            while (j < b.length && b[j] < digest) {
                j++;
            }
            if (j < b.length && b[j] == digest) {
                count++;
            }
        }
        return count;
    }

    private static String canonical(Object value) {
        if (value == null) {
            return "\u0000null";
        }
        if (value instanceof Number number) {
            double v = number.doubleValue();
            return Double.isNaN(v) ? "\u0000null" : Double.toString(v == 0 ? 0.0 : v);
        }
        return value.toString();
    }

    private static long hash(long seed, String text) {
        long h = seed;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= FNV_PRIME;
        }
        return h;
    }

    /** SplitMix64's finaliser: spreads the FNV hash over all 64 bits before the digests are added. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
