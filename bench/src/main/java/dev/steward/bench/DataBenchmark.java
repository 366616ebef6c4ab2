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
        try (Connection duck = new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new java.util.Properties());
                Statement statement = duck.createStatement()) {
            statement.execute("COPY (SELECT * FROM read_parquet('" + parquet + "')) TO '" + csv + "' (HEADER, DELIMITER ',')");
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
        }
        System.out.println("csv for the pandas comparison: " + csv);
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
