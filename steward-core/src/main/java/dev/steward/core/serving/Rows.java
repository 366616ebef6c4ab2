package dev.steward.core.serving;

import dev.steward.spi.serving.Tensor;
import java.util.List;

/** Tensors joined and split along their first axis, the rows of a batch. */
final class Rows {
    private Rows() {}

    /** The tensors (all of one name, datatype and row width) one after the other: a batch of their rows. */
    static Tensor concat(List<Tensor> parts) {
        Tensor first = parts.get(0);
        if (parts.size() == 1) {
            return first;
        }
        long rows = 0;
        int size = 0;
        for (Tensor part : parts) {
            rows += part.dimension(0);
            size += part.size();
        }
        Object data = first.datatype().newArray(size);
        int at = 0;
        for (Tensor part : parts) {
            System.arraycopy(part.data(), 0, data, at, part.size());
            at += part.size();
        }
        long[] shape = first.shape();
        shape[0] = rows;
        return new Tensor(first.name(), first.datatype(), shape, data);
    }

    /** Rows {@code from} (inclusive) to {@code to} (exclusive) of a tensor whose first axis counts rows. */
    static Tensor slice(Tensor tensor, int from, int to) {
        long rows = tensor.dimension(0);
        if (from == 0 && to == rows) {
            return tensor;
        }
        int width = rows == 0 ? 0 : (int) (tensor.size() / rows);
        Object data = tensor.datatype().newArray((to - from) * width);
        System.arraycopy(tensor.data(), from * width, data, 0, (to - from) * width);
        long[] shape = tensor.shape();
        shape[0] = to - from;
        return new Tensor(tensor.name(), tensor.datatype(), shape, data);
    }
}
