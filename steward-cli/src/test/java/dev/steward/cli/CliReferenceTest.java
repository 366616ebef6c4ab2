package dev.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code docs/cli.md} is what {@link CliReference} makes of the commands now. */
class CliReferenceTest {
    static final Path FILE = Path.of(System.getProperty("user.dir")).resolve("../docs/cli.md").normalize();

    @Test
    void docsCliMdIsCurrent() throws IOException {
        String expected = CliReference.render();
        if (Boolean.getBoolean("steward.docs.write")) {
            Files.writeString(FILE, expected, StandardCharsets.UTF_8);
        }
        String actual = Files.exists(FILE) ? Files.readString(FILE, StandardCharsets.UTF_8) : "";
        assertThat(actual).as("docs/cli.md is not what the commands' annotations give; regenerate it with\n  " + CliReference.REGENERATE
                + "\nfrom the repository's root").isEqualTo(expected);
    }

    @Test
    void everyCommandAndSubcommandHasItsUsage() {
        String reference = CliReference.render();
        CliReference.tree().getSubcommands().values().forEach(command -> {
            assertThat(reference).contains("Usage: steward " + command.getCommandName());
            command.getSubcommands().keySet().forEach(sub -> assertThat(reference).contains("Usage: steward " + command.getCommandName() + " " + sub));
        });
        assertThat(reference).contains("## steward data\n", "### steward data import\n", "Usage: steward models promote").doesNotContain("\u001B[");
    }
}
