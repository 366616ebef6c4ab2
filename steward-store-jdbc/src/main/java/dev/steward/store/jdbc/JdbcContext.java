package dev.steward.store.jdbc;

import static java.util.Objects.requireNonNull;

import org.jdbi.v3.core.Handle;

/**
 * What a repository implementation works with: the open handle of the current transaction, the
 * dialect, for the few statements that differ between SQLite and PostgreSQL, and the statements
 * kept prepared on the connection (for the hottest paths only; none but on SQLite's writer).
 */
public record JdbcContext(Handle handle, Dialect dialect, boolean writable, StatementCache statements) {
    public JdbcContext {
        requireNonNull(handle, "handle is null");
        requireNonNull(dialect, "dialect is null");
        requireNonNull(statements, "statements is null");
    }

    public JdbcContext(Handle handle, Dialect dialect, boolean writable) {
        this(handle, dialect, writable, StatementCache.none());
    }
}
