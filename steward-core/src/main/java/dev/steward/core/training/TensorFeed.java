package dev.steward.core.training;

import dev.steward.spi.StewardException;
import dev.steward.spi.serving.Datatype;
import dev.steward.spi.serving.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a graph's input tensors from columns of values: each input's columns side by side along
 * its second axis, cast to its datatype (FP32 from the doubles read, integers only from whole
 * numbers, booleans from {@code true}/{@code false}). A missing value reaches a floating-point
 * input as NaN and a string input as the empty string; an integer or boolean input cannot
 * represent one, so it is refused naming the column (and the row, for {@link ColumnarRows}). The
 * columns come from a dataset version or a file (evaluation, batch scoring: errors on the field
 * {@code dataset}) or from a prediction request (serving: errors on the field named after the
 * column). Not thread-safe.
 */
public final class TensorFeed {
    /**
     * The values of the columns the inputs read: numbers (NaN for missing) for the columns of
     * numeric and integer inputs, text (empty for missing) for those of BYTES and BOOL inputs, as
     * {@link #readsText} says.
     */
    public interface Columns {
        double[] numbers(String column);

        String[] strings(String column);
    }

    private final List<ModelSignature.Input> inputs;
    private final Columns table;
    private final boolean fieldIsColumn;

    TensorFeed(List<ModelSignature.Input> inputs, Columns table) {
        this(inputs, table, false);
    }

    private TensorFeed(List<ModelSignature.Input> inputs, Columns table, boolean fieldIsColumn) {
        this.inputs = List.copyOf(inputs);
        this.table = table;
        this.fieldIsColumn = fieldIsColumn;
    }

    /** A feed from the columns of a request, whose errors name the offending column as their field. */
    public static TensorFeed ofRequest(List<ModelSignature.Input> inputs, Columns columns) {
        return new TensorFeed(inputs, columns, true);
    }

    /** Whether a column feeding an input of this datatype is read as text (else as numbers). */
    public static boolean readsText(Datatype datatype) {
        return datatype == Datatype.BYTES || datatype == Datatype.BOOL;
    }

    /** The inputs for the first {@code size} of {@code rows} (indexes into the columns). */
    public List<Tensor> batch(int[] rows, int size) {
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
                        ((boolean[]) data)[i * width + j] = bool(input, column, value, field(column), rows[i]);
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
                    case INT32 -> ((int[]) data)[at] = (int) whole(input, column, value, field(column), rows[i]);
                    default -> ((long[]) data)[at] = whole(input, column, value, field(column), rows[i]);
                }
            }
        }
        return new Tensor(input.name(), datatype, shape, data);
    }

    private String field(String column) {
        return fieldIsColumn ? column : "dataset";
    }

    /** Where a value sits, for errors: {@code row N: } in a table whose rows people can number, nothing in a request. */
    private String at(int row) {
        return table instanceof ColumnarRows rows ? "row " + rows.rowNumber(row) + ": " : "";
    }

    private String missing(int row) {
        return table instanceof ColumnarRows ? "has a missing value" : "has missing values";
    }

    private long whole(ModelSignature.Input input, String column, double value, String field, int row) {
        if (Double.isNaN(value)) {
            throw StewardException.invalid(field, at(row) + "'" + column + "' " + missing(row) + ", which the model's " + input.datatype()
                    + " input " + input.name() + " cannot represent");
        }
        long whole = (long) value;
        boolean fits = whole == value && (input.datatype() == Datatype.INT64 || whole == (int) whole);
        if (!fits) {
            throw StewardException.invalid(field, at(row) + "'" + column + "' holds " + value + ", which the model's " + input.datatype()
                    + " input " + input.name() + " cannot represent");
        }
        return whole;
    }

    private boolean bool(ModelSignature.Input input, String column, String value, String field, int row) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw StewardException.invalid(field, at(row) + "'" + column + "' " + missing(row) + ", which the model's BOOL input "
                    + input.name() + " cannot represent");
        };
    }
}
