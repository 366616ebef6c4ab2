package dev.steward.cli;

import static dev.steward.cli.TestServer.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.core.training.ModelEvaluator;
import dev.steward.server.Steward;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batch scoring as a user runs it: a penguins random forest trained through the job queue,
 * registered and promoted, then {@code steward predict --model models:/penguins@production} on
 * CSV, Parquet and JSON Lines files, with the same predictions as the core's evaluation of the same
 * rows; and bad input (a missing column, a value of the wrong type, also beyond the rows DuckDB
 * samples its types from, an unknown category) and a revoked version, which fail naming the column
 * and the row, with an exit status and no output file left behind.
 */
class PredictCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MEASUREMENTS = "[beak_length_mm, beak_depth_mm, flipper_length_mm, body_mass_g]";
    private static final String MODEL = "models:/penguins@production";
    private static final List<String> PREDICTIONS = List.of("prediction", "probability_Adelie", "probability_Chinstrap", "probability_Gentoo",
            "confidence");

    @TempDir
    static Path home;

    @TempDir
    static Path files;

    static TestServer server;
    static Path penguins;
    static List<String> header;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.start(home);
        penguins = files.resolve("penguins.csv");
        try (InputStream in = PredictCommandTest.class.getResourceAsStream("/data/penguins.csv")) {
            Files.copy(in, penguins);
        }
        header = Arrays.asList(Files.readAllLines(penguins).get(0).split(","));
        ok(server.cli("data", "import", "penguins", penguins.toString()));
        Path spec = Files.writeString(files.resolve("penguins.yaml"), """
                experiment: penguins
                dataset: {name: penguins, version: 1}
                target: species
                task: multiclass_classification
                seed: 7
                features: [island, sex, beak_length_mm, beak_depth_mm, flipper_length_mm, body_mass_g]
                preprocessing:
                  - {step: impute, columns: %s, strategy: median}
                  - {step: one_hot, columns: [island, sex], handle_unknown: error}
                algorithm:
                  name: random_forest
                  hyperparameters: {n_trees: 20}
                """.formatted(MEASUREMENTS));
        String trained = ok(server.cli("train", spec.toString(), "--wait")).out();
        String run = trained.replaceAll("(?s).*\\(run (\\w+)\\).*", "$1");
        ok(server.cli("models", "register", "penguins", "--run", run));
        ok(server.cli("models", "promote", "penguins/1", "--to", "production"));
        ok(server.cli("models", "register", "penguins", "--run", run));
        ok(server.cli("models", "revoke", "penguins", "--version", "2", "--reason", "trained on leaked labels"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aCsvIsScoredIntoACsvWithTheSamePredictionsAsTheCoresEvaluationOfTheSameRows() throws Exception {
        Path output = files.resolve("scored.csv");
        Cli predicted = ok(server.cli("predict", "--model", MODEL, "--input", penguins.toString(), "--output", output.toString()));

        assertThat(predicted.out()).startsWith("predicted 344 rows of " + penguins + " with " + MODEL + " (penguins version 1, model ")
                .contains(") into " + output + " in ").contains("columns: species, island, beak_length_mm");
        List<List<String>> rows = csv(output);
        List<String> columns = new ArrayList<>(header);
        columns.addAll(PREDICTIONS);
        assertThat(rows.get(0)).containsExactlyElementsOf(columns);
        assertThat(rows).hasSize(345);
        assertThat(rows.subList(1, rows.size()).stream().map(r -> r.subList(0, header.size())))
                .as("the input's columns as they were").containsExactlyElementsOf(csv(penguins).subList(1, 345));

        Steward steward = server.server().steward();
        ModelEvaluator.Predictions evaluated = steward.evaluator().predict(steward.registry().packageOf(steward.registry().version("penguins", 1)
                .version()), steward.datasets().version("penguins", 1));
        String[] predictions = rows.stream().skip(1).map(r -> r.get(header.size())).toArray(String[]::new);
        assertThat(predictions).as("row by row, the core's predictions of the same rows").containsExactly(evaluated.predicted());
        int correct = 0;
        for (List<String> row : rows.subList(1, rows.size())) {
            double[] probabilities = row.subList(header.size() + 1, header.size() + 4).stream().mapToDouble(Double::parseDouble).toArray();
            assertThat(Arrays.stream(probabilities).sum()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(Double.parseDouble(row.get(header.size() + 4))).isEqualTo(Arrays.stream(probabilities).max().orElseThrow());
            correct += row.get(0).equals(row.get(header.size())) ? 1 : 0;
        }
        JsonNode evaluation = JSON.readTree(ok(server.cli("evaluate", "--model", MODEL, "--data", "penguins@1", "--json")).out());
        assertThat(correct / 344.0).as("the evaluation's accuracy on the same rows").isEqualTo(evaluation.at("/metrics/accuracy").asDouble());
    }

    @Test
    void aCsvIsScoredIntoParquetAndJsonLinesIntoJsonLinesKeepingTheColumnsAsked() throws Exception {
        Path csvOutput = files.resolve("all.csv");
        ok(server.cli("predict", "--model", MODEL, "--input", penguins.toString(), "--output", csvOutput.toString()));
        List<String> expected = csv(csvOutput).stream().skip(1).map(r -> r.get(header.size())).toList();

        Path parquet = files.resolve("scored.parquet");
        ok(server.cli("predict", "--model", MODEL, "--input", penguins.toString(), "--output", parquet.toString(), "--keep", "species,island"));
        try (Connection duck = new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new java.util.Properties());
                Statement statement = duck.createStatement()) {
            List<String> columns = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery("DESCRIBE SELECT * FROM read_parquet('" + parquet + "')")) {
                while (rs.next()) {
                    columns.add(rs.getString(1) + " " + rs.getString(2));
                }
            }
            assertThat(columns).containsExactly("species VARCHAR", "island VARCHAR", "prediction VARCHAR", "probability_Adelie DOUBLE",
                    "probability_Chinstrap DOUBLE", "probability_Gentoo DOUBLE", "confidence DOUBLE");
            assertThat(strings(statement, "SELECT prediction FROM read_parquet('" + parquet + "')")).containsExactlyElementsOf(expected);

            Path jsonl = files.resolve("penguins.jsonl");
            statement.execute("COPY (SELECT * FROM read_csv('" + penguins + "')) TO '" + jsonl + "' (FORMAT json)");
            Path scored = files.resolve("scored.jsonl");
            ok(server.cli("predict", "--model", MODEL, "--input", jsonl.toString(), "--output", scored.toString(), "--only-predictions"));
            List<String> lines = Files.readAllLines(scored);
            assertThat(lines).hasSize(344);
            JsonNode first = JSON.readTree(lines.get(0));
            assertThat(first.fieldNames()).toIterable().containsExactlyElementsOf(PREDICTIONS);
            assertThat(lines.stream().map(l -> readTree(l).get("prediction").asText())).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void aMissingColumnAValueOfTheWrongTypeAndAnUnknownCategoryFailNamingTheColumnAndTheRowAndWriteNothing() throws IOException {
        // Each failing file is written to out-<name>.parquet, which must not appear, whole or partial.
        List<String> lines = Files.readAllLines(penguins);
        assertFails(write("no-sex.csv", lines.stream().map(l -> l.substring(0, l.lastIndexOf(','))).toList()),
                "error: the model needs the column 'sex' (input sex), which 'no-sex.csv' does not have [input]");

        List<String> heavy = new ArrayList<>(lines);
        heavy.set(5, heavy.get(5).replace(",3450,", ",heavy,"));
        assertFails(write("heavy.csv", heavy), "error: row 5: 'body_mass_g' holds 'heavy', which the model's FP64 input body_mass_g cannot"
                + " represent (it needs a number) [input]");

        // DuckDB types a CSV's columns from its first rows; a bad value after them is found all the same.
        List<String> many = new ArrayList<>(List.of(lines.get(0)));
        while (many.size() <= 24_000) {
            many.addAll(lines.subList(1, lines.size()));
        }
        many.set(24_000, many.get(24_000).replaceFirst(",[0-9]+,([A-Z]*)$", ",heavy,$1"));
        assertFails(write("late.csv", many), "error: row 24000: 'body_mass_g' holds 'heavy', which the model's FP64 input body_mass_g cannot"
                + " represent (it needs a number) [input]");

        List<String> atlantis = new ArrayList<>(lines);
        atlantis.set(7, atlantis.get(7).replace(",Torgersen,", ",Atlantis,"));
        assertFails(write("atlantis.csv", atlantis), "error: row 7: 'island' holds the category 'Atlantis', unseen in training, and the model"
                + " refuses unknown categories (handle_unknown: error) [input]");

        Cli revoked = server.cli("predict", "--model", "models:/penguins/2", "--input", penguins.toString(), "--output",
                files.resolve("out-revoked.csv").toString());
        assertThat(revoked.status()).isEqualTo(Main.FAILED);
        assertThat(revoked.err()).startsWith("error: penguins version 2 is revoked: trained on leaked labels; it is not scored");

        Path existing = Files.writeString(files.resolve("existing.csv"), "keep me\n");
        Cli refused = server.cli("predict", "--model", MODEL, "--input", penguins.toString(), "--output", existing.toString());
        assertThat(refused.status()).isEqualTo(Main.FAILED);
        assertThat(refused.err()).contains(existing + " already exists; choose another file");
        assertThat(Files.readString(existing)).isEqualTo("keep me\n");
    }

    private static void assertFails(Path input, String message) throws IOException {
        Path output = files.resolve("out-" + input.getFileName().toString().replace(".csv", ".parquet"));
        Cli failed = server.cli("predict", "--model", MODEL, "--input", input.toString(), "--output", output.toString());
        assertThat(failed.status()).as(failed.out()).isEqualTo(Main.FAILED);
        assertThat(failed.err().strip()).isEqualTo(message);
        try (Stream<Path> left = Files.list(files)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("no output, whole or partial").noneMatch(n -> n.startsWith("out-")
                    || n.startsWith(".out-"));
        }
    }

    private static Path write(String name, List<String> lines) throws IOException {
        return Files.write(files.resolve(name), lines, StandardCharsets.UTF_8);
    }

    /** A CSV file's fields (none of penguins' fields is quoted). */
    private static List<List<String>> csv(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(l -> Arrays.asList(l.split(",", -1))).toList();
    }

    private static List<String> strings(Statement statement, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    private static JsonNode readTree(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
