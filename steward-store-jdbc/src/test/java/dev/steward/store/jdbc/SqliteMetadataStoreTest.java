package dev.steward.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.spi.StewardException;
import dev.steward.spi.store.MetadataStore;
import dev.steward.testing.MetadataStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteMetadataStoreTest extends MetadataStoreContract {
    @TempDir
    Path home;

    @Override
    protected MetadataStore newStore() {
        return JdbcMetadataStore.open(JdbcStoreConfig.defaults("jdbc:sqlite:" + home.resolve("nested/dir/steward.db")));
    }

    @Override
    protected String expectedDialect() {
        return "sqlite";
    }

    @Test
    void runsInWalModeWithForeignKeysOn() {
        JdbcMetadataStore jdbc = (JdbcMetadataStore) store;
        assertThat(jdbc.pragma("journal_mode")).isEqualToIgnoringCase("wal");
        assertThat(jdbc.pragma("foreign_keys")).isEqualTo("1");
        assertThat(home.resolve("nested/dir/steward.db")).exists();
    }

    @Test
    void reopeningAnExistingDatabaseKeepsItsData() {
        store.write(tx -> audit.record(tx, dev.steward.spi.Caller.class.cast(new dev.steward.spi.Caller(
                dev.steward.spi.Actor.SYSTEM, "0".repeat(64))), "x.create", "x", "1", java.util.Map.of()));
        store.close();
        store = newStore();
        assertThat(audit.verify(store).eventsChecked()).isEqualTo(1);
    }

    @Test
    void aWriteInsideAnotherOnTheSameThreadIsRefused() {
        assertThatThrownBy(() -> store.write(outer -> store.write(inner -> null)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("inside another");
        String answer = store.write(tx -> "the writer is free again");
        assertThat(answer).isEqualTo("the writer is free again");
    }

    @Test
    void rejectsInMemoryAndUnknownUrls() {
        assertThatThrownBy(() -> JdbcMetadataStore.open(JdbcStoreConfig.defaults("jdbc:sqlite::memory:")))
                .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.field()).contains("store.url"));
        assertThatThrownBy(() -> JdbcMetadataStore.open(JdbcStoreConfig.defaults("jdbc:mysql://localhost/x")))
                .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.getMessage()).contains("jdbc:postgresql"));
    }

    @Test
    void redactsPasswordsInUrls() {
        assertThat(JdbcMetadataStore.redact("jdbc:postgresql://h/db?user=a&password=secret&ssl=true"))
                .isEqualTo("jdbc:postgresql://h/db?user=a&password=****&ssl=true");
        assertThat(JdbcStoreConfig.defaults("jdbc:x").toString()).doesNotContain("secret");
        assertThat(new JdbcStoreConfig("jdbc:x", "u", "secret", 1, 0, "FULL").toString()).doesNotContain("secret");
    }
}
