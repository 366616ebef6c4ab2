package dev.steward.store.jdbc;

import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Locale;
import org.jdbi.v3.core.JdbiException;

/** Turns database failures into Steward errors that say what happened without leaking SQL. */
final class SqlErrors {
    private SqlErrors() {}

    /** True when the failure is a violated unique or primary key constraint. */
    static boolean isUniqueViolation(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                if ("23505".equals(sql.getSQLState())) {
                    return true;
                }
                String message = String.valueOf(sql.getMessage()).toUpperCase(Locale.ROOT);
                if (message.contains("SQLITE_CONSTRAINT_UNIQUE") || message.contains("SQLITE_CONSTRAINT_PRIMARYKEY")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean causedBySql(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException) {
                return true;
            }
        }
        return false;
    }

    /** The Steward error for a failure of the store itself (not of the caller's request). */
    static RuntimeException translate(RuntimeException failure) {
        if (failure instanceof StewardException) {
            return failure;
        }
        if (!(failure instanceof JdbiException) && !causedBySql(failure)) {
            // A programming error in the work itself, not a failure of the store: pass it on as is.
            return failure;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException) {
                return StewardException.of(ErrorCode.TEMPORARILY_UNAVAILABLE,
                        "the metadata store has no free connection; retry shortly", failure);
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState() == null ? "" : sql.getSQLState();
                String message = String.valueOf(sql.getMessage()).toUpperCase(Locale.ROOT);
                if (message.contains("SQLITE_BUSY") || message.contains("SQLITE_LOCKED")
                        || state.equals("40001") || state.equals("40P01") || state.equals("55P03")) {
                    return StewardException.of(ErrorCode.TEMPORARILY_UNAVAILABLE,
                            "the metadata store is busy with other writes; retry shortly", failure);
                }
                if (state.startsWith("08") || state.equals("57P01") || state.equals("57P03")) {
                    return StewardException.of(ErrorCode.TEMPORARILY_UNAVAILABLE,
                            "cannot reach the metadata store; retry when it is back", failure);
                }
                if (message.contains("SQLITE_FULL")) {
                    return StewardException.of(ErrorCode.TEMPORARILY_UNAVAILABLE,
                            "the disk of the metadata store is full", failure);
                }
                if (message.contains("SQLITE_CORRUPT") || message.contains("SQLITE_NOTADB")) {
                    return StewardException.of(ErrorCode.DATA_CORRUPTED,
                            "the metadata store's database file is corrupt", failure);
                }
            }
        }
        return StewardException.internal("the metadata store failed: " + failure.getClass().getSimpleName(), failure);
    }
}
