package dev.steward.store.jdbc;

import dev.steward.spi.store.MetadataStore;
import dev.steward.testing.WebhookContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteWebhookTest extends WebhookContract {
    @TempDir
    Path home;

    @Override
    protected MetadataStore newStore() {
        return JdbcMetadataStore.open(JdbcStoreConfig.defaults("jdbc:sqlite:" + home.resolve("steward.db")));
    }
}
