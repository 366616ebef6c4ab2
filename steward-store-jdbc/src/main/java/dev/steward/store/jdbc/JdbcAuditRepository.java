package dev.steward.store.jdbc;

import dev.steward.spi.store.AuditEvent;
import dev.steward.spi.store.AuditHead;
import dev.steward.spi.store.AuditQuery;
import dev.steward.spi.store.AuditRepository;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

/** The audit chain in tables {@code audit_event} and {@code audit_head}. */
final class JdbcAuditRepository implements AuditRepository {
    private static final String COLUMNS = "seq, event_time, actor_id, actor_name, action, object_type, object_id,"
            + " request_digest, details, prev_hash, hash";

    private final JdbcContext context;

    JdbcAuditRepository(JdbcContext context) {
        this.context = context;
    }

    @Override
    public Optional<AuditHead> lockHead() {
        // SQLite: the single writer already holds the database's write lock (BEGIN IMMEDIATE).
        String lock = context.dialect() == Dialect.POSTGRESQL ? " FOR UPDATE" : "";
        return readHead("SELECT seq, hash FROM audit_head WHERE id = 1" + lock);
    }

    @Override
    public Optional<AuditHead> head() {
        return readHead("SELECT seq, hash FROM audit_head WHERE id = 1");
    }

    private Optional<AuditHead> readHead(String sql) {
        return context.handle().createQuery(sql)
                .map((rs, ctx) -> new AuditHead(rs.getLong("seq"), rs.getString("hash")))
                .findOne()
                .filter(head -> head.seq() > 0);
    }

    @Override
    public void append(AuditEvent event) {
        context.handle().createUpdate("INSERT INTO audit_event (" + COLUMNS + ") VALUES (:seq, :time, :actorId, :actorName,"
                        + " :action, :objectType, :objectId, :requestDigest, :details, :prevHash, :hash)")
                .bind("seq", event.seq())
                .bind("time", event.time().toEpochMilli())
                .bind("actorId", event.actorId())
                .bind("actorName", event.actorName())
                .bind("action", event.action())
                .bind("objectType", event.objectType())
                .bind("objectId", event.objectId())
                .bind("requestDigest", event.requestDigest())
                .bind("details", event.details())
                .bind("prevHash", event.prevHash())
                .bind("hash", event.hash())
                .execute();
        int moved = context.handle().createUpdate("UPDATE audit_head SET seq = :seq, hash = :hash WHERE id = 1")
                .bind("seq", event.seq())
                .bind("hash", event.hash())
                .execute();
        if (moved != 1) {
            throw new IllegalStateException("the audit head row is missing; the store's schema is damaged");
        }
    }

    @Override
    public List<AuditEvent> find(AuditQuery query) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM audit_event WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        query.objectType().ifPresent(v -> condition(sql, args, " AND object_type = ?", v));
        query.objectId().ifPresent(v -> condition(sql, args, " AND object_id = ?", v));
        query.actor().ifPresent(v -> {
            condition(sql, args, " AND (actor_id = ?", v);
            condition(sql, args, " OR actor_name = ?)", v);
        });
        query.action().ifPresent(v -> condition(sql, args, " AND action = ?", v));
        query.from().ifPresent(v -> condition(sql, args, " AND event_time >= ?", v.toEpochMilli()));
        query.to().ifPresent(v -> condition(sql, args, " AND event_time < ?", v.toEpochMilli()));
        query.cursor().ifPresent(v -> condition(sql, args, query.newestFirst() ? " AND seq < ?" : " AND seq > ?", v));
        sql.append(query.newestFirst() ? " ORDER BY seq DESC" : " ORDER BY seq ASC").append(" LIMIT ?");
        args.add(query.limit());
        Query statement = context.handle().createQuery(sql.toString());
        for (int i = 0; i < args.size(); i++) {
            statement.bind(i, args.get(i));
        }
        return statement.map(JdbcAuditRepository::event).list();
    }

    @Override
    public List<AuditEvent> range(long fromSeq, int limit) {
        return context.handle().createQuery("SELECT " + COLUMNS + " FROM audit_event WHERE seq >= :from ORDER BY seq LIMIT :limit")
                .bind("from", fromSeq)
                .bind("limit", limit)
                .map(JdbcAuditRepository::event)
                .list();
    }

    private static void condition(StringBuilder sql, List<Object> args, String clause, Object value) {
        sql.append(clause);
        args.add(value);
    }

    private static AuditEvent event(ResultSet rs, StatementContext ctx) throws SQLException {
        return new AuditEvent(
                rs.getLong("seq"),
                Instant.ofEpochMilli(rs.getLong("event_time")),
                rs.getString("actor_id"),
                rs.getString("actor_name"),
                rs.getString("action"),
                rs.getString("object_type"),
                rs.getString("object_id"),
                rs.getString("request_digest"),
                rs.getString("details"),
                rs.getString("prev_hash"),
                rs.getString("hash"));
    }
}
