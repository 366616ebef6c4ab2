package dev.steward.cli;

import dev.steward.spi.StewardException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Supplier;

/** A file a command downloads into: never an existing one, and never seen half-written. */
final class OutputFile {
    private OutputFile() {}

    /** Checks that {@code output} is free, then copies the opened stream into it through a temporary sibling. */
    static void write(Path output, Supplier<InputStream> open) {
        if (Files.exists(output)) {
            throw StewardException.invalid("output", output + " already exists; choose another file");
        }
        Path partial = output.resolveSibling(output.getFileName() + ".part");
        try (InputStream in = open.get()) {
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, output, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // Reporting the write failure below matters more than this leftover.
            }
            throw StewardException.invalid("output", "cannot write " + output + ": " + e.getMessage());
        }
    }
}
