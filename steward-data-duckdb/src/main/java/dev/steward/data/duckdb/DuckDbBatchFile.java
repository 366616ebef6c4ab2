package dev.steward.data.duckdb;

import static dev.steward.data.duckdb.DuckDbTableReader.identifier;
import static dev.steward.data.duckdb.DuckDbTableReader.literal;
import static java.util.Objects.requireNonNull;

import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import dev.steward.spi.data.ColumnType;
import dev.steward.spi.data.DataFormat;
import dev.steward.spi.data.ReadOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.function.Consumer;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * A tabular file (CSV, JSON Lines, a JSON array, Parquet) as batch scoring reads it, without ever
 * holding more of it than one batch in the Java heap: its columns, typed as an import types them;
 * chosen columns streamed in the file's row order, a batch at a time, each read as what the model
 * needs; computed columns appended row by row beside it; and the output written by DuckDB (CSV,
 * JSON Lines or Parquet) as the file's columns, all or some, joined row by row with the computed
 * ones. The file is read again for the output rather than kept: DuckDB works in native memory
 * within its memory limit and spills to a temporary directory. Not thread-safe.
 *
 * <p>Why the columns of CSV and JSON files are streamed as text: DuckDB types them from a sample
 * of rows, and a later value that does not fit (an "N/A" at row 50,000 of a numeric column)
 * would fail the read; DuckDB's JDBC driver then reports a streamed result as merely invalid, the
 * reason lost. Read as text and cast value by value ({@code TRY_CAST}), every value arrives and one
 * that cannot be read as asked is handed to {@link Batches#unreadable} with its row. The output,
 * written by one {@code COPY} whose errors do arrive, uses the sampled types, and types found from
 * every row when a value does not fit them.
 */
public final class DuckDbBatchFile implements AutoCloseable {
    private static final String COMPUTED = "computed";

    private final Path file;
    private final String fileName;
    private final DataFormat format;
    private final ReadOptions options;
    private final Path spill;
    private final Connection connection;
    private final Map<String, ColumnType> columns = new LinkedHashMap<>();
    /** The file with its sampled types fixed: what the output copies. */
    private final String typed;
    /** The file with every CSV or JSON column as the text it holds (Parquet as it is): what a scan reads. */
    private final String text;
    private Connection appending;
    private DuckDBAppender appender;
    private List<ColumnType> computed = List.of();

    /** How a scan reads a column. */
    public enum Reading {
        /** As a number (Double): a numeric column as it is, any other from its text. */
        NUMBER,
        /** As a boolean: a boolean column as it is, any other from its text ({@code true}, {@code false}). */
        BOOLEAN,
        /**
         * As the file types it, as an import hands values over (Long, Double, Boolean, String,
         * dates and times as ISO text); a value that does not fit its column's sampled type as its text.
         */
        VALUE
    }

    /** Receives a {@link #scan} batch by batch: begun, its values handed to the columns' consumers row by row, ended. */
    public interface Batches {
        /** A batch begins with row {@code firstRow} of the file (counted from 1). */
        void begin(long firstRow);

        /** The batch's {@code rows} rows were handed over. */
        void end(int rows);

        /**
         * A value that cannot be read as asked ({@link Reading#NUMBER} or {@link Reading#BOOLEAN}),
         * with its text. Throw to end the scan; on return the value is handed over as missing.
         */
        void unreadable(long row, String column, String text, Reading reading);
    }

    private DuckDbBatchFile(Path file, String fileName, DataFormat format, ReadOptions options, String memoryLimit) throws SQLException,
            IOException {
        this.file = file;
        this.fileName = fileName;
        this.format = format;
        this.options = options;
        this.spill = Files.createTempDirectory("steward-duckdb-");
        Map<String, String> duckTypes = new LinkedHashMap<>();
        Connection opened = null;
        try {
            opened = DuckDbTableReader.connect(memoryLimit, spill, true, true);
            try (Statement statement = opened.createStatement();
                    ResultSet rs = statement.executeQuery("DESCRIBE SELECT * FROM " + DuckDbTableReader.source(format, file, options, false))) {
                while (rs.next()) {
                    String name = rs.getString("column_name");
                    duckTypes.put(name, rs.getString("column_type"));
                    columns.put(name, DuckDbTableReader.type(rs.getString("column_type")));
                }
            }
        } catch (SQLException | RuntimeException e) {
            if (opened != null) {
                opened.close();
            }
            DuckDbTableReader.deleteQuietly(spill);
            throw e;
        }
        this.connection = opened;
        this.typed = fixedTypes(duckTypes);
        Map<String, String> varchar = new LinkedHashMap<>();
        duckTypes.keySet().forEach(name -> varchar.put(name, "VARCHAR"));
        this.text = fixedTypes(varchar);
    }

    /**
     * Opens {@code file}: finds its format and its columns' types (from a sample of rows, for CSV
     * and JSON), and for CSV checks that every record has as many fields as the header.
     *
     * @param fileName the file's name as messages name it
     * @param format the file's format; empty to tell it from the name or the first bytes
     * @param memoryLimit DuckDB's memory limit, e.g. {@code 512MB}; beyond it DuckDB spills to disk
     * @throws StewardException {@code INVALID_PARAMETER_VALUE} on field {@code file} when the file cannot be read as its format
     */
    public static DuckDbBatchFile open(Path file, String fileName, Optional<DataFormat> format, String memoryLimit) {
        requireNonNull(file, "file is null");
        requireNonNull(fileName, "fileName is null");
        requireNonNull(format, "format is null");
        requireNonNull(memoryLimit, "memoryLimit is null");
        if (DuckDbTableReader.size(file) == 0) {
            throw StewardException.invalid("file", "'" + fileName + "' is empty");
        }
        ReadOptions given = new ReadOptions(format, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        DataFormat detected = DuckDbTableReader.format(file, fileName, given);
        ReadOptions options = DuckDbTableReader.checkedCsv(file, fileName, detected, given);
        try {
            return new DuckDbBatchFile(file, fileName, detected, options, memoryLimit);
        } catch (SQLException e) {
            throw DuckDbTableReader.unreadable(fileName, detected, e);
        } catch (IOException e) {
            throw StewardException.of(ErrorCode.TEMPORARILY_UNAVAILABLE, "cannot create a temporary directory to read '" + fileName + "'", e);
        }
    }

    public DataFormat format() {
        return format;
    }

    /** The file's columns in file order, with their types. */
    public Map<String, ColumnType> columns() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    }

    /** Adds the columns that {@link #append} fills, row by row, in the order of the file's rows. */
    public void addColumns(Map<String, ColumnType> added) {
        if (!computed.isEmpty()) {
            throw new IllegalStateException("the computed columns were added already");
        }
        StringJoiner definition = new StringJoiner(", ", "CREATE TABLE " + COMPUTED + " (", ")");
        added.forEach((name, type) -> definition.add(identifier(name) + " " + duckType(type)));
        try (Statement statement = connection.createStatement()) {
            statement.execute(definition.toString());
            // Its own connection: appending on the scan's would end the scan's pending result.
            appending = connection.unwrap(DuckDBConnection.class).duplicate();
            appender = appending.unwrap(DuckDBConnection.class).createAppender(DuckDBConnection.DEFAULT_SCHEMA, COMPUTED);
        } catch (SQLException e) {
            throw StewardException.internal("adding the computed columns to '" + fileName + "'", e);
        }
        computed = List.copyOf(added.values());
    }

    /** Appends one row of computed values (String, or a Number for a numeric column; null for none), in the order of {@link #addColumns}. */
    public void append(Object[] values) {
        try {
            appender.beginRow();
            for (int i = 0; i < computed.size(); i++) {
                Object value = values[i];
                if (value == null) {
                    appender.appendNull();
                } else if (computed.get(i) == ColumnType.FLOAT) {
                    appender.append(((Number) value).doubleValue());
                } else if (computed.get(i) == ColumnType.INTEGER) {
                    appender.append(((Number) value).longValue());
                } else {
                    appender.append(value.toString());
                }
            }
            appender.endRow();
        } catch (SQLException e) {
            throw StewardException.internal("appending computed values for '" + fileName + "'", e);
        }
    }

    /**
     * Streams the values of {@code names} in the file's row order, {@code batchSize} rows at a
     * time: each row's values to {@code values} (one consumer per column, in the same order), each
     * column read as its {@code readings} says; null for a missing value. Returns the number of rows.
     */
    public long scan(List<String> names, List<Reading> readings, List<Consumer<Object>> values, int batchSize, Batches batches) {
        if (names.size() != values.size() || names.size() != readings.size() || batchSize < 1) {
            throw new IllegalArgumentException(names.size() + " columns, " + readings.size() + " readings, " + values.size()
                    + " consumers, batches of " + batchSize);
        }
        List<Selected> selected = new ArrayList<>();
        StringJoiner select = new StringJoiner(", ", "SELECT ", " FROM " + text);
        for (int i = 0; i < names.size(); i++) {
            Selected column = selection(knownColumn(names.get(i)), readings.get(i));
            selected.add(column);
            select.add(column.value);
            column.otherwise.ifPresent(select::add);
        }
        if (names.isEmpty()) {
            select.add("1");
        }
        long rows = query(select.toString(), rs -> {
            long row = 0;
            int inBatch = 0;
            while (rs.next()) {
                row++;
                if (inBatch == 0) {
                    batches.begin(row);
                }
                int index = 1;
                for (int i = 0; i < selected.size(); i++) {
                    Selected column = selected.get(i);
                    Object value = DuckDbTableReader.value(rs, index++, column.type);
                    if (column.otherwise.isPresent()) {
                        String other = rs.getString(index++);
                        if (other != null && column.reading == Reading.VALUE) {
                            value = other;
                        } else if (other != null) {
                            batches.unreadable(row, names.get(i), other, column.reading);
                        }
                    }
                    values.get(i).accept(value);
                }
                if (++inBatch == batchSize) {
                    batches.end(inBatch);
                    inBatch = 0;
                }
            }
            if (inBatch > 0) {
                batches.end(inBatch);
            }
            return row;
        }, this::reason);
        long counted = query("SELECT COUNT(*) FROM " + text, rs -> rs.next() ? rs.getLong(1) : -1, e -> unreadable(e));
        if (counted != rows) {
            throw StewardException.internal("reading '" + fileName + "' gave " + rows + " rows of its " + counted, null);
        }
        return rows;
    }

    /** A column as a scan selects it: its value (of {@code type}) and, where that may fail, its text when it does. */
    private record Selected(Reading reading, String value, ColumnType type, Optional<String> otherwise) {
    }

    private Selected selection(String name, Reading reading) {
        ColumnType sampled = columns.get(name);
        String column = identifier(name);
        boolean asText = format != DataFormat.PARQUET;
        ColumnType target = switch (reading) {
            case NUMBER -> ColumnType.FLOAT;
            case BOOLEAN -> ColumnType.BOOLEAN;
            case VALUE -> sampled;
        };
        boolean fits = switch (reading) {
            case NUMBER -> sampled.numeric();
            case BOOLEAN -> sampled == ColumnType.BOOLEAN;
            case VALUE -> true;
        };
        if (!asText && fits) {
            return new Selected(reading, DuckDbTableReader.select(name, sampled), sampled, Optional.empty());
        }
        if (target == ColumnType.STRING) {
            return new Selected(reading, column, ColumnType.STRING, Optional.empty());
        }
        String source = asText ? column : "CAST(" + column + " AS VARCHAR)";
        String cast = "TRY_CAST(" + source + " AS " + duckType(target) + ")";
        String value = target == ColumnType.DATE || target == ColumnType.TIMESTAMP ? "CAST(" + cast + " AS VARCHAR)" : cast;
        return new Selected(reading, value, target, Optional.of("CASE WHEN " + cast + " IS NULL THEN " + source + " END"));
    }

    /**
     * Writes {@code output} (which must not exist) in {@code format}: the file's columns named in
     * {@code kept}, as they are in the file (from a CSV file into a CSV file, as the very text), then
     * the computed columns, row by row.
     *
     * @throws StewardException {@code INVALID_PARAMETER_VALUE} on field {@code output} when DuckDB cannot write it
     */
    public void write(Path output, DataFormat format, List<String> kept) {
        try {
            if (appender != null) {
                appender.close();
                appender = null;
            }
        } catch (SQLException e) {
            throw StewardException.internal("storing the computed values for '" + fileName + "'", e);
        }
        boolean copiesText = format == DataFormat.CSV && this.format == DataFormat.CSV;
        try {
            copy(output, format, kept, copiesText ? text : typed);
        } catch (SampledTypesDoNotFit e) {
            DuckDbTableReader.deleteQuietly(output);
            copy(output, format, kept, DuckDbTableReader.source(this.format, file, options, true));
        }
    }

    private void copy(Path output, DataFormat format, List<String> kept, String input) {
        String settings = switch (format) {
            case CSV -> "FORMAT csv, HEADER true";
            case JSONL -> "FORMAT json";
            case PARQUET -> "FORMAT parquet";
            case JSON -> throw new IllegalArgumentException("batch output is CSV, JSON Lines or Parquet");
        };
        StringJoiner select = new StringJoiner(", ", "SELECT ", "");
        kept.forEach(name -> select.add("f." + identifier(knownColumn(name))));
        String from;
        if (computed.isEmpty()) {
            from = " FROM " + input + " AS f";
        } else {
            select.add("c.*");
            from = kept.isEmpty() ? " FROM " + COMPUTED + " AS c" : " FROM " + input + " AS f POSITIONAL JOIN " + COMPUTED + " AS c";
        }
        String copy = "COPY (" + select + from + ") TO " + literal(output.toString()) + " (" + settings + ")";
        query(copy, rs -> null, e -> {
            if (DuckDbTableReader.isConversionError(e) && input.equals(typed)) {
                return new SampledTypesDoNotFit(e);
            }
            return StewardException.invalid("output", "cannot write " + output.getFileName() + " from '" + fileName + "': "
                    + DuckDbTableReader.clean(e.getMessage()));
        });
    }

    private interface Answer<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> T query(String sql, Answer<T> answer, java.util.function.Function<SQLException, RuntimeException> failure) {
        try (Statement statement = connection.createStatement()) {
            if (!statement.execute(sql)) {
                return null;
            }
            try (ResultSet rs = statement.getResultSet()) {
                return answer.read(rs);
            }
        } catch (SQLException e) {
            throw failure.apply(e);
        }
    }

    private RuntimeException unreadable(SQLException e) {
        return DuckDbTableReader.unreadable(fileName, format, e);
    }

    /**
     * Why a streamed read failed: DuckDB's driver may say only that the result is invalid, so the
     * file is read once more by a query whose error arrives whole (a count).
     */
    private RuntimeException reason(SQLException e) {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM " + text)) {
            rs.next();
        } catch (SQLException cause) {
            return unreadable(cause);
        }
        return unreadable(e);
    }

    /** The file as a table function whose CSV and JSON column types are fixed to these. */
    private String fixedTypes(Map<String, String> duckTypes) {
        String plain = DuckDbTableReader.source(format, file, options, false);
        if (format == DataFormat.PARQUET) {
            return plain;
        }
        StringJoiner types = new StringJoiner(", ", "{", "}");
        duckTypes.forEach((name, type) -> types.add(literal(name) + ": " + literal(type)));
        // With the types given, DuckDB need not sample the rows again (nor find other types in them).
        String key = format == DataFormat.CSV ? "types" : "columns";
        return plain.substring(0, plain.length() - 1) + ", " + key + " = " + types + ")";
    }

    private String knownColumn(String name) {
        if (!columns.containsKey(name)) {
            throw StewardException.invalid("columns", "'" + fileName + "' has no column '" + name + "'; its columns are " + columns.keySet());
        }
        return name;
    }

    private static String duckType(ColumnType type) {
        return switch (type) {
            case INTEGER -> "BIGINT";
            case FLOAT -> "DOUBLE";
            case BOOLEAN -> "BOOLEAN";
            case STRING -> "VARCHAR";
            case DATE -> "DATE";
            case TIMESTAMP -> "TIMESTAMP";
        };
    }

    @Override
    public void close() {
        try {
            if (appender != null) {
                appender.close();
            }
            if (appending != null) {
                appending.close();
            }
            connection.close();
        } catch (SQLException e) {
            throw StewardException.internal("closing DuckDB after reading '" + fileName + "'", e);
        } finally {
            DuckDbTableReader.deleteQuietly(spill);
        }
    }

    /** A value further on than the sample did not fit its column's sampled type. */
    private static final class SampledTypesDoNotFit extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SampledTypesDoNotFit(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
