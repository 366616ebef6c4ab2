package dev.steward.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Option;

/**
 * A command of the model registry ({@code steward models ...}, {@code steward lineage ...}),
 * answered with the server's JSON. Throughout the registry {@code --version} names a model
 * version, so these commands declare {@code -h} themselves: picocli then leaves out the
 * standard {@code -h/-V} options they would inherit, and {@code --version 3} given to a command
 * that takes no version is an error, never Steward's version printed instead of the work asked for.
 */
abstract class RegistryCommand extends ClientCommand<JsonNode> {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;
}
