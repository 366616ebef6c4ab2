package dev.steward.spi.serving;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named tensor: an OIP datatype, a shape (every dimension known) and the elements flat in
 * row-major order, in the primitive array of the datatype ({@link Datatype#arrayType()}).
 *
 * <p>The element array is not copied (tensors sit on the serving hot path): whoever builds a
 * tensor hands the array over and must not change it afterwards. Equality compares contents.
 */
public record Tensor(String name, Datatype datatype, long[] shape, Object data) {
    private static final int SHOWN = 8;

    public Tensor {
        requireNonNull(name, "name is null");
        requireNonNull(datatype, "datatype is null");
        requireNonNull(shape, "shape is null");
        requireNonNull(data, "data is null");
        shape = shape.clone();
        long elements = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor " + name + " has a negative dimension: " + Arrays.toString(shape));
            }
            elements *= d;
        }
        if (data.getClass() != datatype.arrayType()) {
            throw new IllegalArgumentException("tensor " + name + " is " + datatype + ", so its data must be " + datatype.arrayType().getSimpleName()
                    + ", not " + data.getClass().getSimpleName());
        }
        if (elements != length(data)) {
            throw new IllegalArgumentException("tensor " + name + " of shape " + Arrays.toString(shape) + " needs " + elements + " elements, not "
                    + length(data));
        }
    }

    public static Tensor of(String name, long[] shape, float[] data) {
        return new Tensor(name, Datatype.FP32, shape, data);
    }

    public static Tensor of(String name, long[] shape, double[] data) {
        return new Tensor(name, Datatype.FP64, shape, data);
    }

    public static Tensor of(String name, long[] shape, int[] data) {
        return new Tensor(name, Datatype.INT32, shape, data);
    }

    public static Tensor of(String name, long[] shape, long[] data) {
        return new Tensor(name, Datatype.INT64, shape, data);
    }

    public static Tensor of(String name, long[] shape, boolean[] data) {
        return new Tensor(name, Datatype.BOOL, shape, data);
    }

    public static Tensor of(String name, long[] shape, String[] data) {
        return new Tensor(name, Datatype.BYTES, shape, data);
    }

    /** A column of one number per row: FP64 {@code [rows, 1]}, the input of Steward's own graphs (NaN for missing). */
    public static Tensor column(String name, double[] values) {
        return of(name, new long[] {values.length, 1}, values);
    }

    /** A column of one string per row: BYTES {@code [rows, 1]}, the input of Steward's own graphs (empty for missing). */
    public static Tensor column(String name, String[] values) {
        return of(name, new long[] {values.length, 1}, values);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dimension(int axis) {
        return shape[axis];
    }

    /** The number of elements. */
    public int size() {
        return length(data);
    }

    public float[] floats() {
        return (float[]) elements(Datatype.FP32);
    }

    public double[] doubles() {
        return (double[]) elements(Datatype.FP64);
    }

    public int[] ints() {
        return (int[]) elements(Datatype.INT32);
    }

    public long[] longs() {
        return (long[]) elements(Datatype.INT64);
    }

    public boolean[] booleans() {
        return (boolean[]) elements(Datatype.BOOL);
    }

    public String[] strings() {
        return (String[]) elements(Datatype.BYTES);
    }

    /** Element {@code i} (flat, row-major) as a double, for the numeric datatypes. */
    public double number(int i) {
        return switch (datatype) {
            case FP32 -> ((float[]) data)[i];
            case FP64 -> ((double[]) data)[i];
            case INT32 -> ((int[]) data)[i];
            case INT64 -> ((long[]) data)[i];
            case BOOL, BYTES -> throw new IllegalStateException("tensor " + name + " is " + datatype + ", not numeric");
        };
    }

    private Object elements(Datatype wanted) {
        if (datatype != wanted) {
            throw new IllegalStateException("tensor " + name + " is " + datatype + ", not " + wanted);
        }
        return data;
    }

    private static int length(Object data) {
        if (data instanceof float[] a) {
            return a.length;
        } else if (data instanceof double[] a) {
            return a.length;
        } else if (data instanceof int[] a) {
            return a.length;
        } else if (data instanceof long[] a) {
            return a.length;
        } else if (data instanceof boolean[] a) {
            return a.length;
        }
        return ((String[]) data).length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Tensor t && name.equals(t.name) && datatype == t.datatype && Arrays.equals(shape, t.shape)
                && Objects.deepEquals(data, t.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, datatype, Arrays.hashCode(shape));
    }

    /** Name, datatype, shape and the first elements (at most {@value #SHOWN}). */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Tensor[").append(name).append(' ').append(datatype).append(' ').append(Arrays.toString(shape))
                .append(" [");
        int n = Math.min(size(), SHOWN);
        for (int i = 0; i < n; i++) {
            text.append(i == 0 ? "" : ", ").append(switch (datatype) {
                case BOOL -> String.valueOf(((boolean[]) data)[i]);
                case BYTES -> '"' + ((String[]) data)[i] + '"';
                case INT32 -> String.valueOf(((int[]) data)[i]);
                case INT64 -> String.valueOf(((long[]) data)[i]);
                case FP32 -> String.valueOf(((float[]) data)[i]);
                case FP64 -> String.valueOf(((double[]) data)[i]);
            });
        }
        return text.append(size() > n ? ", ...]]" : "]]").toString();
    }
}
