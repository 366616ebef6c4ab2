package dev.steward.server;

import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/** The file in {@code $STEWARD_HOME} that holds the admin token, readable by its owner only. */
public final class AdminTokenFile {
    private AdminTokenFile() {}

    /** Writes the secret with mode 0600 from the moment the file exists, replacing any old file. */
    public static void write(Path file, String secret) {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(temp);
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temp, secret + "\n", StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            throw StewardException.of(ErrorCode.INVALID_STATE, "another process is writing " + temp, e);
        } catch (IOException e) {
            throw StewardException.of(ErrorCode.TEMPORARILY_UNAVAILABLE, "cannot write the admin token to " + file + ": " + e, e);
        }
    }

    /** The token in the file, if the file exists. */
    public static Optional<String> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            String secret = Files.readString(file, StandardCharsets.UTF_8).trim();
            return secret.isEmpty() ? Optional.empty() : Optional.of(secret);
        } catch (IOException e) {
            throw StewardException.of(ErrorCode.TEMPORARILY_UNAVAILABLE, "cannot read " + file + ": " + e, e);
        }
    }
}
