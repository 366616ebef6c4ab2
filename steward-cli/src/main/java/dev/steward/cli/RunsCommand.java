package dev.steward.cli;

import dev.steward.client.RunArtifacts;
import dev.steward.client.RunDetails;
import dev.steward.client.RunPage;
import dev.steward.client.RunSearch;
import dev.steward.spi.StewardException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code steward runs list|show|compare|artifacts}. */
@Command(name = "runs", description = "Search, show and compare runs, and list or download their artifacts.",
        subcommands = {RunsCommand.ListRuns.class, RunsCommand.Show.class, RunsCommand.Compare.class, RunsCommand.Artifacts.class})
final class RunsCommand extends CommandGroup {
    @Command(name = "list", description = "Search runs with MLflow's filter language.")
    static final class ListRuns extends ClientCommand<RunPage> {
        @Option(names = {"-e", "--experiment"}, paramLabel = "EXPERIMENT", description = "Experiment id or name (repeatable; default: 0, Default).")
        List<String> experiments = new ArrayList<>();

        @Option(names = "--filter", description = "e.g. \"metrics.acc > 0.9 AND params.model = 'forest'\".")
        String filter = "";

        @Option(names = "--order-by", paramLabel = "KEY", description = "e.g. \"metrics.acc DESC\" (repeatable).")
        List<String> orderBy = new ArrayList<>();

        @Option(names = "--max", defaultValue = "100", description = "Most runs to show (default: ${DEFAULT-VALUE}).")
        int max;

        @Option(names = "--view", defaultValue = "ACTIVE_ONLY", description = "ACTIVE_ONLY, DELETED_ONLY or ALL.")
        String view;

        @Override
        RunPage request() {
            List<String> ids = experiments.isEmpty() ? List.of("0") : experiments.stream().map(e -> Experiments.existing(client(), e).id()).toList();
            return client().searchRuns(new RunSearch(ids, filter, orderBy, Optional.of(max), Optional.empty(), view));
        }

        @Override
        void print(RunPage page, PrintWriter out) {
            TreeSet<String> metricKeys = new TreeSet<>();
            page.runs().forEach(r -> metricKeys.addAll(r.metrics().keySet()));
            List<String> header = new ArrayList<>(List.of("ID", "NAME", "STATUS", "STARTED"));
            metricKeys.forEach(k -> header.add("metrics." + k));
            Table table = new Table(header.toArray(String[]::new));
            for (RunDetails run : page.runs()) {
                List<Object> row = new ArrayList<>(List.of(run.id(), run.name(), run.status(), run.startTime()));
                metricKeys.forEach(k -> row.add(run.metrics().containsKey(k) ? Cells.metric(run.metrics().get(k)) : ""));
                table.row(row.toArray());
            }
            table.print(out);
            page.nextPageToken().ifPresent(token -> out.println("(more runs: raise --max to see them)"));
        }
    }

    @Command(name = "show", description = "Show one run: attributes, params, metrics, tags.")
    static final class Show extends ClientCommand<RunDetails> {
        @Parameters(paramLabel = "RUN_ID")
        String runId;

        @Override
        RunDetails request() {
            return client().getRun(runId);
        }

        @Override
        void print(RunDetails run, PrintWriter out) {
            Table info = new Table("FIELD", "VALUE");
            info.row("id", run.id()).row("name", run.name()).row("experiment", run.experimentId()).row("status", run.status())
                    .row("user", run.userId()).row("started", run.startTime()).row("ended", run.endTime().orElse(""))
                    .row("lifecycle", run.lifecycleStage()).row("artifacts", run.artifactUri()).row("seal", run.sealDigest().orElse(""));
            run.params().forEach((k, v) -> info.row("params." + k, v));
            run.metrics().forEach((k, v) -> info.row("metrics." + k, Cells.metric(v)));
            run.tags().forEach((k, v) -> info.row("tags." + k, v));
            info.print(out);
        }
    }

    @Command(name = "compare", description = "Compare the params and metrics of runs side by side.")
    static final class Compare extends ClientCommand<List<RunDetails>> {
        @Parameters(paramLabel = "RUN_ID", arity = "2..*", description = "Two or more run ids.")
        List<String> runIds;

        @Override
        List<RunDetails> request() {
            return runIds.stream().map(client()::getRun).toList();
        }

        @Override
        void print(List<RunDetails> runs, PrintWriter out) {
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
                runs.forEach(r -> row.add(r.metrics().containsKey(key) ? Cells.metric(r.metrics().get(key)) : ""));
                table.row(row.toArray());
            }
            List<Object> status = new ArrayList<>(List.of("status"));
            runs.forEach(r -> status.add(r.status()));
            table.row(status.toArray());
            table.print(out);
        }
    }

    @Command(name = "artifacts", description = "List a run's artifacts (under PATH), or download the file at PATH with --output.")
    static final class Artifacts extends ClientCommand<RunArtifacts> {
        @Parameters(index = "0", paramLabel = "RUN_ID")
        String runId;

        @Parameters(index = "1", arity = "0..1", paramLabel = "PATH", description = "A directory to list, or the file to download.")
        String path = "";

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Download the file at PATH into FILE (must not exist).")
        Path output;

        /** The listing, or after a download the entry of the file written. */
        @Override
        RunArtifacts request() throws IOException {
            if (output == null) {
                return client().listRunArtifacts(runId, path);
            }
            if (path.isEmpty()) {
                throw StewardException.invalid("path", "--output needs the PATH of the file to download, e.g. logs/stdout.txt");
            }
            RunDetails run = client().getRun(runId);
            OutputFile.write(output, () -> client().downloadRunArtifact(run, path));
            return new RunArtifacts(run.artifactUri(), List.of(new RunArtifacts.Entry(path, false, Optional.of(Files.size(output)))));
        }

        @Override
        void print(RunArtifacts artifacts, PrintWriter out) {
            if (output != null) {
                out.println("wrote " + output + " (" + artifacts.files().get(0).size().orElseThrow() + " bytes, " + path + " of run " + runId + ")");
                return;
            }
            if (artifacts.files().isEmpty()) {
                out.println("no artifacts under '" + path + "' of run " + runId);
                return;
            }
            Table table = new Table("PATH", "SIZE");
            artifacts.files().forEach(f -> table.row(f.isDir() ? f.path() + "/" : f.path(), f.size().map(String::valueOf).orElse("")));
            table.print(out);
        }
    }
}
