package dev.steward.core.training;

import dev.steward.spi.StewardException;
import dev.steward.spi.serving.Datatype;
import dev.steward.spi.serving.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a graph's input tensors from {@link ColumnarRows}: each input's columns side by side
 * along its second axis, cast to its datatype (FP32 from the doubles read, integers only from
 * whole numbers, booleans from {@code true}/{@code false}). A missing value reaches a
 * floating-point input as NaN and a string input as the empty string; an integer or boolean input
 * cannot represent one, so it is refused naming the row and the column. Not thread-safe.
 */
final class TensorFeed {
    private final List<ModelSignature.Input> inputs;
    private final ColumnarRows table;

    TensorFeed(List<ModelSignature.Input> inputs, ColumnarRows table) {
        this.inputs = List.copyOf(inputs);
        this.table = table;
    }

    /** Whether a column feeding an input of this datatype is read as text (else as numbers). */
    static boolean readsText(Datatype datatype) {
        return datatype == Datatype.BYTES || datatype == Datatype.BOOL;
    }

    /** The inputs for the first {@code size} of {@code rows} (indexes into the table). */
    List<Tensor> batch(int[] rows, int size) {
        List<Tensor> tensors = new ArrayList<>(inputs.size());
        for (ModelSignature.Input input : inputs) {
            tensors.add(tensor(input, rows, size));
        }
        return tensors;
    }

    private Tensor tensor(ModelSignature.Input input, int[] rows, int size) {
        List<String> columns = input.columns();
        int width = columns.size();
        long[] shape = input.shape().length == 1 ? new long[] {size} : new long[] {size, width};
        Datatype datatype = input.datatype();
        Object data = datatype.newArray(size * width);
        for (int j = 0; j < width; j++) {
            String column = columns.get(j);
            if (readsText(datatype)) {
                String[] source = table.strings(column);
                for (int i = 0; i < size; i++) {
                    String value = source[rows[i]];
                    if (datatype == Datatype.BYTES) {
                        ((String[]) data)[i * width + j] = value;
                    } else {
                        ((boolean[]) data)[i * width + j] = bool(input, column, value, rows[i]);
                    }
                }
                continue;
            }
            double[] source = table.numbers(column);
            for (int i = 0; i < size; i++) {
                double value = source[rows[i]];
                int at = i * width + j;
                switch (datatype) {
                    case FP32 -> ((float[]) data)[at] = (float) value;
                    case FP64 -> ((double[]) data)[at] = value;
                    case INT32 -> ((int[]) data)[at] = (int) whole(input, column, value, rows[i]);
                    default -> ((long[]) data)[at] = whole(input, column, value, rows[i]);
                }
            }
        }
        return new Tensor(input.name(), datatype, shape, data);
    }

    private long whole(ModelSignature.Input input, String column, double value, int row) {
        if (Double.isNaN(value)) {
            throw StewardException.invalid("dataset", "row " + table.rowNumber(row) + ": '" + column + "' has a missing value, which the model's "
                    + input.datatype() + " input " + input.name() + " cannot represent");
        }
        long whole = (long) value;
        boolean fits = whole == value && (input.datatype() == Datatype.INT64 || whole == (int) whole);
        if (!fits) {
            throw StewardException.invalid("dataset", "row " + table.rowNumber(row) + ": '" + column + "' holds " + value + ", which the model's "
                    + input.datatype() + " input " + input.name() + " cannot represent");
        }
        return whole;
    }

    private boolean bool(ModelSignature.Input input, String column, String value, int row) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw StewardException.invalid("dataset", "row " + table.rowNumber(row) + ": '" + column + "' has a missing value, which the"
                    + " model's BOOL input " + input.name() + " cannot represent");
        };
    }
}
