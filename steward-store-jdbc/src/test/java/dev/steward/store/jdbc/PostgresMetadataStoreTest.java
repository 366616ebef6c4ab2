package dev.steward.store.jdbc;

import dev.steward.spi.store.MetadataStore;
import dev.steward.testing.MetadataStoreContract;
import dev.steward.testing.TestPostgres;

/** The same contract on a real PostgreSQL server, started from Maven Central binaries. */
class PostgresMetadataStoreTest extends MetadataStoreContract {
    @Override
    protected MetadataStore newStore() {
        return JdbcMetadataStore.open(new JdbcStoreConfig(TestPostgres.newDatabase(), TestPostgres.user(), "", 4, 10_000, "NORMAL"));
    }

    @Override
    protected String expectedDialect() {
        return "postgresql";
    }
}
