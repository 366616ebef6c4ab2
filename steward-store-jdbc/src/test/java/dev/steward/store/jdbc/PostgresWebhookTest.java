package dev.steward.store.jdbc;

import dev.steward.spi.store.MetadataStore;
import dev.steward.testing.TestPostgres;
import dev.steward.testing.WebhookContract;

class PostgresWebhookTest extends WebhookContract {
    @Override
    protected MetadataStore newStore() {
        return JdbcMetadataStore.open(new JdbcStoreConfig(TestPostgres.newDatabase(), TestPostgres.user(), "", 4, 10_000, "NORMAL"));
    }
}
