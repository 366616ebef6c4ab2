package dev.steward.server.mlflow;

import dev.steward.server.Steward;
import dev.steward.server.StewardServer;
import dev.steward.server.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every MLflow client test of {@link MlflowJavaClientTest}, unchanged, on a SQLite store that the
 * landed code (before V14) wrote and this server migrated when it opened it; and the landed runs
 * answer as the landed server answered.
 */
class MlflowClientOnMigratedStoreTest extends MlflowJavaClientTest {
    @Override
    StewardServer startServer(Path home) {
        LandedStore.copyInto(home);
        return StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0"))));
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
