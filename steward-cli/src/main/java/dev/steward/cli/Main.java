package dev.steward.cli;

import dev.steward.client.StewardClientException;
import dev.steward.spi.ErrorCategory;
import dev.steward.spi.StewardException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** The {@code steward} command. */
@Command(name = "steward", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Steward: track, version, train, register, serve and monitor machine-learning models.",
        subcommands = {ServerCommand.class, TokenCommand.class, AuditCommand.class, ExperimentsCommand.class, RunsCommand.class,
                RunCommand.class, DataCommand.class, TrainCommand.class, JobsCommand.class, EvaluateCommand.class, VersionCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** Exit status of a command that failed because of what it was asked or found. */
    public static final int FAILED = 1;
    /** Exit status of a command line that could not be parsed. */
    public static final int USAGE = 2;

    @Mixin
    HomeOption home;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line and returns its exit status; used by tests to run commands in-process. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((e, line, parseResult) -> {
            line.getErr().println("error: " + describe(e));
            line.getErr().flush();
            return FAILED;
        });
        commandLine.setParameterExceptionHandler((e, args1) -> {
            CommandLine line = e.getCommandLine();
            line.getErr().println("error: " + e.getMessage());
            line.getErr().println("Run '" + line.getCommandSpec().qualifiedName() + " --help' for usage.");
            line.getErr().flush();
            return USAGE;
        });
        return commandLine.execute(args);
    }

    private static String describe(Exception e) {
        if (e instanceof StewardException stewardException) {
            String where = stewardException.field().map(f -> " [" + f + "]").orElse("");
            String message = stewardException.getMessage() + where;
            if (stewardException.code().category() == ErrorCategory.INTERNAL && e.getCause() != null) {
                message += " (" + e.getCause() + ")";
            }
            return message;
        }
        if (e instanceof StewardClientException clientException) {
            return clientException.getMessage()
                    + clientException.field().map(f -> " [" + f + "]").orElse("")
                    + (clientException.status() > 0 ? " (HTTP " + clientException.status() + ", " + clientException.errorCode() + ")" : "");
        }
        return e.toString();
    }
}
