package dev.steward.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

/**
 * The files of the batch-scoring benchmark (bench/predict.sh), written with DuckDB from
 * flights-3m.parquet: a training sample of 100,000 rows drawn at random (seeded) with
 * {@code status = delay > 15 min ? late : on_time}, and the 3 M rows as CSV and as JSON Lines.
 * Run as a single-file program on the distribution's libraries. Arguments: flights-3m.parquet, the
 * directory to write into.
 */
public final class PredictFiles {
    private PredictFiles() {}

    public static void main(String[] args) throws Exception {
        Path flights = Path.of(args[0]).toAbsolutePath();
        Path out = Files.createDirectories(Path.of(args[1]));
        try (Connection duck = new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new java.util.Properties());
                Statement statement = duck.createStatement()) {
            String source = "read_parquet('" + flights + "')";
            statement.execute("COPY (SELECT distance, origin, destination, CASE WHEN delay > 15 THEN 'late' ELSE 'on_time' END AS status FROM "
                    + source + " USING SAMPLE reservoir(100000 ROWS) REPEATABLE (42)) TO '" + out.resolve("flights-sample.csv") + "' (HEADER)");
            statement.execute("COPY (SELECT * FROM " + source + ") TO '" + out.resolve("flights-3m.csv") + "' (HEADER)");
            statement.execute("COPY (SELECT * FROM " + source + ") TO '" + out.resolve("flights-3m.jsonl") + "' (FORMAT json)");
        }
    }
}
