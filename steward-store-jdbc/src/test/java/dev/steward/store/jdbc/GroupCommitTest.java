package dev.steward.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.spi.Role;
import dev.steward.spi.store.TokenRecord;
import dev.steward.spi.store.TokenRepository;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitTest {
    @TempDir
    Path home;

    @Test
    void writesThatQueueBehindARunningOneShareItsCommit() throws Exception {
        try (JdbcMetadataStore store = JdbcMetadataStore.open(JdbcStoreConfig.defaults("jdbc:sqlite:" + home.resolve("steward.db")))) {
            GroupCommit writer = store.groupCommit();
            long before = writer.transactions();
            int others = 7;
            CountDownLatch firstRunning = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(others + 1);
            try {
                List<Future<?>> writes = new ArrayList<>();
                writes.add(pool.submit(() -> store.write(tx -> {
                    insert(tx.repository(TokenRepository.class), 0);
                    firstRunning.countDown();
                    while (writer.waiting() < others) {
                        Thread.onSpinWait();
                    }
                    return null;
                })));
                firstRunning.await();
                for (int i = 1; i <= others; i++) {
                    int n = i;
                    writes.add(pool.submit(() -> store.write(tx -> insert(tx.repository(TokenRepository.class), n))));
                }
                for (Future<?> write : writes) {
                    write.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(writer.transactions() - before).isEqualTo(1);
            List<TokenRecord> tokens = store.read(tx -> tx.repository(TokenRepository.class).list());
            assertThat(tokens).hasSize(others + 1);
        }
    }

    private static Void insert(TokenRepository tokens, int n) {
        tokens.insert(new TokenRecord("tok_" + n, "t", Role.VIEWER, String.format("%064x", n), Instant.EPOCH, "system", Optional.empty()));
        return null;
    }
}
