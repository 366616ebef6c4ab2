package dev.steward.cli;

import dev.steward.client.StewardClientException;
import dev.steward.spi.ErrorCategory;
import dev.steward.spi.StewardException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The {@code steward} command. */
@Command(name = "steward", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, versionProvider = VersionCommand.Provider.class,
        description = "Steward: track, version, train, register, serve and monitor machine-learning models.")
public final class Main implements Runnable {
    /** Exit status of a command that failed because of what it was asked or found. */
    public static final int FAILED = 1;
    /** Exit status of a command line that could not be parsed. */
    public static final int USAGE = 2;

    /**
     * Every top-level command, in the order {@code steward --help} lists them; a new command is
     * added here. Picocli reads the annotations of every command it is given, which costs more
     * than a short command's own work, so a command line gets only the command it names (see
     * {@link #commandLine}).
     */
    static final List<Class<?>> COMMANDS = List.of(QuickstartCommand.class, ServerCommand.class, TokenCommand.class, AuditCommand.class, ExperimentsCommand.class,
            RunsCommand.class, RunCommand.class, DataCommand.class, TrainCommand.class, JobsCommand.class, EvaluateCommand.class,
            FeasibilityCommand.class, PredictCommand.class, GateCommand.class, ModelsCommand.class, DeployCommand.class, ReviewCommand.class,
            FeedbackCommand.class, MonitorCommand.class, LineageCommand.class, WebhooksCommand.class, GcCommand.class,
            VersionCommand.class, CommandLine.HelpCommand.class);

    @Mixin
    HomeOption home;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The home directory given to the {@code steward} command, from any of its subcommands. */
    static Path home(CommandLine.Model.CommandSpec command) {
        return ((Main) command.root().userObject()).home.resolve();
    }

    public static void main(String[] args) {
        int status = execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        stopHttpSelectors();
        System.exit(status);
    }

    /**
     * Ends the selector threads of the JDK's HTTP clients, whose requests are all done by now. On
     * exit HotSpot waits up to 300 ms for threads that are in native code, and such a thread always
     * is (in epoll_wait): a third of a short command's time. Interrupting one ends its loop, as
     * {@code HttpClient.close()} would; that method only exists from Java 21.
     */
    private static void stopHttpSelectors() {
        Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isDaemon() && thread.getName().matches("HttpClient-\\d+-SelectorManager"))
                .forEach(Thread::interrupt);
    }

    /** Runs a command line and returns its exit status; used by tests to run commands in-process. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = commandLine(args);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((e, line, parseResult) -> {
            line.getErr().println("error: " + describe(e));
            line.getErr().flush();
            return FAILED;
        });
        commandLine.setParameterExceptionHandler((e, args1) -> {
            CommandLine line = e.getCommandLine();
            // Picocli words the errors of argument groups "Error: ...", the others not.
            line.getErr().println("error: " + e.getMessage().replaceFirst("^Error: ", ""));
            CommandLine.UnmatchedArgumentException.printSuggestions(e, line.getErr());
            line.getErr().println("Run '" + line.getCommandSpec().qualifiedName() + " --help' for usage.");
            line.getErr().flush();
            // A gate check is a CI step with its own statuses (2 means the test set cannot judge).
            return line.getCommandSpec().userObject() instanceof GateCommand.Check ? GateCommand.USAGE : USAGE;
        });
        return commandLine.execute(args);
    }

    /**
     * The {@code steward} command with the subcommand that {@code args} name; with all of them for
     * {@code help COMMAND}; and with only an outline of each (its name and description, all that
     * the usage message shows) when they name none (no command, {@code --help}, a mistyped name,
     * which picocli then matches against the outlines' names to suggest the right one).
     */
    static CommandLine commandLine(String[] args) {
        CommandLine commandLine = new CommandLine(new Main());
        Optional<Class<?>> named = firstWord(args)
                .flatMap(word -> COMMANDS.stream().filter(c -> c.getAnnotation(Command.class).name().equals(word)).findFirst());
        if (named.isEmpty()) {
            COMMANDS.forEach(command -> commandLine.addSubcommand(outline(command)));
        } else if (named.get() == CommandLine.HelpCommand.class) {
            COMMANDS.forEach(commandLine::addSubcommand);
        } else {
            commandLine.addSubcommand(named.get());
        }
        return commandLine;
    }

    private static CommandLine outline(Class<?> command) {
        Command annotation = command.getAnnotation(Command.class);
        CommandLine.Model.CommandSpec outline = CommandLine.Model.CommandSpec.create().name(annotation.name());
        outline.usageMessage().header(annotation.header()).description(annotation.description());
        return new CommandLine(outline);
    }

    /** The first argument that is not one of the {@code steward} command's own options or their values. */
    private static Optional<String> firstWord(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--home")) {
                i++;
            } else if (!args[i].startsWith("-")) {
                return Optional.of(args[i]);
            }
        }
        return Optional.empty();
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
