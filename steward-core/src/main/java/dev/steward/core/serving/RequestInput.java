package dev.steward.core.serving;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.serving.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a prediction request asks the model, decoded from its protocol but not yet checked
 * against any version's signature (the version is chosen after the request is read): typed
 * tensors, one per graph input (Open Inference Protocol), or a table of values, one per dataset
 * column (MLflow's scoring protocol, Steward's records API).
 */
public sealed interface RequestInput {
    /** The request's scalar parameters as text (OIP {@code parameters}, MLflow {@code params}): where a sticky key may be found. */
    Map<String, String> parameters();

    /**
     * Typed tensors, each named after a graph input.
     *
     * @param outputs the outputs asked for; empty for all of the graph's tensor outputs
     */
    record Tensors(List<Tensor> tensors, Optional<Set<String>> outputs, Map<String, String> parameters) implements RequestInput {
        public Tensors {
            tensors = List.copyOf(tensors);
            outputs = requireNonNull(outputs, "outputs is null").map(Set::copyOf);
            parameters = Map.copyOf(parameters);
        }
    }

    /**
     * Columns of values, each a {@code Double}, {@code Long}, {@code String}, {@code Boolean} or
     * {@code null} (missing) per row, as the request held them.
     *
     * @param field where the rows are in the request ({@code records}, {@code dataframe_split}...), for errors about them as a whole
     * @param columns the column names, or empty when the values are given by position (in the order of the columns the signature reads)
     * @param values one array of {@code rows} values per column
     * @param textual whether every value came as text (CSV): numbers are then parsed from it, and an empty value is missing
     */
    record Table(String field, List<String> columns, List<Object[]> values, int rows, boolean textual, Map<String, String> parameters)
            implements RequestInput {
        public Table {
            requireNonNull(field, "field is null");
            columns = List.copyOf(columns);
            values = Collections.unmodifiableList(new ArrayList<>(values));
            parameters = Map.copyOf(parameters);
            if (!columns.isEmpty() && columns.size() != values.size()) {
                throw new IllegalArgumentException(columns.size() + " column names for " + values.size() + " columns");
            }
            for (Object[] column : values) {
                if (column.length != rows) {
                    throw new IllegalArgumentException("a column of " + column.length + " values in a table of " + rows + " rows");
                }
            }
        }

        public boolean positional() {
            return columns.isEmpty();
        }
    }
}
