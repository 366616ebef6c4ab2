package dev.steward.cli;

import dev.steward.client.ExperimentInfo;
import dev.steward.client.StewardClient;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code steward experiments list|create|delete}. */
@Command(name = "experiments", mixinStandardHelpOptions = true, description = "List, create and delete experiments.",
        subcommands = {ExperimentsCommand.ListExperiments.class, ExperimentsCommand.Create.class, ExperimentsCommand.Delete.class})
final class ExperimentsCommand implements Runnable {
    @ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List experiments.")
    static final class ListExperiments implements Runnable {
        @ParentCommand
        ExperimentsCommand parent;

        @Mixin
        ClientOptions client;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--view", defaultValue = "ACTIVE_ONLY", description = "ACTIVE_ONLY, DELETED_ONLY or ALL (default: ${DEFAULT-VALUE}).")
        String view;

        @Option(names = "--json", description = "Print JSON instead of a table.")
        boolean json;

        @Override
        public void run() {
            List<ExperimentInfo> experiments;
            try (StewardClient c = client.connect(parent.main.home.resolve())) {
                experiments = c.listExperiments(view);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOutput.print(out, experiments);
                return;
            }
            Table table = new Table("ID", "NAME", "STAGE", "CREATED", "ARTIFACT LOCATION");
            experiments.forEach(e -> table.row(e.id(), e.name(), e.lifecycleStage(), e.createdAt(), e.artifactLocation()));
            table.print(out);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an experiment and print its id.")
    static final class Create implements Runnable {
        @ParentCommand
        ExperimentsCommand parent;

        @Mixin
        ClientOptions client;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "The experiment's name (unique).")
        String name;

        @Override
        public void run() {
            try (StewardClient c = client.connect(parent.main.home.resolve())) {
                ExperimentInfo created = c.createExperiment(name);
                spec.commandLine().getOut().println("created experiment " + created.id() + " (" + created.name() + ")");
                spec.commandLine().getOut().flush();
            }
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete an experiment (it can be restored).")
    static final class Delete implements Runnable {
        @ParentCommand
        ExperimentsCommand parent;

        @Mixin
        ClientOptions client;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "ID", description = "The experiment's id.")
        String id;

        @Override
        public void run() {
            try (StewardClient c = client.connect(parent.main.home.resolve())) {
                ExperimentInfo deleted = c.deleteExperiment(id);
                spec.commandLine().getOut().println("deleted experiment " + deleted.id() + " (" + deleted.name() + ")");
                spec.commandLine().getOut().flush();
            }
        }
    }
}
