package dev.steward.data.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.data.duckdb.DuckDbBatchFile.Reading;
import dev.steward.spi.StewardException;
import dev.steward.spi.data.ColumnType;
import dev.steward.spi.data.DataFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file read for batch scoring: its columns typed as an import types them, chosen columns
 * streamed in row order a batch at a time, each read as asked (a value that cannot be, reported
 * with its row, also far beyond the rows DuckDB samples its types from), and computed columns
 * written beside the file's in each output format.
 */
class DuckDbBatchFileTest {
    private static final String MEMORY = "256MB";

    @TempDir
    Path dir;

    @Test
    void columnsAreStreamedInRowOrderBatchByBatchAndWrittenBackBesideTheComputedOnes() throws Exception {
        Path csv = Files.writeString(dir.resolve("in.csv"), "name,size,when,flag\na,1.50,2024-01-02,true\nb,,2024-01-03,false\nc,3,,\n");
        List<String> events = new ArrayList<>();
        try (DuckDbBatchFile file = DuckDbBatchFile.open(csv, "in.csv", Optional.empty(), MEMORY)) {
            assertThat(file.format()).isEqualTo(DataFormat.CSV);
            assertThat(file.columns()).containsExactly(Map.entry("name", ColumnType.STRING), Map.entry("size", ColumnType.FLOAT),
                    Map.entry("when", ColumnType.DATE), Map.entry("flag", ColumnType.BOOLEAN));
            Map<String, ColumnType> computed = new LinkedHashMap<>();
            computed.put("label", ColumnType.STRING);
            computed.put("score", ColumnType.FLOAT);
            file.addColumns(computed);
            long[] first = {0};
            long rows = file.scan(List.of("size", "when", "flag"), List.of(Reading.NUMBER, Reading.VALUE, Reading.VALUE),
                    List.of(recorder(events, "size"), recorder(events, "when"), recorder(events, "flag")), 2, new Recorder(events) {
                        @Override
                        public void begin(long firstRow) {
                            super.begin(firstRow);
                            first[0] = firstRow;
                        }

                        @Override
                        public void end(int size) {
                            super.end(size);
                            for (int i = 0; i < size; i++) {
                                file.append(new Object[] {"row " + (first[0] + i), i == 0 ? 0.25 : null});
                            }
                        }
                    });
            assertThat(rows).isEqualTo(3);
            file.write(dir.resolve("out.csv"), DataFormat.CSV, List.of("name", "size", "when"));
            file.write(dir.resolve("out.parquet"), DataFormat.PARQUET, List.of("size"));
            file.write(dir.resolve("out.jsonl"), DataFormat.JSONL, List.of());
        }

        assertThat(events).containsExactly("begin 1", "size Double 1.5", "when String 2024-01-02", "flag Boolean true", "size null", "when String"
                + " 2024-01-03", "flag Boolean false", "end 2", "begin 3", "size Double 3.0", "when null", "flag null", "end 1");
        assertThat(Files.readAllLines(dir.resolve("out.csv"))).as("a CSV's values as they were written")
                .containsExactly("name,size,when,label,score", "a,1.50,2024-01-02,row 1,0.25", "b,,2024-01-03,row 2,", "c,3,,row 3,0.25");
        assertThat(Files.readAllLines(dir.resolve("out.jsonl"))).containsExactly("{\"label\":\"row 1\",\"score\":0.25}",
                "{\"label\":\"row 2\",\"score\":null}", "{\"label\":\"row 3\",\"score\":0.25}");
        assertThat(query("SELECT size, label, score FROM read_parquet('" + dir.resolve("out.parquet") + "')"))
                .containsExactly("1.5|row 1|0.25", "null|row 2|null", "3.0|row 3|0.25");
    }

    @Test
    void aValueThatCannotBeReadAsAskedIsReportedWithItsRowAlsoBeyondTheSampledRows() throws IOException {
        StringBuilder text = new StringBuilder("id,mass,code\n");
        for (int i = 1; i <= 25_000; i++) {
            text.append(i).append(',').append(i == 24_000 ? "heavy" : String.valueOf(i * 2)).append(',').append(i == 24_500 ? "x7" : i)
                    .append('\n');
        }
        Path csv = Files.writeString(dir.resolve("late.csv"), text);
        List<String> events = new ArrayList<>();
        List<Object> masses = new ArrayList<>();
        try (DuckDbBatchFile file = DuckDbBatchFile.open(csv, "late.csv", Optional.empty(), MEMORY)) {
            assertThat(file.columns()).containsEntry("mass", ColumnType.INTEGER).containsEntry("code", ColumnType.INTEGER);
            file.addColumns(Map.of("score", ColumnType.FLOAT));
            file.scan(List.of("mass", "id"), List.of(Reading.NUMBER, Reading.VALUE), List.of(masses::add, value -> { }), 10_000,
                    new Recorder(events) {
                        @Override
                        public void end(int rows) {
                            for (int i = 0; i < rows; i++) {
                                file.append(new Object[] {1.0});
                            }
                        }
                    });
            Path output = dir.resolve("out.parquet");
            file.write(output, DataFormat.PARQUET, List.of("id", "code"));
            assertThat(query("SELECT count(*), count(score), max(id) FROM read_parquet('" + output + "')")).containsExactly("25000|25000|25000");
            assertThat(query("SELECT code FROM read_parquet('" + output + "') WHERE id IN (24499, 24500)")).as("the output typed from every row")
                    .containsExactly("24499", "x7");
        }
        assertThat(events).containsExactly("begin 1", "begin 10001", "begin 20001", "unreadable row 24000 mass 'heavy' as NUMBER");
        assertThat(masses).hasSize(25_000).element(23_999).isNull();
        assertThat(masses.get(0)).isEqualTo(2.0);
    }

    @Test
    void numbersWrittenAsTextAreReadAsNumbersAndTextIsNot() throws IOException {
        Path jsonl = Files.writeString(dir.resolve("in.jsonl"), "{\"n\": \"12\", \"b\": true}\n{\"n\": null, \"b\": \"no\"}\n{\"n\": \"2.5\", \"b\": 1}\n");
        List<Object> numbers = new ArrayList<>();
        List<Object> flags = new ArrayList<>();
        List<String> events = new ArrayList<>();
        try (DuckDbBatchFile file = DuckDbBatchFile.open(jsonl, "in.jsonl", Optional.empty(), MEMORY)) {
            assertThat(file.columns()).containsEntry("n", ColumnType.STRING);
            file.scan(List.of("n", "b", "n"), List.of(Reading.NUMBER, Reading.BOOLEAN, Reading.BOOLEAN), List.of(numbers::add, flags::add, v -> { }),
                    10, new Recorder(events));
            assertThatThrownBy(() -> file.scan(List.of("m"), List.of(Reading.VALUE), List.of(v -> { }), 1, new Recorder(events)))
                    .isInstanceOf(StewardException.class).hasMessage("'in.jsonl' has no column 'm'; its columns are [n, b]");
        }
        assertThat(numbers).containsExactly(12.0, null, 2.5);
        assertThat(flags).containsExactly(true, false, true);
        assertThat(events).containsExactly("begin 1", "unreadable row 1 n '12' as BOOLEAN", "unreadable row 3 n '2.5' as BOOLEAN", "end 3");
    }

    /** Records a scan's batches and unreadable values. */
    private static class Recorder implements DuckDbBatchFile.Batches {
        private final List<String> events;

        Recorder(List<String> events) {
            this.events = events;
        }

        @Override
        public void begin(long firstRow) {
            events.add("begin " + firstRow);
        }

        @Override
        public void end(int rows) {
            events.add("end " + rows);
        }

        @Override
        public void unreadable(long row, String column, String text, Reading reading) {
            events.add("unreadable row " + row + " " + column + " '" + text + "' as " + reading);
        }
    }

    private static Consumer<Object> recorder(List<String> events, String column) {
        return value -> events.add(column + " " + (value == null ? "null" : value.getClass().getSimpleName() + " " + value));
    }

    private static List<String> query(String sql) {
        List<String> rows = new ArrayList<>();
        try (Connection duck = new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new java.util.Properties());
                Statement statement = duck.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.add(String.valueOf(rs.getObject(i)));
                }
                rows.add(String.join("|", row));
            }
        } catch (SQLException e) {
            throw new AssertionError(sql, e);
        }
        return rows;
    }
}
