package dev.steward.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.client.StewardClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code steward data import|list|show|profile|diff|compare|validate|reports|suites|export}. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Import, inspect, compare and export dataset versions.",
        subcommands = {DataCommand.Import.class, DataCommand.ListDatasets.class, DataCommand.Show.class, DataCommand.Profile.class,
                DataCommand.Diff.class, DataCommand.Compare.class, DataCommand.Validate.class, DataCommand.Reports.class,
                DataCommand.Suites.class, DataCommand.Export.class})
final class DataCommand implements Runnable {
    @ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Import a CSV, JSON Lines, JSON or Parquet file as the next version of a dataset.")
    static final class Import implements Runnable {
        @ParentCommand
        DataCommand parent;

        @Mixin
        ClientOptions client;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

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

        @Option(names = "--json", description = "Print the version as JSON.")
        boolean json;

        @Override
        public void run() {
            if (!Files.isRegularFile(file)) {
                throw dev.steward.spi.StewardException.invalid("file", "no such file: " + file);
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
            JsonNode result;
            try (StewardClient c = client.connect(parent.main.home.resolve())) {
                result = c.importDataset(name, file, options);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOutput.print(out, result);
                return;
            }
            JsonNode v = result.get("version");
            out.println((result.get("created").asBoolean() ? "imported " : "unchanged: identical to ") + name + " version "
                    + v.get("version").asInt() + " (" + v.get("row_count").asLong() + " rows, " + v.get("columns").size()
                    + " columns, sha256 " + v.get("sha256").asText() + ")");
            out.flush();
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List datasets.")
    static final class ListDatasets implements Runnable {
        @ParentCommand
        DataCommand parent;

        @Mixin
        ClientOptions client;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public void run() {
            JsonNode body;
            try (StewardClient c = client.connect(parent.main.home.resolve())) {
                body = c.listDatasets();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOutput.print(out, body);
                return;
            }
            Table table = new Table("NAME", "VERSIONS", "LATEST", "CREATED");
            body.get("datasets").forEach(d -> table.row(d.get("name").asText(), d.get("version_count").asInt(),
                    d.get("latest_version").asInt(), d.get("created_at").asText()));
            table.print(out);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a version's schema and column summaries.")
    static final class Show implements Runnable {
        @ParentCommand
        DataCommand parent;

        @Mixin
        ClientOptions client;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = {"-v", "--at"}, defaultValue = "latest", paramLabel = "VERSION", description = "Version number or latest (default).")
        String version;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public void run() {
            JsonNode v;
            try (StewardClient c = client.connect(parent.main.home.resolve())) {
                v = c.getDatasetVersion(name, version);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOutput.print(out, v);
                return;
            }
            out.println(name + " version " + v.get("version").asInt() + ": " + v.get("row_count").asLong() + " rows, "
                    + v.get("format").asText() + ", " + v.get("size").asLong() + " bytes, " + v.get("status").asText() + ", sha256 "
                    + v.get("sha256").asText());
            Table table = new Table("COLUMN", "TYPE", "NULLS", "DISTINCT", "MIN", "MAX", "MEAN", "STDDEV", "VALUES");
            v.get("columns").forEach(c -> table.row(c.get("name").asText(), c.get("type").asText(), c.get("null_count").asLong(),
                    c.get("distinct_count").asLong(), c.path("min").asText(""), c.path("max").asText(""),
                    c.has("mean") ? String.format("%.4g", c.get("mean").asDouble()) : "",
                    c.has("stddev") ? String.format("%.4g", c.get("stddev").asDouble()) : "",
                    c.has("domain") ? abbreviate(c.get("domain").toString()) : ""));
            table.print(out);
        }

        private static String abbreviate(String text) {
            return text.length() <= 60 ? text : text.substring(0, 57) + "...";
        }
    }

    @Command(name = "profile", mixinStandardHelpOptions = true,
            description = "Show the mergeable profile (quantiles, distinct counts, frequent values) of one or more versions.")
    static final class Profile implements Runnable {
        @ParentCommand
        DataCommand parent;

        @Mixin
        ClientOptions client;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = {"-v", "--at"}, paramLabel = "VERSION", split = ",", description = "Version(s); several are merged (default: latest).")
        java.util.List<String> versions;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public void run() {
            JsonNode profile;
            try (StewardClient c = client.connect(parent.main.home.resolve())) {
                profile = versions == null || versions.size() == 1
                        ? c.call("GET", "/api/v1/datasets/" + encode(name) + "/versions/" + encode(versions == null ? "latest" : versions.get(0))
                                + "/profile", null)
                        : c.call("GET", "/api/v1/datasets/" + encode(name) + "/profile?versions=" + String.join(",", versions), null);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOutput.print(out, profile);
                return;
            }
            out.println(name + ": " + profile.get("rows").asLong() + " rows");
            Table table = new Table("COLUMN", "TYPE", "COUNT", "NULLS", "DISTINCT~", "MEAN", "P50", "MIN", "MAX", "TOP");
            profile.get("columns").forEach(c -> table.row(c.get("name").asText(), c.get("type").asText(), c.get("count").asLong(),
                    c.get("nulls").asLong(), Math.round(c.get("distinct_estimate").asDouble()),
                    c.has("mean") ? String.format("%.4g", c.get("mean").asDouble()) : "",
                    c.path("quantiles").has("p50") ? String.format("%.4g", c.get("quantiles").get("p50").asDouble()) : "",
                    c.has("min") ? String.format("%.4g", c.get("min").asDouble()) : c.path("min_text").asText(""),
                    c.has("max") ? String.format("%.4g", c.get("max").asDouble()) : c.path("max_text").asText(""),
                    c.path("top_items").size() > 0 ? c.get("top_items").get(0).get("value").asText() + " ("
                            + c.get("top_items").get(0).get("estimate").asLong() + ")" : ""));
            table.print(out);
        }

        private static String encode(String segment) {
            return java.net.URLEncoder.encode(segment, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
        }
    }

    @Command(name = "diff", mixinStandardHelpOptions = true, description = "Compare the schemas of two versions.")
    static final class Diff implements Runnable {
        @ParentCommand
        DataCommand parent;

        @Mixin
        ClientOptions client;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "FROM")
        int from;

        @Parameters(index = "2", paramLabel = "TO")
        int to;

        @Override
        public void run() {
            JsonNode diff;
            try (StewardClient c = client.connect(parent.main.home.resolve())) {
                diff = c.diffDataset(name, from, to);
            }
            JsonOutput.print(spec.commandLine().getOut(), diff);
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true, description = "Write a version's original bytes to a file.")
    static final class Export implements Runnable {
        @ParentCommand
        DataCommand parent;

        @Mixin
        ClientOptions client;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = {"-v", "--at"}, defaultValue = "latest", paramLabel = "VERSION", description = "Version number or latest (default).")
        String version;

        @Option(names = {"-o", "--output"}, required = true, description = "File to write (must not exist).")
        Path output;

        @Override
        public void run() {
            if (Files.exists(output)) {
                throw dev.steward.spi.StewardException.invalid("output", output + " already exists; choose another file");
            }
            Path partial = output.resolveSibling(output.getFileName() + ".part");
            try (StewardClient c = client.connect(parent.main.home.resolve());
                    InputStream in = c.downloadDatasetVersion(name, version)) {
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                Files.move(partial, output, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                try {
                    Files.deleteIfExists(partial);
                } catch (IOException ignored) {
                    // Reporting the write failure below matters more than this leftover.
                }
                throw dev.steward.spi.StewardException.invalid("output", "cannot write " + output + ": " + e.getMessage());
            }
            spec.commandLine().getOut().println("wrote " + output);
            spec.commandLine().getOut().flush();
        }
    }

    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = "Compare the distributions of two versions column by column (KS or chi-squared test, PSI, Jensen-Shannon, Wasserstein).")
    static final class Compare implements Runnable {
        @ParentCommand
        DataCommand parent;

        @Mixin
        ClientOptions client;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "REFERENCE", description = "The version to compare against.")
        int reference;

        @Parameters(index = "2", paramLabel = "CURRENT", arity = "0..1", defaultValue = "0", description = "The version compared (default: latest).")
        int current;

        @Option(names = "--correction", defaultValue = "bh", description = "Multiple-testing correction: none, bonferroni or bh (default).")
        String correction;

        @Option(names = "--alpha", defaultValue = "0.05", description = "A column drifted when its corrected p-value is below this (default 0.05).")
        double alpha;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public void run() {
            JsonNode comparison;
            try (StewardClient c = client.connect(parent.main.home.resolve())) {
                comparison = c.compareDataset(name, reference, current, correction, alpha);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOutput.print(out, comparison);
                return;
            }
            out.println(name + ": version " + comparison.get("current_version").asInt() + " against version "
                    + comparison.get("reference_version").asInt() + ", " + comparison.get("drifted_columns").asInt() + " of "
                    + comparison.get("tested_columns").asInt() + " tested columns drifted (" + comparison.get("correction").asText()
                    + " correction, alpha " + comparison.get("alpha").asDouble() + ")");
            Table table = new Table("COLUMN", "TEST", "STATISTIC", "P-VALUE", "ADJUSTED", "PSI", "JS", "WASSERSTEIN", "DRIFT");
            comparison.get("columns").forEach(col -> table.row(col.get("column").asText(), col.path("test").asText("-"),
                    number(col, "statistic"), number(col, "p_value"), number(col, "adjusted_p_value"), number(col, "psi"),
                    number(col, "jensen_shannon"), number(col, "wasserstein"),
                    col.has("skipped") ? "skipped: " + col.get("skipped").asText() : col.get("drifted").asBoolean() ? "DRIFT" : "no"));
            table.print(out);
        }

        private static String number(JsonNode node, String field) {
            return node.has(field) ? String.format(java.util.Locale.ROOT, "%.4g", node.get(field).asDouble()) : "";
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Run a validation suite on a version; exits 1 when a check of severity error fails.")
    static final class Validate implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        DataCommand parent;

        @Mixin
        ClientOptions client;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = {"-v", "--at"}, defaultValue = "latest", paramLabel = "VERSION", description = "Version number or latest (default).")
        String version;

        @Option(names = "--suite", required = true, paramLabel = "FILE|NAME[@VERSION]",
                description = "A YAML or JSON suite file (stored as the next version of its name), or a stored suite.")
        String suite;

        @Option(names = "--json", description = "Print the report as JSON.")
        boolean json;

        @Override
        public Integer call() {
            JsonNode report;
            PrintWriter out = spec.commandLine().getOut();
            try (StewardClient c = client.connect(parent.main.home.resolve())) {
                String suiteName;
                int suiteVersion = 0;
                Path file = Path.of(suite);
                if (Files.isRegularFile(file)) {
                    String definition;
                    try {
                        definition = Files.readString(file);
                    } catch (IOException e) {
                        throw dev.steward.spi.StewardException.invalid("suite", "cannot read " + file + ": " + e.getMessage());
                    }
                    JsonNode stored = c.addValidationSuite(definition);
                    suiteName = stored.get("name").asText();
                    suiteVersion = stored.get("version").asInt();
                } else {
                    int at = suite.lastIndexOf('@');
                    suiteName = at < 0 ? suite : suite.substring(0, at);
                    if (at >= 0) {
                        try {
                            suiteVersion = Integer.parseInt(suite.substring(at + 1));
                        } catch (NumberFormatException e) {
                            throw dev.steward.spi.StewardException.invalid("suite", "'" + suite + "' is neither a file nor NAME@VERSION");
                        }
                    }
                }
                report = c.validateDataset(name, version, suiteName, suiteVersion);
            }
            if (json) {
                JsonOutput.print(out, report);
            } else {
                printReport(out, report);
            }
            out.flush();
            return report.get("passed").asBoolean() ? 0 : 1;
        }
    }

    @Command(name = "reports", mixinStandardHelpOptions = true, description = "Show the validation reports of a version, newest first.")
    static final class Reports implements Runnable {
        @ParentCommand
        DataCommand parent;

        @Mixin
        ClientOptions client;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = {"-v", "--at"}, defaultValue = "latest", paramLabel = "VERSION", description = "Version number or latest (default).")
        String version;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public void run() {
            JsonNode reports;
            try (StewardClient c = client.connect(parent.main.home.resolve())) {
                reports = c.validationReports(name, version);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOutput.print(out, reports);
                return;
            }
            if (reports.get("reports").isEmpty()) {
                out.println("no validation reports for " + name + " version " + version);
            }
            reports.get("reports").forEach(r -> printReport(out, r));
        }
    }

    @Command(name = "suites", mixinStandardHelpOptions = true, description = "List the stored validation suites (latest version of each).")
    static final class Suites implements Runnable {
        @ParentCommand
        DataCommand parent;

        @Mixin
        ClientOptions client;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public void run() {
            JsonNode suites;
            try (StewardClient c = client.connect(parent.main.home.resolve())) {
                suites = c.listValidationSuites();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOutput.print(out, suites);
                return;
            }
            Table table = new Table("SUITE", "VERSION", "SHA256", "CREATED", "BY");
            suites.get("suites").forEach(s -> table.row(s.get("name").asText(), s.get("version").asInt(), s.get("sha256").asText().substring(0, 12),
                    s.get("created_at").asText(), s.get("created_by").asText()));
            table.print(out);
        }
    }

    static void printReport(PrintWriter out, JsonNode report) {
        out.println(report.get("dataset").asText() + " version " + report.get("version").asInt() + " against suite " + report.get("suite").asText()
                + "@" + report.get("suite_version").asInt() + ": " + (report.get("passed").asBoolean() ? "PASSED" : "FAILED")
                + (report.get("quarantined").asBoolean() ? ", version quarantined" : "") + " (report " + report.get("id").asText() + ")");
        Table table = new Table("#", "CHECK", "COLUMN", "SEVERITY", "RESULT", "DETAIL");
        report.get("checks").forEach(c -> table.row(c.get("index").asInt(), c.get("check").asText(), c.path("column").asText(""),
                c.get("severity").asText(), c.get("passed").asBoolean() ? "pass" : "FAIL", c.get("message").asText()));
        table.print(out);
    }
}
