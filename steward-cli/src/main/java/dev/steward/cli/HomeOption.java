package dev.steward.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --home}: the installation directory, shared by every command. */
final class HomeOption {
    @Option(names = "--home", paramLabel = "DIR", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Steward's home directory (default: $STEWARD_HOME, else ./steward-data).")
    Path home;

    Path resolve() {
        if (home != null) {
            return home;
        }
        String fromEnvironment = System.getenv("STEWARD_HOME");
        return Path.of(fromEnvironment == null || fromEnvironment.isBlank() ? "steward-data" : fromEnvironment);
    }
}
