package dev.steward.cli;

import dev.steward.client.ExperimentInfo;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code steward experiments list|create|delete}. */
@Command(name = "experiments", description = "List, create and delete experiments.",
        subcommands = {ExperimentsCommand.ListExperiments.class, ExperimentsCommand.Create.class, ExperimentsCommand.Delete.class})
final class ExperimentsCommand extends CommandGroup {
    @Command(name = "list", description = "List experiments.")
    static final class ListExperiments extends ClientCommand<List<ExperimentInfo>> {
        @Option(names = "--view", defaultValue = "ACTIVE_ONLY", description = "ACTIVE_ONLY, DELETED_ONLY or ALL (default: ${DEFAULT-VALUE}).")
        String view;

        @Override
        List<ExperimentInfo> request() {
            return client().listExperiments(view);
        }

        @Override
        void print(List<ExperimentInfo> experiments, PrintWriter out) {
            Table table = new Table("ID", "NAME", "STAGE", "CREATED", "ARTIFACT LOCATION");
            experiments.forEach(e -> table.row(e.id(), e.name(), e.lifecycleStage(), e.createdAt(), e.artifactLocation()));
            table.print(out);
        }
    }

    @Command(name = "create", description = "Create an experiment and print its id.")
    static final class Create extends ClientCommand<ExperimentInfo> {
        @Parameters(paramLabel = "NAME", description = "The experiment's name (unique).")
        String name;

        @Override
        ExperimentInfo request() {
            return client().createExperiment(name);
        }

        @Override
        void print(ExperimentInfo created, PrintWriter out) {
            out.println("created experiment " + created.id() + " (" + created.name() + ")");
        }
    }

    @Command(name = "delete", description = "Delete an experiment (it can be restored).")
    static final class Delete extends ClientCommand<ExperimentInfo> {
        @Parameters(paramLabel = "EXPERIMENT", description = "The experiment's id or name.")
        String experiment;

        @Override
        ExperimentInfo request() {
            return client().deleteExperiment(Experiments.existing(client(), experiment).id());
        }

        @Override
        void print(ExperimentInfo deleted, PrintWriter out) {
            out.println("deleted experiment " + deleted.id() + " (" + deleted.name() + ")");
        }
    }
}
