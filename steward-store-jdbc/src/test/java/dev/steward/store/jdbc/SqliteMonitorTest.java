package dev.steward.store.jdbc;

import dev.steward.spi.store.MetadataStore;
import dev.steward.testing.MonitorContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteMonitorTest extends MonitorContract {
    @TempDir
    Path files;

    @Override
    protected MetadataStore newStore() {
        return JdbcMetadataStore.open(JdbcStoreConfig.defaults("jdbc:sqlite:" + files.resolve("steward.db")));
    }
}
