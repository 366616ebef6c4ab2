package dev.steward.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.spi.StewardException;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A command about one model version, named as people name one: {@code NAME --version 3},
 * {@code NAME --version champion} (an alias or an environment), {@code NAME/3}, or a model URI
 * ({@code models:/NAME/3}, {@code models:/NAME@production}). Aliases are resolved by the server,
 * so that they mean what they mean there at this moment.
 */
abstract class ModelVersionCommand extends RegistryCommand {
    private static final String URI_PREFIX = "models:/";

    /** A version of a registered model, by number. */
    record Version(String name, int number) {
        @Override
        public String toString() {
            return name + " version " + number;
        }
    }

    @Parameters(index = "0", paramLabel = "MODEL",
            description = "NAME with --version, NAME/VERSION, or a model URI: models:/NAME/VERSION, models:/NAME@ALIAS.")
    String model;

    @Option(names = "--version", paramLabel = "V", description = "The version: a number, an alias or an environment (with MODEL a name).")
    String version;

    private Version resolved;

    /** The version the command line names, resolved once. */
    final Version version() {
        if (resolved == null) {
            resolved = resolve(model, version);
        }
        return resolved;
    }

    private Version resolve(String text, String versionOption) {
        String rest = text.startsWith(URI_PREFIX) ? text.substring(URI_PREFIX.length()) : text;
        boolean uri = rest.length() < text.length();
        int slash = rest.indexOf('/');
        int at = rest.indexOf('@');
        if (slash >= 0 || at >= 0 || uri) {
            if (versionOption != null) {
                throw StewardException.invalid("version", "'" + text + "' names a version already: leave out --version");
            }
            if (slash > 0 && at < 0) {
                return new Version(rest.substring(0, slash), number(rest.substring(slash + 1)));
            }
            if (at > 0 && slash < 0 && uri) {
                return byAlias(rest.substring(0, at), rest.substring(at + 1));
            }
            throw StewardException.invalid("model", "'" + text + "' is not a model version: use NAME --version V, NAME/VERSION,"
                    + " models:/NAME/VERSION or models:/NAME@ALIAS");
        }
        if (versionOption == null) {
            throw StewardException.invalid("version", "which version of " + text + "? Add --version V (a number, an alias or an environment),"
                    + " or write " + text + "/V");
        }
        return versionOption.matches("[0-9]+") ? new Version(text, number(versionOption)) : byAlias(text, versionOption);
    }

    private Version byAlias(String name, String alias) {
        JsonNode named = client().resolveModel(URI_PREFIX + name + "@" + alias);
        return new Version(named.get("name").asText(), named.get("version").asInt());
    }

    /** A version number as the server takes it: 1 to 999999999. */
    static int number(String text) {
        if (!text.matches("[0-9]{1,9}") || Integer.parseInt(text) < 1) {
            throw StewardException.invalid("version", "'" + text + "' is not a version number (1, 2, 3, ...)");
        }
        return Integer.parseInt(text);
    }
}
