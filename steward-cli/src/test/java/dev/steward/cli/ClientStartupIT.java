package dev.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client commands start in a fraction of a second only while they load nothing of the server:
 * the packaged jar, run as a user runs it, against a real server, with the JVM's class-loading log.
 */
class ClientStartupIT {
    /** Packages of the server side and of the native libraries, none of which a client command needs. */
    private static final List<String> SERVER_SIDE = List.of("dev.steward.server.", "dev.steward.core.", "dev.steward.store.",
            "dev.steward.artifacts.", "dev.steward.data.", "dev.steward.runtime.", "dev.steward.train.", "io.javalin.", "org.eclipse.jetty.",
            "com.fasterxml.jackson.dataformat.yaml.", "org.sqlite.", "org.duckdb.", "ai.onnxruntime.", "org.tribuo.", "org.flywaydb.");

    @TempDir
    static Path home;

    static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.start(home);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void clientCommandsLoadNoClassOfTheServerSide(@TempDir Path logs) throws Exception {
        // predict loads the core, DuckDB and ONNX Runtime once it runs (BatchPrediction); not for its help.
        for (List<String> command : List.of(List.of("runs", "list"), List.of("data", "list"), List.of("token", "list", "--json"),
                List.of("models", "list"), List.of("predict", "--help"))) {
            Path log = logs.resolve(String.join("-", command) + ".txt");
            List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xlog:class+load:file=" + log, "-jar", System.getProperty("steward.jar"), "--home", home.toString()));
            line.addAll(command);
            line.addAll(List.of("--url", server.uri().toString()));
            Process process = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(logs.resolve("out.txt").toFile()).start();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(command + " ends").isTrue();
            assertThat(process.exitValue()).as(command + ": " + Files.readString(logs.resolve("out.txt"))).isZero();

            List<String> loaded = Files.readAllLines(log).stream().map(l -> l.split(" ")[1]).toList();
            assertThat(loaded).as(String.join(" ", command)).contains("dev.steward.client.StewardClient")
                    .noneMatch(cls -> SERVER_SIDE.stream().anyMatch(cls::startsWith));
        }
    }
}
