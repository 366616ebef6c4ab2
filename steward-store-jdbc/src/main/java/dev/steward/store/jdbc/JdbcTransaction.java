package dev.steward.store.jdbc;

import dev.steward.spi.store.StoreTransaction;
import java.util.HashMap;
import java.util.Map;

/** A {@link StoreTransaction} over one Jdbi handle; repositories are created once per transaction. */
final class JdbcTransaction implements StoreTransaction {
    private final JdbcContext context;
    private final Map<Class<?>, Object> repositories = new HashMap<>();

    JdbcTransaction(JdbcContext context) {
        this.context = context;
    }

    @Override
    public <R> R repository(Class<R> type) {
        return type.cast(repositories.computeIfAbsent(type, t -> JdbcRepositories.create(t, context)));
    }
}
