package dev.steward.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.spi.StewardException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code steward gc}: deletes the artifact store's blobs that nothing refers to (needs an admin token). */
@Command(name = "gc", description = "Delete stored blobs nothing refers to (needs an admin token); --dry-run only lists them.")
final class GcCommand extends ClientCommand<JsonNode> {
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})([smhd])");
    /** The orphans listed for people; --json lists all. */
    private static final int LISTED = 20;

    @Option(names = "--older-than", defaultValue = "24h", paramLabel = "DURATION",
            description = "Only blobs last stored longer ago than this: 30m, 24h (default), 7d, or 0 for any. A blob uploaded to be"
                    + " referenced gets this long to get its reference.")
    String olderThan;

    @Option(names = "--dry-run", description = "List what would be deleted, delete nothing.")
    boolean dryRun;

    @Override
    JsonNode request() {
        return client().collectGarbage(duration(olderThan), dryRun);
    }

    static Duration duration(String text) {
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw StewardException.invalid("older-than", "'" + text + "' is not a duration: a whole number and a unit, s, m, h or d"
                    + " (30m, 24h, 7d), or 0");
        }
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    @Override
    void print(JsonNode report, PrintWriter out) {
        out.println((report.get("dry_run").asBoolean() ? "dry run, nothing deleted: " : "") + "scanned " + report.get("blobs_scanned").asLong()
                + " blobs (" + report.get("bytes_scanned").asLong() + " bytes); " + report.get("orphans_found").asLong() + " referenced by nothing"
                + " and last stored before " + report.get("cutoff").asText() + " (" + report.get("orphan_bytes").asLong() + " bytes); deleted "
                + report.get("deleted").asLong() + " (" + report.get("deleted_bytes").asLong() + " bytes)");
        JsonNode orphans = report.get("orphans");
        if (orphans.isEmpty()) {
            return;
        }
        Table table = new Table("ORPHAN SHA256", "BYTES", "LAST STORED");
        for (int i = 0; i < Math.min(LISTED, orphans.size()); i++) {
            JsonNode blob = orphans.get(i);
            table.row(blob.get("sha256").asText(), blob.get("size").asLong(), blob.get("last_written").asText());
        }
        table.print(out);
        if (orphans.size() > LISTED) {
            out.println("... and " + (orphans.size() - LISTED) + " more (--json lists them all)");
        }
    }
}
