package dev.steward.store.jdbc;

import static java.util.Objects.requireNonNull;

import org.jdbi.v3.core.Handle;

/**
 * What a repository implementation works with: the open handle of the current transaction and the
 * dialect, for the few statements that differ between SQLite and PostgreSQL.
 */
public record JdbcContext(Handle handle, Dialect dialect, boolean writable) {
    public JdbcContext {
        requireNonNull(handle, "handle is null");
        requireNonNull(dialect, "dialect is null");
    }
}
