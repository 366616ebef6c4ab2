package dev.steward.server;

import dev.steward.server.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Steward server in a JVM of its own, for tests that kill it: {@code ChildServer HOME} starts
 * the server on the home with a free port and prints {@code listening URI TOKEN} once it listens.
 */
public final class ChildServer {
    private ChildServer() {}

    public static void main(String[] args) throws Exception {
        StewardServer server = StewardServer.start(Steward.open(ConfigLoader.load(Path.of(args[0]), Map.of(), Map.of("server.port", "0"))));
        System.out.println("listening " + server.uri() + " " + server.createdAdminToken().orElseThrow());
        System.out.flush();
        Thread.currentThread().join();
    }

    /** Starts the child on {@code home} with this JVM's class path. */
    public static Process start(Path home, Path log) throws Exception {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), ChildServer.class.getName(), home.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
