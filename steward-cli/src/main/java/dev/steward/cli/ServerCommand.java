package dev.steward.cli;

import dev.steward.server.HomeLock;
import dev.steward.server.Steward;
import dev.steward.server.StewardServer;
import dev.steward.server.config.ConfigLoader;
import dev.steward.server.config.StewardConfig;
import dev.steward.spi.StewardException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code steward server}: runs the HTTP server until SIGTERM or Ctrl-C, then stops gracefully. */
@Command(name = "server",
        description = {"Run the Steward server on the home directory's stores.",
                "Configuration: defaults < $STEWARD_HOME/steward.yaml < STEWARD_* environment < flags."})
final class ServerCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to bind (default 127.0.0.1).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on (default 8080; 0 picks a free port).")
    Integer port;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set any configuration key, e.g. --set store.url=jdbc:postgresql://db/steward.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Override
    public void run() {
        Map<String, String> overrides = new LinkedHashMap<>(settings);
        if (host != null) {
            overrides.put("server.bind-address", host);
        }
        if (port != null) {
            overrides.put("server.port", Integer.toString(port));
        }
        StewardConfig config = ConfigLoader.load(Main.home(spec), System.getenv(), overrides);
        // The home is locked before the stores open, so that a second server changes nothing (not even a migration).
        HomeLock home = HomeLock.acquire(config.home());
        Steward steward;
        try {
            steward = Steward.open(config);
        } catch (RuntimeException e) {
            home.close();
            throw e;
        }
        StewardServer server;
        try {
            server = StewardServer.start(steward, home);
        } catch (RuntimeException e) {
            steward.close();
            throw e instanceof StewardException ? e : StewardException.internal("starting the server", e);
        }
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server, out, stopped), "steward-shutdown"));
        server.createdAdminToken().ifPresent(secret -> {
            out.println("First start: created an admin token, saved to " + steward.config().adminTokenFile() + " (mode 0600):");
            out.println("  " + secret);
            out.println("The steward CLI uses it automatically; MLflow clients: export MLFLOW_TRACKING_TOKEN=<token>");
        });
        out.println("Steward " + VersionCommand.version() + " listening on " + server.uri()
                + " (store: " + steward.store().dialect() + ", home: " + steward.config().home() + ")");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The shutdown hook's work: a graceful stop, then one line saying how it went. Whatever goes
     * wrong is said in that line: an exception escaping a shutdown hook is printed with its whole
     * stack trace, which helps nobody while the process exits.
     */
    private static void stop(StewardServer server, PrintWriter out, CountDownLatch stopped) {
        long start = System.nanoTime();
        String how;
        try {
            server.close();
            how = "";
        } catch (RuntimeException e) {
            how = ", with an error: " + e;
        }
        out.println("Steward stopped (in " + (System.nanoTime() - start) / 1_000_000 + " ms" + how + ")");
        out.flush();
        stopped.countDown();
    }
}
