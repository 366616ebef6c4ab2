package dev.steward.cli;

import dev.steward.client.StewardClient;
import dev.steward.client.StewardClientException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to a running server. Subclasses call {@link #client()} when they need the
 * server (it connects on first use, so a command with an offline mode never needs a token for it)
 * and return their exit status from {@link #execute()}; a server that cannot be reached is
 * reported with where its URL came from. Most commands want {@link ClientCommand} instead.
 */
abstract class ConnectedCommand implements Callable<Integer> {
    @Mixin
    ServerOptions server;

    @Spec
    CommandSpec spec;

    private StewardClient client;

    /** Does the command's work; returns its exit status. */
    abstract int execute() throws Exception;

    @Override
    public final Integer call() throws Exception {
        try {
            return execute();
        } catch (StewardClientException e) {
            throw server.explain(e);
        } finally {
            if (client != null) {
                client.close();
            }
            out().flush();
            err().flush();
        }
    }

    final StewardClient client() {
        if (client == null) {
            client = server.connect();
        }
        return client;
    }

    final Path home() {
        return server.home();
    }

    final PrintWriter out() {
        return spec.commandLine().getOut();
    }

    final PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
