package dev.steward.cli;

import dev.steward.client.StewardClient;
import dev.steward.client.StewardClientException;
import dev.steward.spi.StewardException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --url} and {@code --token} of every command that talks to a running server (see {@link ServerAddress}). */
final class ServerOptions {
    static final String ADMIN_TOKEN_FILE = "admin.token";

    @Option(names = "--url", paramLabel = "URL", description = "Steward server (default: $STEWARD_URL, else the server named by "
            + "the home's " + ServerAddress.SERVER_FILE + " while it runs, else " + ServerAddress.DEFAULT + ").")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "API token (default: $STEWARD_TOKEN, else the admin token in the home directory).")
    String token;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    private ServerAddress address;

    /** The home directory given to the {@code steward} command. */
    Path home() {
        return Main.home(command);
    }

    ServerAddress address() {
        if (address == null) {
            address = ServerAddress.resolve(url, System.getenv(), home());
        }
        return address;
    }

    StewardClient connect() {
        return StewardClient.create(address().uri(), secret());
    }

    /** The token from --token, $STEWARD_TOKEN or the home directory's admin token file. */
    String secret() {
        String secret = token != null ? token : System.getenv("STEWARD_TOKEN");
        if (secret != null && !secret.isBlank()) {
            return secret.trim();
        }
        Path file = home().resolve(ADMIN_TOKEN_FILE);
        try {
            secret = Files.readString(file).trim();
        } catch (NoSuchFileException e) {
            secret = "";
        } catch (IOException e) {
            throw StewardException.invalid("token", "cannot read " + file + ": " + e.getMessage());
        }
        if (secret.isEmpty()) {
            throw StewardException.invalid("token",
                    "no API token: pass --token, set STEWARD_TOKEN, or start the server once so that it writes " + file);
        }
        return secret;
    }

    /** The same failure, saying where the URL came from and how to choose another when the server was not reached. */
    RuntimeException explain(StewardClientException e) {
        if (!(e.getCause() instanceof ConnectException || e.getCause() instanceof HttpConnectTimeoutException)) {
            return e;
        }
        return new StewardClientException(0, e.errorCode(), address().unreachable(), null, e);
    }
}
