package dev.steward.cli;

import dev.steward.client.StewardClient;
import dev.steward.server.HomeLock;
import dev.steward.server.Steward;
import dev.steward.server.StewardServer;
import dev.steward.server.config.ConfigLoader;
import dev.steward.server.config.StewardConfig;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code steward quickstart}: starts a server on the home (as {@code steward server} does) and walks
 * the whole lifecycle on the bundled penguins ({@link QuickstartScenario}), one line per step with its
 * result and time, then prints where everything is and how to call it, and keeps serving until
 * Ctrl-C; with {@code --no-serve} it stops once the walk is done. A second quickstart on the same
 * home reuses what the first made. What can go wrong before the walk (the home cannot be written,
 * the port is taken, another server holds the home) is said in one line with what to do instead.
 */
@Command(name = "quickstart",
        description = {"Start Steward and walk the whole lifecycle on the bundled penguins, then keep serving (Ctrl-C stops).",
                "The steps: data and validation, a sweep, evaluation, registry, policy, promotion, deployment, live traffic with feedback,"
                        + " a canary, drift, the audit chain. Run it again to reuse what it made; docs/quickstart.md says more."})
final class QuickstartCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on (default 8080; 0 picks a free port).")
    Integer port;

    @Option(names = "--no-serve", description = "Stop the server once the walk is done, instead of serving until Ctrl-C (for tests and CI).")
    boolean noServe;

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        PrintWriter out = spec.commandLine().getOut();
        Path home = Main.home(spec);
        requireWritable(home);
        Map<String, String> overrides = new LinkedHashMap<>();
        if (port != null) {
            overrides.put("server.port", Integer.toString(port));
        }
        StewardConfig config = ConfigLoader.load(home, System.getenv(), overrides);
        // The home first: a second quickstart on it is told so, not that the first one's port is taken.
        HomeLock lock = lock(home);
        try {
            requireFreePort(config.server().bindAddress(), config.server().port());
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        StewardServer server;
        try (QuickstartLog log = QuickstartLog.to(home.resolve("quickstart.log"))) {
            server = start(config, lock);
            String token = adminToken(server, config);
            CountDownLatch stopped = new CountDownLatch(1);
            Thread hook = new Thread(() -> stop(server, out, stopped), "steward-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            out.println("Steward " + VersionCommand.version() + " listening on " + server.uri() + " (home: " + home + ", server log: "
                    + log.file() + ")");
            out.flush();
            QuickstartScenario scenario;
            try (StewardClient client = StewardClient.create(server.uri(), token);
                 QuickstartProgress progress = new QuickstartProgress(out, System.console() != null, QuickstartScenario.STEPS)) {
                scenario = new QuickstartScenario(client, new QuickstartTraffic(server.uri(), token), home.resolve("quickstart"));
                scenario.run(progress);
            } catch (RuntimeException e) {
                Runtime.getRuntime().removeShutdownHook(hook);
                server.close();
                throw e;
            }
            out.println("Done in " + QuickstartProgress.seconds(start) + ".");
            out.println();
            QuickstartGuide.print(out, server.uri(), home, config.adminTokenFile(), scenario);
            if (noServe) {
                Runtime.getRuntime().removeShutdownHook(hook);
                server.close();
                out.println("Stopped the server (--no-serve). Run the same command without --no-serve to keep it serving.");
                out.flush();
                return 0;
            }
            out.println("Serving until Ctrl-C.");
            out.flush();
            stopped.await();
            return 0;
        }
    }

    /** A home that does not exist is made; one that cannot be written is refused before anything opens. */
    private static void requireWritable(Path home) {
        Path probe = home.resolve(".quickstart-probe");
        try {
            Files.createDirectories(home);
            Files.deleteIfExists(probe);
            Files.createFile(probe);
            Files.delete(probe);
        } catch (FileSystemException e) {
            throw StewardException.invalid("home", "cannot write to the home directory " + home.toAbsolutePath() + " (" + reason(e)
                    + "): make it writable, or choose another with --home DIR");
        } catch (IOException e) {
            throw StewardException.invalid("home", "cannot write to the home directory " + home.toAbsolutePath() + ": " + e.getMessage()
                    + "; choose another with --home DIR");
        }
    }

    private static String reason(FileSystemException e) {
        if (e instanceof NoSuchFileException) {
            return "a parent directory is missing";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getReason() != null ? e.getReason().toLowerCase(java.util.Locale.ROOT) : e.getClass().getSimpleName();
    }

    /** Said before the stores open, so that a taken port changes nothing; the bind itself is checked again in {@link #start}. */
    private static void requireFreePort(String address, int port) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(address), port));
        } catch (BindException e) {
            throw portInUse(address, port);
        } catch (IOException e) {
            throw StewardException.invalid("port", "cannot listen on " + address + ":" + port + ": " + e.getMessage()
                    + "; choose another port with --port PORT");
        }
    }

    private static StewardException portInUse(String address, int port) {
        return StewardException.invalid("port", "port " + port + " on " + address + " is already in use (by another Steward or another program):"
                + " choose another with --port PORT, e.g. --port " + (port + 1) + ", or --port 0 for any free port");
    }

    /** The home's lock, or a message saying which server holds it and what to do. */
    private static HomeLock lock(Path home) {
        try {
            return HomeLock.acquire(home);
        } catch (StewardException e) {
            if (e.code() != ErrorCode.INVALID_STATE) {
                throw e;
            }
            throw StewardException.of(ErrorCode.INVALID_STATE, e.getMessage().replaceFirst(": stop it first.*$", "")
                    + ". A quickstart (or 'steward server') holds this home while it runs: wait for it to finish or stop it (Ctrl-C),"
                    + " or run this one on another home with --home DIR");
        }
    }

    private static StewardServer start(StewardConfig config, HomeLock lock) {
        Steward steward;
        try {
            steward = Steward.open(config);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        try {
            return StewardServer.start(steward, lock);
        } catch (RuntimeException e) {
            steward.close();
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof BindException) {
                    throw portInUse(config.server().bindAddress(), config.server().port());
                }
            }
            throw e instanceof StewardException ? e : StewardException.internal("starting the server", e);
        }
    }

    /** The admin token: made by this start, or saved by the first one. */
    private static String adminToken(StewardServer server, StewardConfig config) {
        if (server.createdAdminToken().isPresent()) {
            return server.createdAdminToken().get();
        }
        Path file = config.adminTokenFile();
        try {
            String secret = Files.readString(file).trim();
            if (!secret.isEmpty()) {
                return secret;
            }
        } catch (NoSuchFileException e) {
            // Said below.
        } catch (IOException e) {
            throw StewardException.invalid("token", "cannot read the admin token " + file + ": " + e.getMessage());
        }
        server.close();
        throw StewardException.invalid("token", "this home has an admin token, but " + file + " is gone: make a new one with"
                + " 'steward --home " + config.home() + " token create --offline --name admin --role admin' and save its secret to " + file);
    }

    private static void stop(StewardServer server, PrintWriter out, CountDownLatch stopped) {
        long start = System.nanoTime();
        String how = "";
        try {
            server.close();
        } catch (RuntimeException e) {
            how = ", with an error: " + e;
        }
        out.println();
        out.println("Steward stopped (in " + (System.nanoTime() - start) / 1_000_000 + " ms" + how + ")");
        out.flush();
        stopped.countDown();
    }
}
