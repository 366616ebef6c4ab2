package dev.steward.store.jdbc;

import dev.steward.artifacts.LocalArtifactStore;
import dev.steward.data.duckdb.DuckDbTableReader;
import dev.steward.spi.artifact.ArtifactStore;
import dev.steward.spi.data.TableReader;
import dev.steward.spi.store.MetadataStore;
import dev.steward.testing.MonitorServiceContract;

class SqliteMonitorServiceTest extends MonitorServiceContract {
    @Override
    protected MetadataStore newStore() {
        return JdbcMetadataStore.open(JdbcStoreConfig.defaults("jdbc:sqlite:" + files.resolve("steward.db")));
    }

    @Override
    protected ArtifactStore newArtifactStore() {
        return LocalArtifactStore.open(files.resolve("artifacts"));
    }

    @Override
    protected TableReader reader() {
        return new DuckDbTableReader("256MB");
    }
}
