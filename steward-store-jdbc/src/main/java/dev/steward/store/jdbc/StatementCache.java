package dev.steward.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Prepared statements of the hottest writes kept open on SQLite's one writer connection, so that a
 * log-metric does not pay for parsing and planning its SQL again (SQLite re-prepares a kept
 * statement by itself after a schema change). Statements are prepared on the physical connection,
 * beneath the pool, and live as long as it does. Not thread-safe: used under the writer's lock.
 * {@link #none()} prepares and closes a statement on every use (the reader pools, PostgreSQL).
 */
final class StatementCache {
    /** What is done with a statement; result sets it opens must be closed before it returns. */
    interface Use<T> {
        T apply(PreparedStatement statement) throws SQLException;
    }

    private static final StatementCache NONE = new StatementCache(null);

    private final Connection physical;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    private StatementCache(Connection physical) {
        this.physical = physical;
    }

    static StatementCache none() {
        return NONE;
    }

    /** A cache for the physical connection beneath the handle's, or {@code current} if it is that connection's already. */
    static StatementCache forHandle(Handle handle, StatementCache current) {
        try {
            Connection connection = handle.getConnection().unwrap(Connection.class);
            if (current != null && current.physical == connection) {
                return current;
            }
            if (current != null) {
                current.close();
            }
            return new StatementCache(connection);
        } catch (SQLException e) {
            return NONE;
        }
    }

    <T> T with(Handle handle, String sql, Use<T> use) throws SQLException {
        if (physical == null) {
            try (PreparedStatement statement = handle.getConnection().prepareStatement(sql)) {
                return use.apply(statement);
            }
        }
        PreparedStatement statement = statements.get(sql);
        if (statement == null) {
            statement = physical.prepareStatement(sql);
            statements.put(sql, statement);
        }
        try {
            T result = use.apply(statement);
            statement.clearParameters();
            return result;
        } catch (SQLException | RuntimeException e) {
            statements.remove(sql);
            closeQuietly(statement);
            throw e;
        }
    }

    private void close() {
        statements.values().forEach(StatementCache::closeQuietly);
        statements.clear();
    }

    private static void closeQuietly(PreparedStatement statement) {
        try {
            statement.close();
        } catch (SQLException ignored) {
            // The connection it belonged to is gone or going; nothing is left to release.
        }
    }
}
