package dev.steward.server;

import static dev.steward.server.StewardServerTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.server.config.ConfigLoader;
import dev.steward.spi.StewardException;
import dev.steward.spi.jobs.JobRecord;
import dev.steward.spi.jobs.JobRepository;
import dev.steward.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One server per home, and jobs owned by the server that runs them: a second server on a home is
 * refused and changes nothing; replicas on one PostgreSQL store never interrupt each other's live
 * jobs, only those of a replica that stopped renewing its leases.
 */
class OneServerPerHomeTest {
    /** A command that runs until the test creates the file {@code go} in its working directory. */
    private static String waitFor(Path go) {
        return "{\"kind\": \"command\", \"spec\": {\"command\": \"while [ ! -f " + go + " ]; do sleep 0.05; done\"}}";
    }

    @Test
    void aSecondServerOnTheSameHomeIsRefusedNamingTheFirstAndItsJobsRunOn(@TempDir Path home, @TempDir Path work) throws Exception {
        Path go = work.resolve("go");
        try (StewardServer first = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0"))))) {
            String admin = first.createdAdminToken().orElseThrow();
            HttpTestClient http = new HttpTestClient(first.uri());
            String id = json(http.post("/api/v1/jobs", admin, waitFor(go))).get("id").asText();
            JobsHttp.poll(() -> json(http.get("/api/v1/jobs/" + id, admin)), j -> j.get("status").asText().equals("running"));
            JsonNode published = StewardServerTest.MAPPER.readTree(Files.readString(home.resolve(HomeLock.SERVER_FILE)));
            assertThat(published.get("url").asText()).isEqualTo(first.uri().toString());
            assertThat(published.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());

            Steward second = Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0")));
            assertThatThrownBy(() -> StewardServer.start(second)).isInstanceOf(StewardException.class)
                    .hasMessageContaining("another Steward server (pid " + ProcessHandle.current().pid() + ", " + first.uri() + ")")
                    .hasMessageContaining("--home");
            second.close();

            assertThat(json(http.get("/api/v1/jobs/" + id, admin)).get("status").asText()).as("the refused server interrupted nothing")
                    .isEqualTo("running");
            Files.createFile(go);
            JsonNode done = JobsHttp.poll(() -> json(http.get("/api/v1/jobs/" + id, admin)), j -> !j.get("status").asText().equals("running"));
            assertThat(done.get("status").asText()).isEqualTo("succeeded");
            JsonNode events = json(http.get("/api/v1/audit?object_id=" + id, admin)).get("events");
            assertThat(events).extracting(e -> e.get("action").asText()).containsExactly("job.submit", "job.start", "job.finish");
        }
        assertThat(home.resolve(HomeLock.SERVER_FILE)).as("removed on a clean stop").doesNotExist();
        try (StewardServer again = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0"))))) {
            assertThat(again.port()).as("the home is free again").isPositive();
        }
    }

    @Test
    void replicasOnOneStoreInterruptOnlyJobsWhoseServerStoppedRenewingTheirLeases(@TempDir Path homeA, @TempDir Path homeB,
            @TempDir Path work) throws Exception {
        Map<String, String> shared = Map.of("server.port", "0", "store.url", TestPostgres.newDatabase(), "store.user", TestPostgres.user(),
                "jobs.lease-seconds", "3");
        try (StewardServer a = StewardServer.start(Steward.open(ConfigLoader.load(homeA, Map.of(), shared)))) {
            String admin = a.createdAdminToken().orElseThrow();
            HttpTestClient http = new HttpTestClient(a.uri());
            Path go = work.resolve("go");
            String live = json(http.post("/api/v1/jobs", admin, waitFor(go))).get("id").asText();
            JsonNode running = JobsHttp.poll(() -> json(http.get("/api/v1/jobs/" + live, admin)), j -> j.get("status").asText().equals("running"));
            assertThat(running.get("owner").asText()).isEqualTo(a.steward().jobs().owner());
            // A job a replica that died left behind: running, its lease long over.
            JobRecord abandoned = JobRecord.queued("job_00000000000000ab", "command", 0, "{\"command\": \"true\"}", Optional.empty(), 1, "tok_x")
                    .started("0123456789abcdef0123456789abcdef", 1, "gone-host/1/dead");
            a.steward().store().write(tx -> {
                tx.repository(JobRepository.class).insert(JobRecord.queued(abandoned.id(), abandoned.kind(), 0, abandoned.spec(), Optional.empty(),
                        1, "tok_x"));
                return tx.repository(JobRepository.class).claim(abandoned, 2);
            });
            long startedB = System.nanoTime();

            try (StewardServer b = StewardServer.start(Steward.open(ConfigLoader.load(homeB, Map.of(), shared)))) {
                JsonNode interrupted = JobsHttp.poll(() -> json(http.get("/api/v1/jobs/" + abandoned.id(), admin)),
                        j -> !j.get("status").asText().equals("running"));
                assertThat(interrupted.get("status").asText()).isEqualTo("interrupted");
                assertThat(interrupted.get("message").asText()).contains("gone-host/1/dead", "retry it");

                // Past a whole lease and several of B's sweeps, A's job is still A's: A renewed it all along.
                JobsHttp.poll(() -> json(http.get("/api/v1/jobs/" + live, admin)), j -> System.nanoTime() - startedB > 5_000_000_000L);
                assertThat(json(http.get("/api/v1/jobs/" + live, admin)).get("status").asText()).isEqualTo("running");
                Files.createFile(go);
                JsonNode done = JobsHttp.poll(() -> json(http.get("/api/v1/jobs/" + live, admin)), j -> !j.get("status").asText().equals("running"));
                assertThat(done.get("status").asText()).isEqualTo("succeeded");
                JsonNode events = json(http.get("/api/v1/audit?object_id=" + live, admin)).get("events");
                assertThat(events).extracting(e -> e.get("action").asText()).containsExactly("job.submit", "job.start", "job.finish");
            }
        }
    }
}
