package dev.steward.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.spi.StewardException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code steward data import|list|show|profile|diff|compare|validate|reports|suites|export|quarantine|release}. */
@Command(name = "data", description = "Import, inspect, compare, validate, quarantine and export dataset versions.",
        subcommands = {DataCommand.Import.class, DataCommand.ListDatasets.class, DataCommand.Show.class, DataCommand.Profile.class,
                DataCommand.Diff.class, DataCommand.Compare.class, DataCommand.Validate.class, DataCommand.Reports.class,
                DataCommand.Suites.class, DataCommand.Export.class, DataCommand.Quarantine.class, DataCommand.Release.class})
final class DataCommand extends CommandGroup {
    /** A command about one version of a dataset: {@code NAME [-v VERSION]}. */
    abstract static class OneVersion extends ClientCommand<JsonNode> {
        @Parameters(index = "0", paramLabel = "NAME", description = "Dataset name.")
        String name;

        @Option(names = {"-v", "--at"}, defaultValue = "latest", paramLabel = "VERSION", description = "Version number or latest (default).")
        String version;
    }

    @Command(name = "import", description = "Import a CSV, JSON Lines, JSON or Parquet file as the next version of a dataset.")
    static final class Import extends ClientCommand<JsonNode> {
        @Parameters(index = "0", paramLabel = "NAME", description = "Dataset name.")
        String name;

        @Parameters(index = "1", paramLabel = "FILE", description = "The file to import.")
        Path file;

        @Option(names = "--format", description = "csv, jsonl, json or parquet (default: from the file name or content).")
        String format;

        @Option(names = "--delimiter", description = "CSV delimiter (default: detected; \\t for tab).")
        String delimiter;

        @Option(names = "--no-header", description = "The CSV file has no header line.")
        boolean noHeader;

        @Option(names = "--subject-column", paramLabel = "COLUMN", description = "Column with data subject ids, to index.")
        String subjectColumn;

        @Option(names = "--description", description = "What this version is.")
        String description;

        @Override
        JsonNode request() {
            if (!Files.isRegularFile(file)) {
                throw StewardException.invalid("file", "no such file: " + file);
            }
            Map<String, String> options = new LinkedHashMap<>();
            if (format != null) {
                options.put("format", format);
            }
            if (delimiter != null) {
                options.put("delimiter", delimiter);
            }
            if (noHeader) {
                options.put("header", "false");
            }
            if (subjectColumn != null) {
                options.put("subject_column", subjectColumn);
            }
            if (description != null) {
                options.put("description", description);
            }
            return client().importDataset(name, file, options);
        }

        @Override
        void print(JsonNode result, PrintWriter out) {
            JsonNode v = result.get("version");
            out.println((result.get("created").asBoolean() ? "imported " : "unchanged: identical to ") + name + " version "
                    + v.get("version").asInt() + " (" + v.get("row_count").asLong() + " rows, " + v.get("columns").size()
                    + " columns, sha256 " + v.get("sha256").asText() + ")");
        }
    }

    @Command(name = "list", description = "List datasets.")
    static final class ListDatasets extends ClientCommand<JsonNode> {
        @Override
        JsonNode request() {
            return client().listDatasets();
        }

        @Override
        void print(JsonNode body, PrintWriter out) {
            Table table = new Table("NAME", "VERSIONS", "LATEST", "CREATED");
            body.get("datasets").forEach(d -> table.row(d.get("name").asText(), d.get("version_count").asInt(),
                    d.get("latest_version").asInt(), d.get("created_at").asText()));
            table.print(out);
        }
    }

    @Command(name = "show", description = "Show a version's schema and column summaries.")
    static final class Show extends OneVersion {
        @Override
        JsonNode request() {
            return client().getDatasetVersion(name, version);
        }

        @Override
        void print(JsonNode v, PrintWriter out) {
            out.println(name + " version " + v.get("version").asInt() + ": " + v.get("row_count").asLong() + " rows, "
                    + v.get("format").asText() + ", " + v.get("size").asLong() + " bytes, " + v.get("status").asText() + ", sha256 "
                    + v.get("sha256").asText());
            Table table = new Table("COLUMN", "TYPE", "NULLS", "DISTINCT", "MIN", "MAX", "MEAN", "STDDEV", "VALUES");
            v.get("columns").forEach(c -> table.row(c.get("name").asText(), c.get("type").asText(), c.get("null_count").asLong(),
                    c.get("distinct_count").asLong(), Cells.text(c, "min"), Cells.text(c, "max"), Cells.number(c, "mean"),
                    Cells.number(c, "stddev"), c.hasNonNull("domain") ? abbreviate(c.get("domain").toString()) : ""));
            table.print(out);
        }

        private static String abbreviate(String text) {
            return text.length() <= 60 ? text : text.substring(0, 57) + "...";
        }
    }

    @Command(name = "profile", description = "Show the mergeable profile (quantiles, distinct counts, frequent values) of one or more versions.")
    static final class Profile extends ClientCommand<JsonNode> {
        @Parameters(paramLabel = "NAME", description = "Dataset name.")
        String name;

        @Option(names = {"-v", "--at"}, paramLabel = "VERSION", split = ",", defaultValue = "latest",
                description = "Version(s); several are merged (default: latest).")
        List<String> versions;

        @Override
        JsonNode request() {
            return client().profileDataset(name, versions);
        }

        @Override
        void print(JsonNode profile, PrintWriter out) {
            out.println(name + ": " + profile.get("rows").asLong() + " rows");
            Table table = new Table("COLUMN", "TYPE", "COUNT", "NULLS", "DISTINCT~", "MEAN", "P50", "MIN", "MAX", "TOP");
            profile.get("columns").forEach(c -> table.row(c.get("name").asText(), c.get("type").asText(), c.get("count").asLong(),
                    c.get("nulls").asLong(), Math.round(c.get("distinct_estimate").asDouble()), Cells.number(c, "mean"),
                    Cells.number(c.path("quantiles"), "p50"), bound(c, "min"), bound(c, "max"),
                    c.path("top_items").size() > 0 ? c.get("top_items").get(0).get("value").asText() + " ("
                            + c.get("top_items").get(0).get("estimate").asLong() + ")" : ""));
            table.print(out);
        }

        /** A number's bound, a date's or time's as text; none for strings, whose alphabetical bounds say little. */
        private static String bound(JsonNode column, String field) {
            if (column.hasNonNull(field)) {
                return Cells.number(column, field);
            }
            return column.path("type").asText().equals("string") ? "" : Cells.text(column, field + "_text");
        }
    }

    @Command(name = "diff", description = "Compare the schemas of two versions: columns added, removed, retyped; changed categories.")
    static final class Diff extends ClientCommand<JsonNode> {
        @Parameters(index = "0", paramLabel = "NAME", description = "Dataset name.")
        String name;

        @Parameters(index = "1", paramLabel = "FROM")
        int from;

        @Parameters(index = "2", paramLabel = "TO")
        int to;

        @Override
        JsonNode request() {
            return client().diffDataset(name, from, to);
        }

        @Override
        void print(JsonNode diff, PrintWriter out) {
            Table table = new Table("CHANGE", "COLUMN", "DETAIL");
            diff.get("added").forEach(c -> table.row("added", c.asText(), ""));
            diff.get("removed").forEach(c -> table.row("removed", c.asText(), ""));
            diff.get("retyped").forEach(c -> table.row("type", c.get("column").asText(), c.get("from").asText() + " -> " + c.get("to").asText()));
            diff.get("nullability").forEach(c -> table.row("nulls", c.get("column").asText(),
                    c.get("from").asText() + " -> " + c.get("to").asText()));
            diff.get("domains").forEach(c -> table.row("values", c.get("column").asText(), Stream.of(values("added", c.get("added_values")),
                    values("removed", c.get("removed_values"))).filter(text -> !text.isEmpty()).collect(Collectors.joining("; "))));
            out.println(name + ": version " + to + " against version " + from + ": "
                    + (table.size() == 0 ? "the same schema" : table.size() + " changes"));
            if (table.size() > 0) {
                table.print(out);
            }
        }

        private static String values(String what, JsonNode values) {
            return values.isEmpty() ? "" : what + " " + StreamSupport.stream(values.spliterator(), false).map(JsonNode::asText)
                    .collect(Collectors.joining(", "));
        }
    }

    @Command(name = "export", description = "Write a version's original bytes to a file.")
    static final class Export extends OneVersion {
        @Option(names = {"-o", "--output"}, required = true, description = "File to write (must not exist).")
        Path output;

        @Override
        JsonNode request() {
            JsonNode v = client().getDatasetVersion(name, version);
            OutputFile.write(output, () -> client().downloadDatasetVersion(name, v.get("version").asText()));
            return v;
        }

        @Override
        void print(JsonNode v, PrintWriter out) {
            out.println("wrote " + output + " (" + name + " version " + v.get("version").asInt() + ", " + v.get("size").asLong() + " bytes)");
        }
    }

    @Command(name = "compare",
            description = "Compare the distributions of two versions column by column (KS or chi-squared test, PSI, Jensen-Shannon, Wasserstein).")
    static final class Compare extends ClientCommand<JsonNode> {
        @Parameters(index = "0", paramLabel = "NAME", description = "Dataset name.")
        String name;

        @Parameters(index = "1", paramLabel = "REFERENCE", description = "The version to compare against.")
        int reference;

        @Parameters(index = "2", paramLabel = "CURRENT", arity = "0..1", defaultValue = "0", description = "The version compared (default: latest).")
        int current;

        @Option(names = "--correction", defaultValue = "bh", description = "Multiple-testing correction: none, bonferroni or bh (default).")
        String correction;

        @Option(names = "--alpha", defaultValue = "0.05", description = "A column drifted when its corrected p-value is below this (default 0.05).")
        double alpha;

        @Override
        JsonNode request() {
            return client().compareDataset(name, reference, current, correction, alpha);
        }

        @Override
        void print(JsonNode comparison, PrintWriter out) {
            out.println(name + ": version " + comparison.get("current_version").asInt() + " against version "
                    + comparison.get("reference_version").asInt() + ", " + comparison.get("drifted_columns").asInt() + " of "
                    + comparison.get("tested_columns").asInt() + " tested columns drifted (" + comparison.get("correction").asText()
                    + " correction, alpha " + comparison.get("alpha").asDouble() + ")");
            Table table = new Table("COLUMN", "TEST", "STATISTIC", "P-VALUE", "ADJUSTED", "PSI", "JS", "WASSERSTEIN", "DRIFT");
            comparison.get("columns").forEach(col -> table.row(col.get("column").asText(), col.hasNonNull("test") ? col.get("test").asText() : "-",
                    Cells.number(col, "statistic"), Cells.number(col, "p_value"), Cells.number(col, "adjusted_p_value"), Cells.number(col, "psi"),
                    Cells.number(col, "jensen_shannon"), Cells.number(col, "wasserstein"),
                    col.hasNonNull("skipped") ? "skipped: " + col.get("skipped").asText() : col.get("drifted").asBoolean() ? "DRIFT" : "no"));
            table.print(out);
        }
    }

    @Command(name = "validate", description = "Run a validation suite on a version; exits 1 when a check of severity error fails.")
    static final class Validate extends OneVersion {
        @Option(names = "--suite", required = true, paramLabel = "FILE|NAME[@VERSION]",
                description = "A YAML or JSON suite file (stored as the next version of its name), or a stored suite.")
        String suite;

        @Override
        JsonNode request() {
            Path file = Path.of(suite);
            if (Files.isRegularFile(file)) {
                String definition;
                try {
                    definition = Files.readString(file);
                } catch (IOException e) {
                    throw StewardException.invalid("suite", "cannot read " + file + ": " + e.getMessage());
                }
                JsonNode stored = client().addValidationSuite(definition);
                return client().validateDataset(name, version, stored.get("name").asText(), stored.get("version").asInt());
            }
            if (suite.contains("/") || suite.matches("(?i).*\\.(ya?ml|json)")) {
                throw StewardException.invalid("suite", "no such suite file: " + file);
            }
            int at = suite.lastIndexOf('@');
            int suiteVersion = 0;
            if (at >= 0) {
                try {
                    suiteVersion = Integer.parseInt(suite.substring(at + 1));
                } catch (NumberFormatException e) {
                    throw StewardException.invalid("suite", "'" + suite + "' is neither a file nor NAME@VERSION");
                }
            }
            return client().validateDataset(name, version, at < 0 ? suite : suite.substring(0, at), suiteVersion);
        }

        @Override
        void print(JsonNode report, PrintWriter out) {
            printReport(out, report);
        }

        @Override
        int status(JsonNode report) {
            return report.get("passed").asBoolean() ? 0 : Main.FAILED;
        }
    }

    @Command(name = "reports", description = "Show the validation reports of a version, newest first.")
    static final class Reports extends OneVersion {
        @Override
        JsonNode request() {
            return client().validationReports(name, version);
        }

        @Override
        void print(JsonNode reports, PrintWriter out) {
            if (reports.get("reports").isEmpty()) {
                out.println("no validation reports for " + name + " version " + version);
            }
            reports.get("reports").forEach(r -> printReport(out, r));
        }
    }

    @Command(name = "suites", description = "List the stored validation suites (latest version of each).")
    static final class Suites extends ClientCommand<JsonNode> {
        @Override
        JsonNode request() {
            return client().listValidationSuites();
        }

        @Override
        void print(JsonNode suites, PrintWriter out) {
            Table table = new Table("SUITE", "VERSION", "SHA256", "CREATED", "BY");
            suites.get("suites").forEach(s -> table.row(s.get("name").asText(), s.get("version").asInt(), s.get("sha256").asText().substring(0, 12),
                    s.get("created_at").asText(), s.get("created_by").asText()));
            table.print(out);
        }
    }

    /** Quarantining or releasing a version: both need the version named and a reason for the audit log. */
    abstract static class StatusChange extends ClientCommand<JsonNode> {
        @Parameters(index = "0", paramLabel = "NAME", description = "Dataset name.")
        String name;

        @Option(names = {"-v", "--at"}, required = true, paramLabel = "VERSION", description = "Version number.")
        String version;

        @Option(names = "--reason", required = true, description = "Why; kept in the audit log.")
        String reason;

        @Override
        void print(JsonNode v, PrintWriter out) {
            out.println(name + " version " + v.get("version").asInt() + " is " + v.get("status").asText() + " (" + reason + ")");
        }
    }

    @Command(name = "quarantine", description = "Quarantine a version: training and evaluation on it then need an audited override.")
    static final class Quarantine extends StatusChange {
        @Override
        JsonNode request() {
            return client().quarantineDatasetVersion(name, version, reason);
        }
    }

    @Command(name = "release", description = "Release a quarantined version.")
    static final class Release extends StatusChange {
        @Override
        JsonNode request() {
            return client().releaseDatasetVersion(name, version, reason);
        }
    }

    static void printReport(PrintWriter out, JsonNode report) {
        out.println(report.get("dataset").asText() + " version " + report.get("version").asInt() + " against suite " + report.get("suite").asText()
                + "@" + report.get("suite_version").asInt() + ": " + (report.get("passed").asBoolean() ? "PASSED" : "FAILED")
                + (report.get("quarantined").asBoolean() ? ", version quarantined" : "") + " (report " + report.get("id").asText() + ")");
        Table table = new Table("#", "CHECK", "COLUMN", "SEVERITY", "RESULT", "DETAIL");
        report.get("checks").forEach(c -> table.row(c.get("index").asInt(), c.get("check").asText(), Cells.text(c, "column"),
                c.get("severity").asText(), c.get("passed").asBoolean() ? "pass" : "FAIL", c.get("message").asText()));
        table.print(out);
    }
}
