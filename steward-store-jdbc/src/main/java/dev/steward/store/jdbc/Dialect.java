package dev.steward.store.jdbc;

import dev.steward.spi.StewardException;

/** The SQL databases the metadata store runs on. */
public enum Dialect {
    SQLITE("sqlite"),
    POSTGRESQL("postgresql");

    private final String wireName;

    Dialect(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The dialect of a JDBC URL, or a clear error naming the URLs that work. */
    public static Dialect ofUrl(String url) {
        if (url.startsWith("jdbc:sqlite:")) {
            return SQLITE;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        throw StewardException.invalid("store.url", "unsupported store URL '" + url
                + "': use jdbc:sqlite:<file> (the default) or jdbc:postgresql://<host>:<port>/<database>");
    }
}
