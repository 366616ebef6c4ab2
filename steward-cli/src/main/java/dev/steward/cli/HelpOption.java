package dev.steward.cli;

import picocli.CommandLine.Option;

/**
 * {@code -h/--help} alone, for the registry's commands, where {@code --version} names a model
 * version: declaring {@code -h} makes picocli leave out the standard {@code -h/-V} options
 * those commands would inherit, so that {@code --version 3} given to a command that takes no
 * version is an error, never Steward's version printed instead of the work asked for.
 */
final class HelpOption {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;
}
