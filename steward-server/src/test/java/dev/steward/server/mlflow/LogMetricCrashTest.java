package dev.steward.server.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.server.ChildServer;
import dev.steward.server.HttpTestClient;
import dev.steward.server.Steward;
import dev.steward.server.config.ConfigLoader;
import dev.steward.spi.tracking.Metric;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability of group-committed metric writes: eight clients log metrics into a server in a JVM
 * of its own, the process gets SIGKILL in the middle of it, and every log-metric that was answered
 * 200 must be in the store when it is opened again.
 */
class LogMetricCrashTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int CLIENTS = 8;

    @Test
    void everyAcknowledgedMetricSurvivesAKill9DuringConcurrentWrites(@TempDir Path home, @TempDir Path logs) throws Exception {
        Path log = logs.resolve("server.log");
        Process server = ChildServer.start(home, log);
        Map<String, Set<Long>> acknowledged = new ConcurrentHashMap<>();
        String runId;
        try {
            String[] listening = awaitListening(server, log);
            HttpTestClient http = new HttpTestClient(URI.create(listening[1]));
            String token = listening[2];
            runId = MAPPER.readTree(http.post("/api/2.0/mlflow/runs/create", token, "{\"experiment_id\":\"0\"}").body())
                    .get("run").get("info").get("run_id").asText();
            AtomicBoolean killed = new AtomicBoolean();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                String key = "m" + c;
                Set<Long> steps = ConcurrentHashMap.newKeySet();
                acknowledged.put(key, steps);
                running.add(clients.submit(() -> {
                    for (long step = 0; !killed.get(); step++) {
                        HttpResponse<String> response;
                        try {
                            response = http.post("/api/2.0/mlflow/runs/log-metric", token, "{\"run_id\":\"" + runId + "\",\"key\":\"" + key
                                    + "\",\"value\":" + step + ",\"timestamp\":" + (1_700_000_000_000L + step) + ",\"step\":" + step + "}");
                        } catch (IllegalStateException e) {
                            return null; // the connection died with the server: not acknowledged
                        }
                        if (response.statusCode() == 200) {
                            steps.add(step);
                        }
                    }
                    return null;
                }));
            }
            // Kill once the writers are well into it: some hundreds of acknowledged writes, groups committing.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (total(acknowledged) < 2_000 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            server.destroyForcibly(); // SIGKILL: no shutdown hook, nothing flushed by the JVM
            server.waitFor();
            killed.set(true);
            for (Future<?> client : running) {
                client.get(60, TimeUnit.SECONDS);
            }
            clients.shutdown();
        } finally {
            server.destroyForcibly();
        }
        assertThat(total(acknowledged)).as("writes acknowledged before the kill").isGreaterThanOrEqualTo(100);

        try (Steward steward = Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0")))) {
            for (Map.Entry<String, Set<Long>> client : acknowledged.entrySet()) {
                Set<Long> stored = steward.tracking().metricHistory(runId, client.getKey(), null, null).items().stream()
                        .map(Metric::step).collect(Collectors.toCollection(TreeSet::new));
                assertThat(stored).as("metric %s: every acknowledged step is stored", client.getKey()).containsAll(client.getValue());
            }
            assertThat(steward.audit().verify(steward.store()).intact()).isTrue();
        }
    }

    private static int total(Map<String, Set<Long>> acknowledged) {
        return acknowledged.values().stream().mapToInt(Set::size).sum();
    }

    private static String[] awaitListening(Process server, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            for (String line : Files.readAllLines(log)) {
                if (line.startsWith("listening ")) {
                    return line.split(" ");
                }
            }
            if (!server.isAlive()) {
                break;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the child server did not start: " + Files.readString(log));
    }
}
