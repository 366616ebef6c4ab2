package dev.steward.bench;

import dev.steward.core.data.ImportResult;
import dev.steward.server.Steward;
import dev.steward.server.config.ConfigLoader;
import dev.steward.spi.Actor;
import dev.steward.spi.Caller;
import dev.steward.spi.Role;
import dev.steward.spi.data.ReadOptions;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;

/**
 * Import and full summary of flights-3m: from Parquet, and from the same rows written as CSV
 * (the file pandas reads in the comparison), with the peak Java heap. Arguments: the Parquet file
 * and a directory for the CSV copy.
 */
public final class DataBenchmark {
    private DataBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path parquet = Path.of(args.length > 0 ? args[0] : "../shared/data/flights-3m.parquet").toAbsolutePath();
        Path work = Files.createTempDirectory("steward-data-bench-");
        Path csv = work.resolve("flights-3m.csv");
        Path firstHalf = work.resolve("flights-first-half.parquet");
        Path secondHalf = work.resolve("flights-second-half.parquet");
        try (Connection duck = new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new java.util.Properties());
                Statement statement = duck.createStatement()) {
            statement.execute("COPY (SELECT * FROM read_parquet('" + parquet + "')) TO '" + csv + "' (HEADER, DELIMITER ',')");
            statement.execute("COPY (SELECT * FROM read_parquet('" + parquet + "') WHERE date < (SELECT quantile_disc(date, 0.5) FROM read_parquet('" + parquet + "'))) TO '" + firstHalf + "' (FORMAT PARQUET)");
            statement.execute("COPY (SELECT * FROM read_parquet('" + parquet + "') WHERE date >= (SELECT quantile_disc(date, 0.5) FROM read_parquet('" + parquet + "'))) TO '" + secondHalf + "' (FORMAT PARQUET)");
        }
        System.out.printf("flights-3m: parquet %.1f MB, csv %.1f MB (heap max %d MB)%n", Files.size(parquet) / 1e6, Files.size(csv) / 1e6,
                Runtime.getRuntime().maxMemory() >> 20);
        Caller caller = new Caller(new Actor("bench", "bench", Role.ADMIN), "0".repeat(64));
        try (Steward steward = Steward.open(ConfigLoader.load(work.resolve("home"), Map.of(), Map.of()))) {
            for (String round : new String[] {"warm-up", "measured"}) {
                for (Path file : new Path[] {parquet, csv}) {
                    resetPeaks();
                    long start = System.nanoTime();
                    ImportResult result = steward.datasets().importFile(caller, "flights-" + round + "-" + file.getFileName().toString().replace('.', '-'),
                            file, file.getFileName().toString(), ReadOptions.detect(), Optional.empty(), Map.of());
                    double seconds = (System.nanoTime() - start) / 1e9;
                    if (round.equals("measured")) {
                        System.out.printf("import + summary of %s: %d rows in %.2f s = %.2f M rows/s, peak heap %d MB%n",
                                file.getFileName(), result.version().rowCount(), seconds, result.version().rowCount() / seconds / 1e6,
                                peakHeap() >> 20);
                    }
                }
            }
            validateAndCompare(steward, caller, firstHalf, secondHalf);
        }
        System.out.println("csv for the pandas comparison: " + csv);
    }

    /** A suite with every kind of scan check plus drift, and a comparison of the earlier and the later half of the flights. */
    private static void validateAndCompare(Steward steward, Caller caller, Path firstHalf, Path secondHalf) {
        for (Path half : new Path[] {firstHalf, secondHalf}) {
            steward.datasets().importFile(caller, "flights-halves", half, half.getFileName().toString(), ReadOptions.detect(), Optional.empty(),
                    Map.of());
        }
        steward.datasets().addSuite(caller, String.join("\n",
                "name: flights-bench",
                "on_failure: report",
                "checks:",
                "  - {check: completeness, column: delay}",
                "  - {check: uniqueness, column: date, severity: warning}",
                "  - {check: range, column: distance, min: 0, max: 5000}",
                "  - {check: pattern, column: origin, regex: '[A-Z]{3}'}",
                "  - {check: allowed_values, column: destination, values: [LAX, SFO, ORD], min_fraction: 0}",
                "  - {check: quantile, column: delay, q: 0.9, max: 1000}",
                "  - {check: drift, reference: 1, severity: warning}", ""));
        for (String round : new String[] {"warm-up", "measured"}) {
            resetPeaks();
            long start = System.nanoTime();
            var report = steward.datasets().validate(caller, "flights-halves", 2, "flights-bench", 0);
            double validateSeconds = (System.nanoTime() - start) / 1e9;
            long validatePeak = peakHeap();
            resetPeaks();
            start = System.nanoTime();
            var comparison = steward.datasets().compare("flights-halves", 1, 2, dev.steward.core.data.compare.DriftOptions.DEFAULTS);
            double compareSeconds = (System.nanoTime() - start) / 1e9;
            if (round.equals("measured")) {
                long rows = steward.datasets().version("flights-halves", 2).rowCount();
                System.out.printf("validate (7 checks incl. drift) of %d rows: %.2f s, peak heap %d MB, passed=%s%n", rows, validateSeconds,
                        validatePeak >> 20, report.passed());
                System.out.printf("compare %d vs %d rows, %d columns tested, %d drifted: %.2f s, peak heap %d MB%n",
                        steward.datasets().version("flights-halves", 1).rowCount(), rows, comparison.testedColumns(), comparison.driftedColumns(),
                        compareSeconds, peakHeap() >> 20);
            }
        }
    }

    private static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
    }

    private static long peakHeap() {
        long total = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                total += pool.getPeakUsage().getUsed();
            }
        }
        return total;
    }
}
