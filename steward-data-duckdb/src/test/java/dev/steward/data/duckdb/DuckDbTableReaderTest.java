package dev.steward.data.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.spi.StewardException;
import dev.steward.spi.data.ColumnSummary;
import dev.steward.spi.data.ColumnType;
import dev.steward.spi.data.DataFormat;
import dev.steward.spi.data.ReadOptions;
import dev.steward.spi.data.TableSummary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DuckDbTableReaderTest {
    private final DuckDbTableReader reader = new DuckDbTableReader("512MB");

    @TempDir
    Path dir;

    @Test
    void readsPenguinsCsvWithItsMissingValues() throws IOException {
        TableSummary summary = read("penguins.csv", ReadOptions.detect());

        assertThat(summary.format()).isEqualTo(DataFormat.CSV);
        assertThat(summary.rowCount()).isEqualTo(344);
        assertThat(summary.columns()).extracting(ColumnSummary::name)
                .containsExactly("species", "island", "beak_length_mm", "beak_depth_mm", "flipper_length_mm", "body_mass_g", "sex");
        assertThat(column(summary, "species").type()).isEqualTo(ColumnType.STRING);
        assertThat(column(summary, "species").domain()).contains(List.of("Adelie", "Chinstrap", "Gentoo"));
        assertThat(column(summary, "beak_length_mm").type()).isEqualTo(ColumnType.FLOAT);
        assertThat(column(summary, "flipper_length_mm").type()).isEqualTo(ColumnType.INTEGER);
        // Null counts as pandas reports them (df.isna().sum()).
        assertThat(column(summary, "beak_length_mm").nullCount()).isEqualTo(2);
        assertThat(column(summary, "body_mass_g").nullCount()).isEqualTo(2);
        assertThat(column(summary, "sex").nullCount()).isEqualTo(10);
        assertThat(column(summary, "species").nullable()).isFalse();
        assertThat(column(summary, "body_mass_g").mean().getAsDouble()).isCloseTo(4201.754385964912, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(column(summary, "body_mass_g").stddev().getAsDouble()).isCloseTo(801.9545356980955, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(column(summary, "body_mass_g").min()).contains("2700");
    }

    @Test
    void readsSeattleWeatherWithDates() throws IOException {
        TableSummary summary = read("seattle-weather.csv", ReadOptions.detect());

        assertThat(summary.rowCount()).isEqualTo(1461);
        assertThat(column(summary, "date").type()).isEqualTo(ColumnType.DATE);
        assertThat(column(summary, "date").min()).contains("2012-01-01");
        assertThat(column(summary, "weather").domain()).contains(List.of("drizzle", "fog", "rain", "snow", "sun"));
        assertThat(summary.columns()).allSatisfy(c -> assertThat(c.nullCount()).isZero());
    }

    @Test
    void readsJsonArraysAndJsonLines() throws IOException {
        TableSummary array = read("penguins.json", ReadOptions.detect());
        assertThat(array.format()).isEqualTo(DataFormat.JSON);
        assertThat(array.rowCount()).isEqualTo(344);

        Path lines = Files.writeString(dir.resolve("events.jsonl"), "{\"id\": 1, \"ok\": true}\n{\"id\": 2, \"ok\": false}\n{\"id\": 3, \"ok\": null}\n");
        TableSummary jsonl = reader.read(lines, "events.jsonl", ReadOptions.detect(), s -> { }, dev.steward.spi.data.TableReader.RowSink.NONE);
        assertThat(jsonl.rowCount()).isEqualTo(3);
        assertThat(column(jsonl, "ok").type()).isEqualTo(ColumnType.BOOLEAN);
        assertThat(column(jsonl, "ok").nullCount()).isEqualTo(1);
    }

    @Test
    void readsTheFlightsJsonArray() throws IOException {
        TableSummary summary = read("flights-20k.json", ReadOptions.detect());

        assertThat(summary.format()).isEqualTo(DataFormat.JSON);
        assertThat(summary.rowCount()).isEqualTo(20_000);
        assertThat(summary.columns()).extracting(c -> c.name() + ":" + c.type() + ":" + c.nullCount())
                .containsExactly("date:STRING:0", "delay:INTEGER:0", "distance:INTEGER:0", "origin:STRING:0", "destination:STRING:0");
    }

    @Test
    void scanStreamsTheRequestedColumnsWithTheTypesOfTheFirstRead() {
        Path file = write("scan.csv", "a,b,c\n1,x,2.5\n2,,3.5\n");
        TableSummary summary = reader.read(file, "scan.csv", ReadOptions.detect(), s -> { }, dev.steward.spi.data.TableReader.RowSink.NONE);
        List<Object> a = new ArrayList<>();
        List<Object> b = new ArrayList<>();

        reader.scan(file, "scan.csv", ReadOptions.detect(), List.of(summary.columns().get(0), summary.columns().get(1)),
                column -> column.name().equals("a") ? a::add : b::add);

        assertThat(a).containsExactlyInAnyOrder(1L, 2L);
        assertThat(b).containsExactlyInAnyOrder("x", null);
        ColumnSummary renamed = new ColumnSummary(0, "gone", ColumnType.INTEGER, false, 0, 2, Optional.empty(), Optional.empty(),
                java.util.OptionalDouble.empty(), java.util.OptionalDouble.empty(), Optional.empty());
        assertThatThrownBy(() -> reader.scan(file, "scan.csv", ReadOptions.detect(), List.of(renamed), column -> value -> { }))
                .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.code().name()).isEqualTo("INVALID_STATE"))
                .hasMessageContaining("no longer gives column 'gone'");
    }

    @Test
    void scanKeepsTheRowsOfEveryColumnInFileOrderOnLargeFiles() throws java.io.IOException {
        int rows = 400_000;
        StringBuilder csv = new StringBuilder("a,b,c\n");
        for (int i = 0; i < rows; i++) {
            csv.append(i).append(',').append(i * 2).append(",r").append(i).append('\n');
        }
        Path file = write("large.csv", csv.toString());
        TableSummary summary = reader.read(file, "large.csv", ReadOptions.detect(), s -> { }, dev.steward.spi.data.TableReader.RowSink.NONE);
        long[] a = new long[rows];
        long[] b = new long[rows];
        String[] c = new String[rows];
        int[] next = new int[3];
        reader.scan(file, "large.csv", ReadOptions.detect(), summary.columns(), column -> switch (column.name()) {
            case "a" -> value -> a[next[0]++] = (Long) value;
            case "b" -> value -> b[next[1]++] = (Long) value;
            default -> value -> c[next[2]++] = (String) value;
        });

        for (int i = 0; i < rows; i++) {
            if (a[i] != i || b[i] != 2L * i || !c[i].equals("r" + i)) {
                throw new AssertionError("row " + i + " is (" + a[i] + ", " + b[i] + ", " + c[i] + ")");
            }
        }
    }

    @Test
    void readsTheFlightsParquetFile() {
        Path flights = Path.of("../../shared/data/flights-3m.parquet");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(flights), "the shared flights data set is not on this machine");
        TableSummary summary = reader.read(flights, "flights-3m.parquet", ReadOptions.detect(), s -> { }, dev.steward.spi.data.TableReader.RowSink.NONE);

        assertThat(summary.format()).isEqualTo(DataFormat.PARQUET);
        assertThat(summary.rowCount()).isEqualTo(3_000_000);
        assertThat(summary.columns()).extracting(ColumnSummary::name).containsExactly("date", "delay", "distance", "origin", "destination");
    }

    @Test
    void streamsTheDistinctSubjectsOfASubjectColumn() {
        Path file = write("people.csv", "person,score\nann,1\nbob,2\nann,3\n");
        List<String> subjects = new ArrayList<>();

        reader.read(file, "people.csv", new ReadOptions(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of("person")), subjects::add, dev.steward.spi.data.TableReader.RowSink.NONE);

        assertThat(subjects).containsExactlyInAnyOrder("ann", "bob");
        assertThatThrownBy(() -> reader.read(file, "people.csv", new ReadOptions(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of("nobody")), s -> { }, dev.steward.spi.data.TableReader.RowSink.NONE))
                .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.getMessage()).contains("there is no column 'nobody'"));
    }

    @Test
    void honoursAnExplicitDelimiterAndHeader() {
        Path file = write("semi.txt", "1;x\n2;y\n");
        TableSummary summary = reader.read(file, "semi.txt", new ReadOptions(Optional.of(DataFormat.CSV), Optional.of(';'), Optional.empty(),
                Optional.of(false), Optional.empty()), s -> { }, dev.steward.spi.data.TableReader.RowSink.NONE);

        assertThat(summary.rowCount()).isEqualTo(2);
        assertThat(summary.columns()).hasSize(2);
    }

    @Test
    void aValueBeyondTheTypeSampleWidensTheColumnInsteadOfFailing() {
        StringBuilder csv = new StringBuilder("id,amount\n");
        for (int i = 0; i < 30_000; i++) {
            csv.append(i).append(',').append(i % 100).append('\n');
        }
        csv.append("30000,12.5\n30001,unknown\n");
        TableSummary summary = reader.read(write("late.csv", csv.toString()), "late.csv", ReadOptions.detect(), s -> { }, dev.steward.spi.data.TableReader.RowSink.NONE);

        assertThat(summary.rowCount()).isEqualTo(30_002);
        assertThat(column(summary, "amount").type()).isEqualTo(ColumnType.STRING);
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        assertInvalid(write("empty.csv", ""), "empty.csv", "is empty");
        assertInvalid(write("ragged.csv", "a,b\n1,2\n3,4,5\n6,7\n"), "ragged.csv", "line");
        assertInvalid(write("fake.parquet", "this is not parquet at all"), "fake.parquet", "parquet");
        assertInvalid(write("data.xyz", "a b c"), "data.xyz", "cannot tell the format");
        assertInvalid(write("broken.json", "[{\"a\": 1}, {\"a\": "), "broken.json", "cannot read 'broken.json' as json");
        assertInvalid(write("header-only.csv", "a,b\n"), "header-only.csv", "no rows");
        assertInvalid(write("truncated.csv", "a,b\n1,2\n3,\"unterminated\n"), "truncated.csv", "line 3");
        assertInvalid(write("truncated.jsonl", "{\"a\": 1}\n{\"a\": 2, \"b\""), "truncated.jsonl", "cannot read 'truncated.jsonl' as jsonl");
        assertInvalid(write("binary.csv", "a,b\n1,2\n\u0000\u0001\u0002garbage\n"), "binary.csv", "line 3");
    }

    @Test
    void aColumnNameWithANulCharacterIsRejectedAsBadInput() {
        assertInvalid(write("nul-key.jsonl", "{\"a\\u0000b\": 1, \"c\": 2}\n"), "nul-key.jsonl", "NUL");
        assertInvalid(write("nul-header.csv", "a\u0000b,c\n1,2\n"), "nul-header.csv", "NUL");
    }

    @Test
    void columnsWithEmptyOrQuotedNamesAreRead() {
        TableSummary summary = reader.read(write("odd-keys.jsonl", "{\"\": 1, \"say \\\"hi\\\"\": \"x\"}\n"), "odd-keys.jsonl",
                ReadOptions.detect(), s -> { }, dev.steward.spi.data.TableReader.RowSink.NONE);

        assertThat(summary.columns()).extracting(ColumnSummary::name).hasSize(2).contains("say \"hi\"");
    }

    private void assertInvalid(Path file, String name, String message) {
        assertThatThrownBy(() -> reader.read(file, name, ReadOptions.detect(), s -> { }, dev.steward.spi.data.TableReader.RowSink.NONE))
                .as(name)
                .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.code().name()).isEqualTo("INVALID_PARAMETER_VALUE"))
                .hasMessageContaining(message);
    }

    private TableSummary read(String resource, ReadOptions options) throws IOException {
        Path file = dir.resolve(resource);
        try (InputStream in = getClass().getResourceAsStream("/data/" + resource)) {
            Files.copy(in, file);
        }
        return reader.read(file, resource, options, s -> { }, dev.steward.spi.data.TableReader.RowSink.NONE);
    }

    private Path write(String name, String content) {
        try {
            return Files.writeString(dir.resolve(name), content);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static ColumnSummary column(TableSummary summary, String name) {
        return summary.columns().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }
}
