package dev.steward.store.jdbc;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import dev.steward.spi.store.MetadataStore;
import dev.steward.spi.store.StoreTransaction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata store on a SQL database through Jdbi, with its schema kept by Flyway.
 *
 * <p>On SQLite (the embedded default) there is exactly one writer connection, opened with
 * {@code BEGIN IMMEDIATE} transactions so a write never fails half-way on a lock upgrade, and a
 * pool of query-only reader connections; WAL mode lets readers see a consistent snapshot while the
 * writer works. Concurrent writes on SQLite share transactions ({@link GroupCommit}): each returns once
 * the commit holding it is done. On PostgreSQL one pool serves both; writers serialise on the audit head row.
 */
public final class JdbcMetadataStore implements MetadataStore {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcMetadataStore.class);

    private final Dialect dialect;
    private final HikariDataSource writerPool;
    private final HikariDataSource readerPool;
    private final Jdbi writer;
    private final Jdbi reader;
    /** SQLite's writes; PostgreSQL's run one transaction each on the pool. */
    private final GroupCommit groupCommit;

    private JdbcMetadataStore(Dialect dialect, HikariDataSource writerPool, HikariDataSource readerPool) {
        this.dialect = dialect;
        this.writerPool = writerPool;
        this.readerPool = readerPool;
        this.writer = Jdbi.create(writerPool);
        this.reader = readerPool == writerPool ? writer : Jdbi.create(readerPool);
        this.groupCommit = new GroupCommit(writer);
    }

    /** Opens (creating or migrating when needed) the store the configuration points at. */
    public static JdbcMetadataStore open(JdbcStoreConfig config) {
        requireNonNull(config, "config is null");
        Dialect dialect = Dialect.ofUrl(config.url());
        if (dialect == Dialect.SQLITE) {
            prepareSqliteFile(config.url());
        }
        migrate(config, dialect);
        HikariDataSource writerPool = null;
        try {
            if (dialect == Dialect.SQLITE) {
                writerPool = new HikariDataSource(sqlitePool(config, "steward-writer", 1, false));
                HikariDataSource readerPool = new HikariDataSource(sqlitePool(config, "steward-reader", config.poolSize(), true));
                return new JdbcMetadataStore(dialect, writerPool, readerPool);
            }
            writerPool = new HikariDataSource(postgresPool(config));
            return new JdbcMetadataStore(dialect, writerPool, writerPool);
        } catch (RuntimeException e) {
            if (writerPool != null) {
                writerPool.close();
            }
            throw StewardException.of(ErrorCode.TEMPORARILY_UNAVAILABLE,
                    "cannot open the metadata store at " + redact(config.url()) + ": " + rootMessage(e), e);
        }
    }

    @Override
    public <T> T write(Function<StoreTransaction, T> work) {
        requireNonNull(work, "work is null");
        try {
            if (dialect == Dialect.POSTGRESQL) {
                return writer.inTransaction(TransactionIsolationLevel.READ_COMMITTED,
                        handle -> work.apply(new JdbcTransaction(new JdbcContext(handle, dialect, true))));
            }
            return groupCommit.write(work);
        } catch (RuntimeException e) {
            throw SqlErrors.translate(e);
        }
    }

    @Override
    public <T> T read(Function<StoreTransaction, T> work) {
        requireNonNull(work, "work is null");
        try {
            if (dialect == Dialect.POSTGRESQL) {
                return reader.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, handle -> {
                    handle.execute("SET TRANSACTION READ ONLY");
                    return work.apply(new JdbcTransaction(new JdbcContext(handle, dialect, false)));
                });
            }
            return reader.inTransaction(handle -> work.apply(new JdbcTransaction(new JdbcContext(handle, dialect, false))));
        } catch (RuntimeException e) {
            throw SqlErrors.translate(e);
        }
    }

    @Override
    public String dialect() {
        return dialect.wireName();
    }

    @Override
    public void check() {
        try {
            reader.withHandle(handle -> handle.createQuery("SELECT 1").mapTo(Integer.class).one());
        } catch (RuntimeException e) {
            throw SqlErrors.translate(e);
        }
    }

    @Override
    public void close() {
        if (readerPool != writerPool) {
            readerPool.close();
        }
        writerPool.close();
    }

    GroupCommit groupCommit() {
        return groupCommit;
    }

    /** The value of a SQLite pragma on the writer connection, for diagnostics and tests. */
    String pragma(String name) {
        if (!name.matches("[a-z_]+")) {
            throw new IllegalArgumentException("not a pragma name: " + name);
        }
        return writer.withHandle(handle -> handle.createQuery("PRAGMA " + name).mapTo(String.class).one());
    }

    private static void migrate(JdbcStoreConfig config, Dialect dialect) {
        try {
            Flyway.configure()
                    .dataSource(config.url(), blankToNull(config.user()), blankToNull(config.password()))
                    .locations("classpath:db/migration/common", "classpath:db/migration/" + dialect.wireName())
                    .failOnMissingLocations(false)
                    .connectRetries(dialect == Dialect.POSTGRESQL ? 3 : 0)
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw StewardException.of(ErrorCode.TEMPORARILY_UNAVAILABLE,
                    "cannot open or migrate the metadata store at " + redact(config.url()) + ": " + rootMessage(e), e);
        }
    }

    private static void prepareSqliteFile(String url) {
        String location = url.substring("jdbc:sqlite:".length());
        int query = location.indexOf('?');
        if (query >= 0) {
            location = location.substring(0, query);
        }
        if (location.startsWith("file:")) {
            location = location.substring("file:".length());
        }
        if (location.isEmpty() || location.equals(":memory:") || location.contains("mode=memory")) {
            throw StewardException.invalid("store.url", "an in-memory SQLite database cannot be shared by the writer and the"
                    + " readers; point store.url at a file, e.g. jdbc:sqlite:/path/to/steward.db");
        }
        Path parent = Path.of(location).toAbsolutePath().getParent();
        try {
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw StewardException.invalid("store.url", "cannot create the directory " + parent + " for the SQLite database: " + e.getMessage());
        }
        LOG.debug("SQLite database at {}", location);
    }

    private static HikariConfig sqlitePool(JdbcStoreConfig config, String name, int size, boolean readOnly) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName(name);
        hikari.setJdbcUrl(config.url());
        hikari.setMaximumPoolSize(size);
        hikari.setMinimumIdle(Math.min(size, 1));
        hikari.setConnectionTimeout(Math.max(30_000, config.busyTimeoutMs() * 2L));
        hikari.addDataSourceProperty("journal_mode", "WAL");
        hikari.addDataSourceProperty("foreign_keys", "true");
        hikari.addDataSourceProperty("busy_timeout", Integer.toString(config.busyTimeoutMs()));
        hikari.addDataSourceProperty("synchronous", config.sqliteSynchronous());
        // MLflow's LIKE is case-sensitive (ILIKE is not); SQLite's is not unless told.
        hikari.addDataSourceProperty("case_sensitive_like", "true");
        // A larger page cache (negative = KiB) and memory-mapped reads keep hot index pages in
        // memory; checkpointing every 16 MiB of WAL instead of 4 MiB copies hot pages less often.
        hikari.addDataSourceProperty("cache_size", readOnly ? "-16384" : "-65536");
        hikari.addDataSourceProperty("mmap_size", Long.toString(256L << 20));
        hikari.addDataSourceProperty("temp_store", "MEMORY");
        hikari.addDataSourceProperty("wal_autocheckpoint", "4000");
        if (readOnly) {
            hikari.setConnectionInitSql("PRAGMA query_only = 1");
        } else {
            hikari.addDataSourceProperty("transaction_mode", "IMMEDIATE");
        }
        return hikari;
    }

    private static HikariConfig postgresPool(JdbcStoreConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("steward-postgresql");
        hikari.setJdbcUrl(config.url());
        if (!config.user().isEmpty()) {
            hikari.setUsername(config.user());
        }
        if (!config.password().isEmpty()) {
            hikari.setPassword(config.password());
        }
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setMinimumIdle(1);
        hikari.setConnectionTimeout(30_000);
        return hikari;
    }

    /** The URL without any password given in its query string. */
    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1****");
    }

    private static String blankToNull(String value) {
        return value.isEmpty() ? null : value;
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }
}
