package dev.steward.store.jdbc;

import dev.steward.spi.store.MetadataStore;
import dev.steward.testing.MonitorContract;
import dev.steward.testing.TestPostgres;

class PostgresMonitorTest extends MonitorContract {
    @Override
    protected MetadataStore newStore() {
        return JdbcMetadataStore.open(new JdbcStoreConfig(TestPostgres.newDatabase(), TestPostgres.user(), "", 4, 10_000, "NORMAL"));
    }
}
