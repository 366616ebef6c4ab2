package dev.steward.data.duckdb;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import dev.steward.spi.data.ColumnSummary;
import dev.steward.spi.data.ColumnType;
import dev.steward.spi.data.DataFormat;
import dev.steward.spi.data.ReadOptions;
import dev.steward.spi.data.TableReader;
import dev.steward.spi.data.TableReader.RowSink;
import dev.steward.spi.data.TableSummary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Consumer;

/**
 * Reads CSV, JSON Lines, JSON arrays and Parquet with an in-process DuckDB: the file is loaded
 * into a DuckDB table (native memory, spilling to a temporary directory, never the Java heap),
 * typed from a sample of rows (all rows when a later value does not fit the sampled type), and
 * summarised with SQL aggregates. Each call uses its own
 * in-memory database. Thread-safe.
 */
public final class DuckDbTableReader implements TableReader {
    private static final int MAX_ERROR = 1200;

    private final String memoryLimit;

    /** @param memoryLimit DuckDB's memory limit per read, e.g. {@code 1GB}; beyond it DuckDB spills to disk */
    public DuckDbTableReader(String memoryLimit) {
        this.memoryLimit = requireNonNull(memoryLimit, "memoryLimit is null");
        if (!memoryLimit.matches("\\d+(\\.\\d+)?\\s*[KMGT]i?B")) {
            throw new IllegalArgumentException("memoryLimit must look like 512MB or 2GB: " + memoryLimit);
        }
    }

    @Override
    public TableSummary read(Path file, String fileName, ReadOptions options, Consumer<String> subjects, RowSink rowSink) {
        return withTable(file, fileName, options, false, (connection, statement, format, names, duckTypes) -> {
            long rows = count(statement, "SELECT COUNT(*) FROM t");
            if (rows == 0) {
                throw StewardException.invalid("file", "'" + fileName + "' has a header but no rows: there is nothing to import");
            }
            List<ColumnSummary> columns = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                columns.add(summarise(statement, i, names.get(i), type(duckTypes.get(i)), rows));
            }
            options.subjectColumn().ifPresent(column -> streamSubjects(statement, column, names, subjects));
            if (rowSink.wantsRows()) {
                streamColumns(connection, columns, rowSink);
            }
            return new TableSummary(format, rows, columns);
        });
    }

    @Override
    public void scan(Path file, String fileName, ReadOptions options, List<ColumnSummary> columns, RowSink rowSink) {
        requireNonNull(columns, "columns is null");
        withTable(file, fileName, options, true, (connection, statement, format, names, duckTypes) -> {
            for (ColumnSummary column : columns) {
                int index = names.indexOf(column.name());
                if (index < 0 || type(duckTypes.get(index)) != column.type()) {
                    throw StewardException.invalidState("reading '" + fileName + "' again no longer gives column '" + column.name() + "' of type "
                            + column.type().name().toLowerCase(java.util.Locale.ROOT) + "; the reader changed since the import");
                }
            }
            streamColumns(connection, columns, rowSink);
            return null;
        });
    }

    /**
     * A fresh in-memory database within {@code memoryLimit}, spilling to {@code spill}; with
     * {@code rowOrder}, queries keep the order of the rows they read; with {@code stream}, results
     * are fetched as they are read instead of in one piece.
     */
    static Connection connect(String memoryLimit, Path spill, boolean rowOrder, boolean stream) throws SQLException {
        java.util.Properties properties = new java.util.Properties();
        if (stream) {
            properties.setProperty(org.duckdb.DuckDBDriver.JDBC_STREAM_RESULTS, "true");
        }
        // The driver directly, not DriverManager: server threads may not see drivers registered on another class loader.
        Connection connection = new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", properties);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET memory_limit = " + literal(memoryLimit));
            statement.execute("SET temp_directory = " + literal(spill.toString()));
            statement.execute("SET preserve_insertion_order = " + rowOrder);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    /**
     * For CSV, the options with the delimiter found (unless given) and the quote, once the file is
     * checked to be rectangular; the options as they are for the other formats.
     */
    static ReadOptions checkedCsv(Path file, String fileName, DataFormat format, ReadOptions options) {
        if (format != DataFormat.CSV) {
            return options;
        }
        char quote = options.quote().orElse('"');
        char delimiter = options.delimiter().orElseGet(() -> CsvStructure.detectDelimiter(file, quote));
        CsvStructure.checkRectangular(file, fileName, delimiter, quote);
        return new ReadOptions(options.format(), Optional.of(delimiter), Optional.of(quote), options.header(), options.subjectColumn());
    }

    /** The format of a file: as given, else from its name, else from its first bytes. */
    static DataFormat format(Path file, String fileName, ReadOptions options) {
        return options.format().or(() -> DataFormat.fromFileName(fileName)).or(() -> sniff(file))
                .orElseThrow(() -> StewardException.invalid("format", "cannot tell the format of '" + fileName
                        + "' from its name or content; pass --format (one of " + DataFormat.names() + ")"));
    }

    /** Work on a file loaded into the in-memory table {@code t}. */
    private interface TableWork<T> {
        T apply(Connection connection, Statement statement, DataFormat format, List<String> names, List<String> duckTypes) throws SQLException;
    }

    /**
     * Loads {@code file} into the table {@code t} of a fresh in-memory database (spilling to a
     * temporary directory beyond the memory limit) and runs {@code work} on it. With
     * {@code rowOrder}, the table keeps the file's row order and every query returns rows in it, so
     * that columns streamed by separate queries stay aligned row by row (training, validation);
     * without, DuckDB may load and scan in parallel in any order (summaries and profiles need no
     * order, and it is faster).
     */
    private <T> T withTable(Path file, String fileName, ReadOptions options, boolean rowOrder, TableWork<T> work) {
        requireNonNull(file, "file is null");
        requireNonNull(options, "options is null");
        long size = size(file);
        if (size == 0) {
            throw StewardException.invalid("file", "'" + fileName + "' is empty: there is nothing to import");
        }
        DataFormat format = format(file, fileName, options);
        Path spill = null;
        try {
            spill = Files.createTempDirectory("steward-duckdb-");
            try (Connection connection = connect(memoryLimit, spill, rowOrder, false); Statement settings = connection.createStatement()) {
                Statement statement = settings;
                ReadOptions effective = checkedCsv(file, fileName, format, options);
                try {
                    statement.execute("CREATE TABLE t AS SELECT * FROM " + source(format, file, effective, false));
                } catch (SQLException sampled) {
                    // Types are guessed from a sample of rows; a value further on that does not fit
                    // (an "N/A" in a numeric column at row 50,000) needs a slower scan of every row.
                    if (!isConversionError(sampled)) {
                        throw unreadable(fileName, format, sampled);
                    }
                    // DuckDB closes a statement that failed; carry on with a new one (closed with the connection).
                    statement = connection.createStatement();
                    try {
                        statement.execute("CREATE TABLE t AS SELECT * FROM " + source(format, file, effective, true));
                    } catch (SQLException e) {
                        throw unreadable(fileName, format, e);
                    }
                }
                List<String> names = new ArrayList<>();
                List<String> duckTypes = new ArrayList<>();
                try (ResultSet rs = statement.executeQuery("DESCRIBE t")) {
                    while (rs.next()) {
                        names.add(rs.getString("column_name"));
                        duckTypes.add(rs.getString("column_type"));
                    }
                }
                if (names.isEmpty()) {
                    throw StewardException.invalid("file", "'" + fileName + "' has no columns");
                }
                // DuckDB's SQL parser ends a quoted identifier at a NUL, so such a column cannot be queried (nor stored in PostgreSQL).
                for (int i = 0; i < names.size(); i++) {
                    if (names.get(i).indexOf('\0') >= 0) {
                        throw StewardException.invalid("file", "column " + (i + 1) + " of '" + fileName + "' has a NUL character in its name");
                    }
                }
                return work.apply(connection, statement, format, names, duckTypes);
            }
        } catch (SQLException e) {
            throw StewardException.of(ErrorCode.INTERNAL_ERROR, "reading '" + fileName + "' failed: " + clean(e.getMessage()), e);
        } catch (IOException e) {
            throw StewardException.of(ErrorCode.TEMPORARILY_UNAVAILABLE, "cannot create a temporary directory to read '" + fileName + "'", e);
        } finally {
            deleteQuietly(spill);
        }
    }

    private static ColumnSummary summarise(Statement statement, int position, String name, ColumnType type, long rows) throws SQLException {
        String column = identifier(name);
        String numeric = type.numeric() ? ", AVG(" + column + "), STDDEV_SAMP(" + column + ")" : ", NULL, NULL";
        String text = type == ColumnType.STRING ? column : "CAST(" + column + " AS VARCHAR)";
        String sql = "SELECT COUNT(" + column + "), COUNT(DISTINCT " + column + "), CAST(MIN(" + column + ") AS VARCHAR), CAST(MAX("
                + column + ") AS VARCHAR)" + numeric + " FROM t";
        long nonNull;
        long distinct;
        Optional<String> min;
        Optional<String> max;
        OptionalDouble mean;
        OptionalDouble stddev;
        try (ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            nonNull = rs.getLong(1);
            distinct = rs.getLong(2);
            min = Optional.ofNullable(rs.getString(3));
            max = Optional.ofNullable(rs.getString(4));
            mean = optionalDouble(rs, 5);
            stddev = optionalDouble(rs, 6);
        }
        Optional<List<String>> domain = Optional.empty();
        if (distinct <= ColumnSummary.MAX_DOMAIN && type != ColumnType.FLOAT) {
            List<String> values = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery("SELECT DISTINCT " + text + " AS v FROM t WHERE " + column + " IS NOT NULL ORDER BY v")) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
            domain = Optional.of(values);
        }
        long nulls = rows - nonNull;
        return new ColumnSummary(position, name, type, nulls > 0, nulls, distinct, min, max, mean, stddev, domain);
    }

    /**
     * Streams each column's values to its consumer, columns in parallel on duplicated connections to
     * the same in-memory database (one thread per core): reading one column at a time is also
     * cheaper than building a row object per row.
     */
    private static void streamColumns(Connection connection, List<ColumnSummary> columns, RowSink sink) throws SQLException {
        int threads = Math.max(1, Math.min(columns.size(), Runtime.getRuntime().availableProcessors()));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "steward-profile");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
            for (ColumnSummary column : columns) {
                Connection duplicate = ((org.duckdb.DuckDBConnection) connection.unwrap(org.duckdb.DuckDBConnection.class)).duplicate();
                Consumer<Object> consumer = sink.column(column);
                futures.add(pool.submit(() -> {
                    streamColumn(duplicate, column, consumer);
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> future : futures) {
                try {
                    future.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof SQLException sql ? sql : new SQLException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SQLException("interrupted while profiling", e);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void streamColumn(Connection connection, ColumnSummary column, Consumer<Object> consumer) throws SQLException {
        try (connection; Statement statement = connection.createStatement()) {
            statement.setFetchSize(10_000);
            try (ResultSet rs = statement.executeQuery("SELECT " + select(column.name(), column.type()) + " FROM t")) {
                while (rs.next()) {
                    consumer.accept(value(rs, 1, column.type()));
                }
            }
        }
    }

    /**
     * How a column of this type is selected to be read by {@link #value}: as it is, but dates, times
     * and anything else that is not a number, a boolean or text formatted by DuckDB
     * ({@code java.sql.Timestamp}'s toString costs more than the rest of profiling).
     */
    static String select(String name, ColumnType type) {
        return type.numeric() || type == ColumnType.BOOLEAN || type == ColumnType.STRING ? identifier(name)
                : "CAST(" + identifier(name) + " AS VARCHAR)";
    }

    /** A value of a column selected by {@link #select}, as {@link RowSink} hands them over: Long, Double, Boolean, String or null. */
    static Object value(ResultSet rs, int index, ColumnType type) throws SQLException {
        Object value = switch (type) {
            case INTEGER -> rs.getLong(index);
            case FLOAT -> rs.getDouble(index);
            case BOOLEAN -> rs.getBoolean(index);
            default -> rs.getString(index);
        };
        return rs.wasNull() ? null : value;
    }

    private static void streamSubjects(Statement statement, String column, List<String> names, Consumer<String> subjects) {
        if (!names.contains(column)) {
            throw StewardException.invalid("subject_column", "there is no column '" + column + "'; the columns are " + names);
        }
        try (ResultSet rs = statement.executeQuery("SELECT DISTINCT CAST(" + identifier(column) + " AS VARCHAR) FROM t WHERE "
                + identifier(column) + " IS NOT NULL")) {
            while (rs.next()) {
                subjects.accept(rs.getString(1));
            }
        } catch (SQLException e) {
            throw StewardException.internal("reading the subject column '" + column + "' failed", e);
        }
    }

    static boolean isConversionError(SQLException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("Could not convert") || message.contains("Conversion Error") || message.contains("could not be cast");
    }

    static String source(DataFormat format, Path file, ReadOptions options, boolean scanAll) {
        String sample = scanAll ? ", sample_size = -1" : "";
        String path = literal(file.toAbsolutePath().toString());
        return switch (format) {
            case CSV -> {
                StringBuilder csv = new StringBuilder("read_csv(").append(path).append(", auto_detect = true, strict_mode = true").append(sample);
                options.delimiter().ifPresent(d -> csv.append(", delim = ").append(literal(String.valueOf(d))));
                options.quote().ifPresent(q -> csv.append(", quote = ").append(literal(String.valueOf(q))));
                options.header().ifPresent(h -> csv.append(", header = ").append(h));
                yield csv.append(')').toString();
            }
            case JSONL -> "read_json(" + path + ", format = 'newline_delimited'" + sample + ")";
            case JSON -> "read_json(" + path + ", format = 'array'" + sample + ")";
            case PARQUET -> "read_parquet(" + path + ")";
        };
    }

    /** Guesses the format of a file without a telling name from its first bytes. */
    private static Optional<DataFormat> sniff(Path file) {
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, 4);
            if (n == 4 && head[0] == 'P' && head[1] == 'A' && head[2] == 'R' && head[3] == '1') {
                return Optional.of(DataFormat.PARQUET);
            }
            for (int i = 0; i < n; i++) {
                if (head[i] == '[') {
                    return Optional.of(DataFormat.JSON);
                }
                if (head[i] == '{') {
                    return Optional.of(DataFormat.JSONL);
                }
                if (!Character.isWhitespace(head[i])) {
                    return Optional.empty();
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    static ColumnType type(String duckType) {
        String t = duckType.toUpperCase(Locale.ROOT);
        if (t.equals("BOOLEAN")) {
            return ColumnType.BOOLEAN;
        }
        if (t.matches("(U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT))")) {
            return ColumnType.INTEGER;
        }
        if (t.startsWith("DOUBLE") || t.startsWith("FLOAT") || t.startsWith("REAL") || t.startsWith("DECIMAL")) {
            return ColumnType.FLOAT;
        }
        if (t.equals("DATE")) {
            return ColumnType.DATE;
        }
        if (t.startsWith("TIMESTAMP")) {
            return ColumnType.TIMESTAMP;
        }
        return ColumnType.STRING;
    }

    static StewardException unreadable(String fileName, DataFormat format, SQLException e) {
        return StewardException.invalid("file", "cannot read '" + fileName + "' as " + format.wireName() + ": " + clean(e.getMessage()));
    }

    /** DuckDB's message without its internal file paths' noise and at a readable length. */
    static String clean(String message) {
        String text = message == null ? "unknown error" : message.replaceAll("\\s*\\n\\s*", " ").trim();
        return text.length() > MAX_ERROR ? text.substring(0, MAX_ERROR) + "..." : text;
    }

    private static long count(Statement statement, String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static OptionalDouble optionalDouble(ResultSet rs, int index) throws SQLException {
        double value = rs.getDouble(index);
        return rs.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(value);
    }

    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    static String identifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw StewardException.invalid("file", "cannot read " + file + ": " + e.getMessage());
        }
    }

    static void deleteQuietly(Path directory) {
        if (directory == null) {
            return;
        }
        try (var files = Files.walk(directory)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover empty temporary directory is harmless.
        }
    }
}
