package dev.steward.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.server.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With {@code jobs.training-isolation: none}, training runs in the server's JVM and gives the same model. */
class InProcessTrainingTest {
    private static final String SPEC = """
            {"dataset": {"name": "penguins", "version": 1}, "target": "species", "task": "multiclass_classification",
             "algorithm": {"name": "random_forest", "hyperparameters": {"n_trees": 10}}}
            """;

    @Test
    void trainingInTheServersJvmGivesTheSameModelAsInAWorker(@TempDir Path inProcess, @TempDir Path isolated) {
        assertThat(digest(inProcess, "none")).isEqualTo(digest(isolated, "process"));
    }

    private static String digest(Path home, String isolation) {
        try (StewardServer server = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(),
                Map.of("server.port", "0", "jobs.training-isolation", isolation))))) {
            JobsHttp jobs = new JobsHttp(server, server.createdAdminToken().orElseThrow());
            jobs.uploadPenguins();
            JsonNode job = jobs.awaitSuccess(jobs.submit("train", 0, SPEC));
            for (JsonNode tag : jobs.run(job.get("run_id").asText()).at("/data/tags")) {
                if (tag.get("key").asText().equals("steward.model.digest")) {
                    return tag.get("value").asText();
                }
            }
            throw new AssertionError("no model digest");
        }
    }
}
