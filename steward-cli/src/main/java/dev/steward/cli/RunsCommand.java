package dev.steward.cli;

import dev.steward.client.RunDetails;
import dev.steward.client.RunPage;
import dev.steward.client.RunSearch;
import dev.steward.client.StewardClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code steward runs list|show|compare}. */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "Search, show and compare runs.",
        subcommands = {RunsCommand.ListRuns.class, RunsCommand.Show.class, RunsCommand.Compare.class})
final class RunsCommand implements Runnable {
    @ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Search runs with MLflow's filter language.")
    static final class ListRuns implements Runnable {
        @ParentCommand
        RunsCommand parent;

        @Mixin
        ClientOptions client;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = {"-e", "--experiment"}, paramLabel = "ID", description = "Experiment id (repeatable; default: 0).")
        List<String> experiments = new ArrayList<>();

        @Option(names = "--filter", description = "e.g. \"metrics.acc > 0.9 AND params.model = 'forest'\".")
        String filter = "";

        @Option(names = "--order-by", paramLabel = "KEY", description = "e.g. \"metrics.acc DESC\" (repeatable).")
        List<String> orderBy = new ArrayList<>();

        @Option(names = "--max", defaultValue = "100", description = "Most runs to show (default: ${DEFAULT-VALUE}).")
        int max;

        @Option(names = "--view", defaultValue = "ACTIVE_ONLY", description = "ACTIVE_ONLY, DELETED_ONLY or ALL.")
        String view;

        @Option(names = "--json", description = "Print JSON instead of a table.")
        boolean json;

        @Override
        public void run() {
            List<String> ids = experiments.isEmpty() ? List.of("0") : experiments;
            RunSearch search = new RunSearch(ids, filter, orderBy, Optional.of(max), Optional.empty(), view);
            RunPage page;
            try (StewardClient c = client.connect(parent.main.home.resolve())) {
                page = c.searchRuns(search);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOutput.print(out, page);
                return;
            }
            TreeSet<String> metricKeys = new TreeSet<>();
            page.runs().forEach(r -> metricKeys.addAll(r.metrics().keySet()));
            List<String> header = new ArrayList<>(List.of("ID", "NAME", "STATUS", "STARTED"));
            metricKeys.forEach(k -> header.add("metrics." + k));
            Table table = new Table(header.toArray(String[]::new));
            for (RunDetails run : page.runs()) {
                List<Object> row = new ArrayList<>(List.of(run.id(), run.name(), run.status(), run.startTime()));
                metricKeys.forEach(k -> row.add(run.metrics().containsKey(k) ? format(run.metrics().get(k)) : ""));
                table.row(row.toArray());
            }
            table.print(out);
            page.nextPageToken().ifPresent(token -> out.println("(more runs: raise --max to see them)"));
            out.flush();
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one run: attributes, params, metrics, tags.")
    static final class Show implements Runnable {
        @ParentCommand
        RunsCommand parent;

        @Mixin
        ClientOptions client;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "RUN_ID")
        String runId;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public void run() {
            RunDetails run;
            try (StewardClient c = client.connect(parent.main.home.resolve())) {
                run = c.getRun(runId);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOutput.print(out, run);
                return;
            }
            Table info = new Table("FIELD", "VALUE");
            info.row("id", run.id()).row("name", run.name()).row("experiment", run.experimentId()).row("status", run.status())
                    .row("user", run.userId()).row("started", run.startTime()).row("ended", run.endTime().orElse(""))
                    .row("lifecycle", run.lifecycleStage()).row("artifacts", run.artifactUri()).row("seal", run.sealDigest().orElse(""));
            run.params().forEach((k, v) -> info.row("params." + k, v));
            run.metrics().forEach((k, v) -> info.row("metrics." + k, format(v)));
            run.tags().forEach((k, v) -> info.row("tags." + k, v));
            info.print(out);
        }
    }

    @Command(name = "compare", mixinStandardHelpOptions = true, description = "Compare the params and metrics of runs side by side.")
    static final class Compare implements Runnable {
        @ParentCommand
        RunsCommand parent;

        @Mixin
        ClientOptions client;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "RUN_ID", arity = "2..*", description = "Two or more run ids.")
        List<String> runIds;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public void run() {
            List<RunDetails> runs = new ArrayList<>();
            try (StewardClient c = client.connect(parent.main.home.resolve())) {
                runIds.forEach(id -> runs.add(c.getRun(id)));
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOutput.print(out, runs);
                return;
            }
            List<String> header = new ArrayList<>(List.of("KEY"));
            runs.forEach(r -> header.add(r.name()));
            Table table = new Table(header.toArray(String[]::new));
            TreeSet<String> params = new TreeSet<>();
            TreeSet<String> metrics = new TreeSet<>();
            runs.forEach(r -> {
                params.addAll(r.params().keySet());
                metrics.addAll(r.metrics().keySet());
            });
            for (String key : params) {
                List<Object> row = new ArrayList<>(List.of("params." + key));
                runs.forEach(r -> row.add(r.params().getOrDefault(key, "")));
                table.row(row.toArray());
            }
            for (String key : metrics) {
                List<Object> row = new ArrayList<>(List.of("metrics." + key));
                runs.forEach(r -> row.add(r.metrics().containsKey(key) ? format(r.metrics().get(key)) : ""));
                table.row(row.toArray());
            }
            List<Object> status = new ArrayList<>(List.of("status"));
            runs.forEach(r -> status.add(r.status()));
            table.row(status.toArray());
            table.print(out);
        }
    }

    static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }
}
