package dev.steward.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * Renders {@code docs/cli.md}: the usage message of {@code steward} and of every command and
 * subcommand, as picocli prints it for {@code --help} (without ANSI styles). {@link Main} gives a
 * command line only the command it names, so this builds the whole tree from {@link Main#COMMANDS}
 * itself. {@link CliReferenceTest} compares the result with the checked-in file. It lives in the
 * test sources: the distribution does not need it, and {@code steward.jar} stays as it is.
 */
final class CliReference {
    static final String REGENERATE =
            "mvn -B -q -o -pl steward-cli -am verify -Dtest='CliReference*' -Dsurefire.failIfNoSpecifiedTests=false -DskipITs -Dsteward.docs.write=true";

    private CliReference() {
    }

    /** {@code steward} with every command of {@link Main#COMMANDS} and, through their annotations, all their subcommands. */
    static CommandLine tree() {
        CommandLine steward = new CommandLine(new Main());
        Main.COMMANDS.forEach(steward::addSubcommand);
        // Picocli's default width, fixed so that a picocli.usage.width property cannot change the file.
        steward.setUsageHelpAutoWidth(false);
        steward.setUsageHelpWidth(80);
        return steward;
    }

    static String render() {
        CommandLine steward = tree();
        List<CommandLine> commands = new ArrayList<>();
        collect(steward, commands);
        StringBuilder out = new StringBuilder();
        out.append("# CLI reference\n\n");
        out.append("<!-- Generated from the picocli annotations of steward-cli by CliReference (steward-cli's tests). Do not edit: regenerate with\n     ")
                .append(REGENERATE).append(" -->\n\n");
        out.append("Every command's `--help`, as `steward` prints it. Commands that talk to a server take `--url` and `--token` (see the README's ")
                .append("\"Using it\"); the routes they call are in [rest.md](rest.md).\n\n");
        for (CommandLine command : commands) {
            String name = command.getCommandSpec().qualifiedName();
            int depth = name.split(" ").length - 1;
            out.append("  ".repeat(Math.max(0, depth - 1))).append("- [`").append(name).append("`](#").append(anchor(name)).append(")\n");
        }
        out.append('\n');
        for (CommandLine command : commands) {
            String name = command.getCommandSpec().qualifiedName();
            int depth = name.split(" ").length - 1;
            out.append("#".repeat(Math.min(2 + Math.max(0, depth - 1), 6))).append(' ').append(name).append("\n\n");
            out.append("```text\n").append(command.getUsageMessage(CommandLine.Help.Ansi.OFF).stripTrailing()).append("\n```\n\n");
        }
        return out.toString();
    }

    private static void collect(CommandLine command, List<CommandLine> into) {
        into.add(command);
        command.getSubcommands().values().forEach(sub -> {
            // Picocli lists a command once per name; aliases map to the same CommandLine.
            if (!into.contains(sub)) {
                collect(sub, into);
            }
        });
    }

    /** The anchor GitHub gives a heading: lower case, spaces to hyphens. */
    static String anchor(String heading) {
        return heading.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
    }
}
