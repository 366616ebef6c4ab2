package dev.steward.core.data.profile;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.data.ColumnType;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.datasketches.common.ArrayOfStringsSerDe;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;

/**
 * The mergeable profile of one column: exact counts, nulls, min/max and moments (merged with Chan
 * et al.'s parallel formulas), and sketches for what cannot be exact in bounded memory: distinct
 * values (HLL), quantiles (KLL) for numbers, frequent items for everything else. NaN counts as
 * missing, as in pandas. Not thread-safe: one builder thread, then merge.
 */
public final class ColumnProfile {
    static final int HLL_LG_K = 12;
    static final int KLL_K = 200;
    static final int ITEMS_MAP_SIZE = 1024;
    private static final ArrayOfStringsSerDe STRINGS = new ArrayOfStringsSerDe();

    private final String name;
    private final ColumnType type;
    private long count;
    private long nulls;
    private HllSketch distinct;
    // Numbers.
    private KllDoublesSketch quantiles;
    private double mean;
    private double m2;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    // Everything else.
    private ItemsSketch<String> items;
    private String minText;
    private String maxText;
    private int minLength = Integer.MAX_VALUE;
    private int maxLength = -1;

    public ColumnProfile(String name, ColumnType type) {
        this.name = requireNonNull(name, "name is null");
        this.type = requireNonNull(type, "type is null");
        this.distinct = new HllSketch(HLL_LG_K, TgtHllType.HLL_4);
        if (type.numeric()) {
            quantiles = KllDoublesSketch.newHeapInstance(KLL_K);
        } else if (categorical(type)) {
            items = new ItemsSketch<>(ITEMS_MAP_SIZE);
        }
    }

    /** Dates and times are ranges, not categories: they get no frequent-items sketch. */
    private static boolean categorical(ColumnType type) {
        return type == ColumnType.STRING || type == ColumnType.BOOLEAN;
    }

    public String name() {
        return name;
    }

    public ColumnType type() {
        return type;
    }

    public long count() {
        return count;
    }

    public long nulls() {
        return nulls;
    }

    /** Adds one value: a Number for numeric columns, anything else by its text; null (or NaN) is missing. */
    public void update(Object value) {
        if (value == null) {
            nulls++;
            return;
        }
        if (type.numeric()) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d)) {
                nulls++;
                return;
            }
            count++;
            distinct.update(d);
            quantiles.update(d);
            double delta = d - mean;
            mean += delta / count;
            m2 += delta * (d - mean);
            min = Math.min(min, d);
            max = Math.max(max, d);
            return;
        }
        String text = value.toString();
        count++;
        distinct.update(text);
        if (items != null) {
            items.update(text);
        }
        minLength = Math.min(minLength, text.length());
        maxLength = Math.max(maxLength, text.length());
        if (minText == null || text.compareTo(minText) < 0) {
            minText = text;
        }
        if (maxText == null || text.compareTo(maxText) > 0) {
            maxText = text;
        }
    }

    /** A new profile of both columns' values; neither input changes. */
    public ColumnProfile merge(ColumnProfile other) {
        if (!name.equals(other.name) || type != other.type) {
            throw new IllegalArgumentException("cannot merge column " + name + " (" + type + ") with " + other.name + " (" + other.type + ")");
        }
        ColumnProfile merged = copy();
        merged.nulls += other.nulls;
        Union union = new Union(HLL_LG_K);
        union.update(distinct);
        union.update(other.distinct);
        merged.distinct = union.getResult(TgtHllType.HLL_4);
        if (type.numeric()) {
            merged.quantiles.merge(other.quantiles);
            long n = count + other.count;
            if (n > 0) {
                double delta = other.mean - mean;
                merged.mean = mean + delta * other.count / n;
                merged.m2 = m2 + other.m2 + delta * delta * ((double) count * other.count / n);
            }
            merged.min = Math.min(min, other.min);
            merged.max = Math.max(max, other.max);
        } else {
            if (merged.items != null) {
                merged.items.merge(other.items);
            }
            merged.minLength = Math.min(minLength, other.minLength);
            merged.maxLength = Math.max(maxLength, other.maxLength);
            merged.minText = minOf(minText, other.minText, -1);
            merged.maxText = minOf(maxText, other.maxText, 1);
        }
        merged.count = count + other.count;
        return merged;
    }

    private static String minOf(String a, String b, int sign) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return Integer.signum(a.compareTo(b)) == sign ? a : b;
    }

    private ColumnProfile copy() {
        try {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            write(new DataOutputStream(bytes));
            return read(new DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
        } catch (IOException e) {
            throw new IllegalStateException("copying a column profile in memory", e);
        }
    }

    // ---- views -------------------------------------------------------------------------------

    public double distinctEstimate() {
        return count == 0 ? 0 : distinct.getEstimate();
    }

    /** Bounds of the distinct estimate at two standard deviations (≈ 95 %). */
    public double distinctLowerBound() {
        return count == 0 ? 0 : distinct.getLowerBound(2);
    }

    public double distinctUpperBound() {
        return count == 0 ? 0 : distinct.getUpperBound(2);
    }

    public boolean hasNumbers() {
        return type.numeric() && count > 0;
    }

    public double mean() {
        return mean;
    }

    /** Sample standard deviation (n − 1), as pandas' describe reports it; NaN below two values. */
    public double stddev() {
        return count < 2 ? Double.NaN : Math.sqrt(m2 / (count - 1));
    }

    public double min() {
        return min;
    }

    public double max() {
        return max;
    }

    public KllDoublesSketch quantileSketch() {
        return quantiles;
    }

    public ItemsSketch<String> itemSketch() {
        return items;
    }

    public String minText() {
        return minText;
    }

    public String maxText() {
        return maxText;
    }

    public int minLength() {
        return minLength;
    }

    public int maxLength() {
        return maxLength;
    }

    // ---- serialisation -----------------------------------------------------------------------

    void write(DataOutputStream out) throws IOException {
        out.writeUTF(name);
        out.writeUTF(type.name());
        out.writeLong(count);
        out.writeLong(nulls);
        bytes(out, distinct.toCompactByteArray());
        if (type.numeric()) {
            bytes(out, quantiles.toByteArray());
            out.writeDouble(mean);
            out.writeDouble(m2);
            out.writeDouble(min);
            out.writeDouble(max);
        } else {
            if (items != null) {
                bytes(out, items.toByteArray(STRINGS));
            }
            out.writeInt(minLength);
            out.writeInt(maxLength);
            out.writeBoolean(minText != null);
            if (minText != null) {
                out.writeUTF(minText);
                out.writeUTF(maxText);
            }
        }
    }

    static ColumnProfile read(DataInputStream in) throws IOException {
        ColumnProfile profile = new ColumnProfile(in.readUTF(), ColumnType.valueOf(in.readUTF()));
        profile.count = in.readLong();
        profile.nulls = in.readLong();
        profile.distinct = HllSketch.heapify(bytes(in));
        if (profile.type.numeric()) {
            profile.quantiles = KllDoublesSketch.heapify(Memory.wrap(bytes(in)));
            profile.mean = in.readDouble();
            profile.m2 = in.readDouble();
            profile.min = in.readDouble();
            profile.max = in.readDouble();
        } else {
            if (categorical(profile.type)) {
                profile.items = ItemsSketch.getInstance(Memory.wrap(bytes(in)), STRINGS);
            }
            profile.minLength = in.readInt();
            profile.maxLength = in.readInt();
            if (in.readBoolean()) {
                profile.minText = in.readUTF();
                profile.maxText = in.readUTF();
            }
        }
        return profile;
    }

    private static void bytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] bytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > (64 << 20)) {
            throw new IOException("corrupt profile: a sketch of " + length + " bytes");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }
}
