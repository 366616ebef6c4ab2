package dev.steward.store.jdbc;

import dev.steward.artifacts.LocalArtifactStore;
import dev.steward.spi.artifact.ArtifactStore;
import dev.steward.spi.store.MetadataStore;
import dev.steward.testing.TrackingContract;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.io.TempDir;

class SqliteTrackingTest extends TrackingContract {
    @TempDir
    Path home;

    private String url() {
        return "jdbc:sqlite:" + home.resolve("steward.db");
    }

    @Override
    protected MetadataStore newStore() {
        return JdbcMetadataStore.open(JdbcStoreConfig.defaults(url()));
    }

    @Override
    protected ArtifactStore newArtifactStore() {
        return LocalArtifactStore.open(home.resolve("artifacts"));
    }

    @Override
    protected void tamper(String sql) {
        try (Connection connection = DriverManager.getConnection(url()); Statement statement = connection.createStatement()) {
            statement.executeUpdate(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
