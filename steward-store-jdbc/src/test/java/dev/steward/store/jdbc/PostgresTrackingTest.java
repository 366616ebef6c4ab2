package dev.steward.store.jdbc;

import dev.steward.artifacts.LocalArtifactStore;
import dev.steward.spi.artifact.ArtifactStore;
import dev.steward.spi.store.MetadataStore;
import dev.steward.testing.TestPostgres;
import dev.steward.testing.TrackingContract;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.io.TempDir;

class PostgresTrackingTest extends TrackingContract {
    @TempDir
    Path home;

    private String url;

    @Override
    protected MetadataStore newStore() {
        url = TestPostgres.newDatabase();
        return JdbcMetadataStore.open(new JdbcStoreConfig(url, TestPostgres.user(), "", 4, 10_000, "NORMAL"));
    }

    @Override
    protected ArtifactStore newArtifactStore() {
        return LocalArtifactStore.open(home.resolve("artifacts"));
    }

    @Override
    protected void tamper(String sql) {
        try (Connection connection = DriverManager.getConnection(url, TestPostgres.user(), "");
                Statement statement = connection.createStatement()) {
            statement.executeUpdate(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
