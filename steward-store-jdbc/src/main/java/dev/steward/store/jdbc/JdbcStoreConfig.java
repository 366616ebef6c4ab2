package dev.steward.store.jdbc;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * How to reach the metadata store.
 *
 * @param url JDBC URL: {@code jdbc:sqlite:<file>} (the default) or {@code jdbc:postgresql://…}
 * @param user database user (PostgreSQL), empty for none
 * @param password database password (PostgreSQL), empty for none; never printed
 * @param poolSize connections in the reader pool (SQLite) or the only pool (PostgreSQL)
 * @param busyTimeoutMs how long a SQLite connection waits for a lock before failing
 * @param sqliteSynchronous SQLite {@code synchronous} pragma: {@code NORMAL} or {@code FULL}
 */
public record JdbcStoreConfig(String url, String user, String password, int poolSize, int busyTimeoutMs, String sqliteSynchronous) {
    public JdbcStoreConfig {
        requireNonNull(url, "url is null");
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
        requireNonNull(sqliteSynchronous, "sqliteSynchronous is null");
        sqliteSynchronous = sqliteSynchronous.toUpperCase(Locale.ROOT);
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be at least 1: " + poolSize);
        }
        if (busyTimeoutMs < 0) {
            throw new IllegalArgumentException("busyTimeoutMs is negative: " + busyTimeoutMs);
        }
        if (!sqliteSynchronous.equals("NORMAL") && !sqliteSynchronous.equals("FULL")) {
            throw new IllegalArgumentException("sqliteSynchronous must be NORMAL or FULL: " + sqliteSynchronous);
        }
    }

    /** The defaults for a URL without credentials: 8 readers, 10 s busy timeout, synchronous NORMAL. */
    public static JdbcStoreConfig defaults(String url) {
        return new JdbcStoreConfig(url, "", "", 8, 10_000, "NORMAL");
    }

    @Override
    public String toString() {
        return "JdbcStoreConfig[url=" + url + ", user=" + user + ", password=" + (password.isEmpty() ? "" : "****")
                + ", poolSize=" + poolSize + ", busyTimeoutMs=" + busyTimeoutMs + ", sqliteSynchronous=" + sqliteSynchronous + "]";
    }
}
