package dev.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

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
        if (!actual.equals(expected)) {
            fail("docs/cli.md is not what the commands' annotations give; regenerate it with\n  " + CliReference.REGENERATE
                + "\nfrom the repository's root (" + firstDifference(expected, actual) + ")");
        }
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

    /** Where the file first differs from what it should be, so the failure stays short. */
    static String firstDifference(String expected, String actual) {
        if (actual.isEmpty()) {
            return "the file is missing or empty";
        }
        String[] want = expected.split("\n", -1);
        String[] have = actual.split("\n", -1);
        for (int i = 0; i < Math.min(want.length, have.length); i++) {
            if (!want[i].equals(have[i])) {
                return "line " + (i + 1) + " is \"" + have[i] + "\" but should be \"" + want[i] + "\"";
            }
        }
        return "the file has " + have.length + " lines but should have " + want.length;
    }
}
