package dev.steward.store.jdbc;

import dev.steward.spi.store.MetadataStore;
import dev.steward.testing.DeploymentContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteDeploymentTest extends DeploymentContract {
    @TempDir
    Path files;

    @Override
    protected MetadataStore newStore() {
        return JdbcMetadataStore.open(JdbcStoreConfig.defaults("jdbc:sqlite:" + files.resolve("steward.db")));
    }
}
