package dev.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.client.StewardClient;
import dev.steward.client.StewardClientException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged server as a child process: killed mid-burst, and stopped with SIGTERM. */
class ServerProcessIT {
    @TempDir
    Path home;

    @Test
    void aServerKilledInABurstOfWritesLeavesAVerifiableChainAndOnlyWholeArtifacts() throws Exception {
        AtomicInteger acknowledgedTokens = new AtomicInteger();
        List<String> acknowledgedBlobs = new ArrayList<>();
        try (ServerProcess server = ServerProcess.start(home)) {
            StewardClient client = StewardClient.create(server.uri(), server.adminToken());
            AtomicBoolean running = new AtomicBoolean(true);
            ExecutorService writers = Executors.newFixedThreadPool(4);
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int writer = w;
                futures.add(writers.submit(() -> {
                    Random random = new Random(writer);
                    int i = 0;
                    while (running.get()) {
                        try {
                            if (writer % 2 == 0) {
                                client.createToken("burst-" + writer + "-" + i++, "viewer");
                                acknowledgedTokens.incrementAndGet();
                            } else {
                                byte[] blob = new byte[256 * 1024 + random.nextInt(65536)];
                                random.nextBytes(blob);
                                Path file = Files.createTempFile(home, "upload", ".bin");
                                Files.write(file, blob);
                                String sha = client.uploadArtifact(file).sha256();
                                synchronized (acknowledgedBlobs) {
                                    acknowledgedBlobs.add(sha);
                                }
                                Files.delete(file);
                            }
                        } catch (StewardClientException | IOException e) {
                            return null; // The server is gone.
                        }
                    }
                    return null;
                }));
            }
            // Kill it in the middle of the burst: once both kinds of write have been acknowledged a few times.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (acknowledgedTokens.get() < 20 || acknowledgedBlobs(acknowledgedBlobs) < 5) {
                assertThat(System.nanoTime()).as("writes acknowledged within 60 s").isLessThan(deadline);
                Thread.sleep(20);
            }
            assertThat(server.kill()).isEqualTo(137);
            running.set(false);
            for (Future<?> future : futures) {
                future.get(30, TimeUnit.SECONDS);
            }
            writers.shutdown();
        }
        assertThat(acknowledgedTokens.get()).isPositive();

        Cli verify = Cli.run("--home", home.toString(), "audit", "verify", "--offline");
        assertThat(verify.status()).as(verify.err()).isZero();

        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("steward.db"))) {
            long tokens = count(db, "SELECT COUNT(*) FROM api_token");
            long events = count(db, "SELECT COUNT(*) FROM audit_event WHERE action = 'token.create'");
            assertThat(tokens).isEqualTo(events).isGreaterThanOrEqualTo(acknowledgedTokens.get() + 1L);
        }
        try (Stream<Path> blobs = Files.walk(home.resolve("artifacts/sha256"))) {
            List<Path> files = blobs.filter(Files::isRegularFile).toList();
            for (Path blob : files) {
                assertThat(sha256(blob)).as("content of " + blob).isEqualTo(blob.getFileName().toString());
            }
            assertThat(files.stream().map(p -> p.getFileName().toString())).containsAll(acknowledgedBlobs);
        }

        try (ServerProcess restarted = ServerProcess.start(home)) {
            StewardClient client = StewardClient.create(restarted.uri(), Files.readString(home.resolve("admin.token")).trim());
            assertThat(client.health().get("status").asText()).isEqualTo("ok");
            assertThat(client.verifyAudit().intact()).isTrue();
        }
    }

    @Test
    void sigtermStopsTheServerCleanly() throws Exception {
        try (ServerProcess server = ServerProcess.start(home)) {
            StewardClient client = StewardClient.create(server.uri(), server.adminToken());
            client.createToken("before-stop", "viewer");

            int status = server.terminate();

            assertThat(status).isIn(0, 143);
            assertThat(server.output()).anySatisfy(line -> assertThat(line).startsWith("Steward stopped (in "))
                    .noneSatisfy(line -> assertThat(line).containsAnyOf("WARN", "ERROR", "Exception"));
        }
        assertThat(Files.exists(home.resolve("steward.db-shm"))).as("SQLite closed cleanly").isFalse();
        Cli verify = Cli.run("--home", home.toString(), "audit", "verify", "--offline");
        assertThat(verify.status()).as(verify.err()).isZero();
    }

    @Test
    void aStopThatOutlastsTheShutdownTimeoutSaysSoInOneWarningWithoutAStackTrace() throws Exception {
        try (ServerProcess server = ServerProcess.start(home, "--set", "server.shutdown-timeout-ms=300");
                Socket upload = new Socket(server.uri().getHost(), server.uri().getPort())) {
            // An upload that announces a megabyte and sends a tenth of it stays in flight for as long as we like.
            OutputStream out = upload.getOutputStream();
            out.write(("PUT /api/v1/artifacts HTTP/1.1\r\nHost: " + server.uri().getAuthority() + "\r\nAuthorization: Bearer "
                    + server.adminToken() + "\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[100_000]);
            out.flush();
            awaitUploadIntoTheStore();
            int printedBeforeStop = server.output().size();

            int status = server.terminate();

            assertThat(status).isIn(0, 143);
            List<String> stopping = server.output().subList(printedBeforeStop, server.output().size());
            assertThat(stopping).as(String.join("\n", stopping))
                    .filteredOn(line -> line.contains("WARN") || line.contains("ERROR")).singleElement().asString()
                    .contains("1 requests still in flight after 300 ms");
            assertThat(stopping).as(String.join("\n", stopping))
                    .noneSatisfy(line -> assertThat(line).containsAnyOf("Exception", "\tat "))
                    .last().asString().startsWith("Steward stopped (in ");
        }
    }

    /** Waits until the artifact store is writing an upload into its temporary directory: the request is in its handler. */
    private void awaitUploadIntoTheStore() throws IOException, InterruptedException {
        Path tmp = home.resolve("artifacts/tmp");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Stream<Path> parts = Files.list(tmp)) {
                if (parts.findAny().isPresent()) {
                    return;
                }
            }
            assertThat(System.nanoTime()).as("an upload reaches " + tmp + " within 60 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static int acknowledgedBlobs(List<String> blobs) {
        synchronized (blobs) {
            return blobs.size();
        }
    }

    private static long count(Connection db, String sql) throws SQLException {
        try (ResultSet rs = db.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[65536];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
