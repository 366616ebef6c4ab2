package dev.steward.server.mlflow;

import dev.steward.server.Steward;
import dev.steward.server.StewardServer;
import dev.steward.server.config.ConfigLoader;
import dev.steward.testing.TestPostgres;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every MLflow client test of {@link MlflowJavaClientTest}, unchanged, on a PostgreSQL store in the
 * landed schema (V12) holding the rows the landed code wrote, migrated in place when the server
 * opened it; and the landed runs answer as the landed server answered.
 */
class MlflowClientOnMigratedPostgresTest extends MlflowJavaClientTest {
    @Override
    StewardServer startServer(Path home) {
        String url = LandedStore.loadIntoPostgres();
        return StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0", "store.url", url,
                "store.user", TestPostgres.user()))));
    }

    @Override
    String adminToken(StewardServer server) {
        return LandedStore.adminToken();
    }

    @Test
    void theLandedRunsAnswerAsTheLandedServerAnswered() throws Exception {
        LandedStore.answersAsTheLandedServerDid(server);
    }
}
