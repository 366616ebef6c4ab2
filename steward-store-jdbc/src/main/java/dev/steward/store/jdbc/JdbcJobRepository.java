package dev.steward.store.jdbc;

import dev.steward.spi.jobs.JobRecord;
import dev.steward.spi.jobs.JobRepository;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Jobs in the table of migration V5 (with V6's owner and lease); {@code seq} keeps submission
 * order independent of clock resolution.
 */
final class JdbcJobRepository implements JobRepository {
    private static final String COLUMNS = "id, kind, status, priority, spec, run_id, parent_id, attempt, message, created_at, started_at, ended_at,"
            + " created_by, owner";

    private final Handle handle;

    JdbcJobRepository(JdbcContext context) {
        this.handle = context.handle();
    }

    @Override
    public void insert(JobRecord job) {
        long seq = handle.createQuery("SELECT COALESCE(MAX(seq), 0) + 1 FROM job").mapTo(Long.class).one();
        handle.createUpdate("INSERT INTO job (" + COLUMNS + ", seq) VALUES (:id, :kind, :status, :priority, :spec, :run, :parent, :attempt,"
                        + " :message, :created, :started, :ended, :by, :owner, :seq)")
                .bind("id", job.id()).bind("kind", job.kind()).bind("status", job.status()).bind("priority", job.priority())
                .bind("spec", job.spec()).bind("run", job.runId().orElse(null)).bind("parent", job.parentId().orElse(null))
                .bind("attempt", job.attempt()).bind("message", job.message().orElse(null)).bind("created", job.createdAt())
                .bind("started", job.startedAt().orElse(null)).bind("ended", job.endedAt().orElse(null)).bind("by", job.createdBy())
                .bind("owner", job.owner().orElse(null)).bind("seq", seq).execute();
    }

    @Override
    public Optional<JobRecord> find(String id) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM job WHERE id = :id").bind("id", id).map(JdbcJobRepository::job).findOne();
    }

    @Override
    public List<JobRecord> list(Optional<String> status, Optional<String> parentId, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM job WHERE 1 = 1");
        status.ifPresent(s -> sql.append(" AND status = :status"));
        parentId.ifPresent(p -> sql.append(" AND parent_id = :parent"));
        sql.append(" ORDER BY seq DESC LIMIT :limit");
        Query query = handle.createQuery(sql.toString()).bind("limit", limit);
        status.ifPresent(s -> query.bind("status", s));
        parentId.ifPresent(p -> query.bind("parent", p));
        return query.map(JdbcJobRepository::job).list();
    }

    @Override
    public List<JobRecord> queued() {
        return handle.createQuery("SELECT " + COLUMNS + " FROM job WHERE status = :status ORDER BY priority DESC, seq")
                .bind("status", JobRecord.QUEUED).map(JdbcJobRepository::job).list();
    }

    @Override
    public List<JobRecord> withStatus(String status) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM job WHERE status = :status ORDER BY seq").bind("status", status)
                .map(JdbcJobRepository::job).list();
    }

    @Override
    public boolean update(JobRecord job, String expectedStatus) {
        return handle.createUpdate("UPDATE job SET status = :status, run_id = :run, attempt = :attempt, message = :message, started_at = :started,"
                        + " ended_at = :ended, owner = :owner WHERE id = :id AND status = :expected")
                .bind("status", job.status()).bind("run", job.runId().orElse(null)).bind("attempt", job.attempt())
                .bind("message", job.message().orElse(null)).bind("started", job.startedAt().orElse(null))
                .bind("ended", job.endedAt().orElse(null)).bind("owner", job.owner().orElse(null)).bind("id", job.id())
                .bind("expected", expectedStatus).execute() == 1;
    }

    @Override
    public boolean claim(JobRecord started, long leaseUntil) {
        return handle.createUpdate("UPDATE job SET status = :status, run_id = :run, attempt = :attempt, message = NULL, started_at = :started,"
                        + " ended_at = NULL, owner = :owner, lease_until = :lease WHERE id = :id AND status = :queued")
                .bind("status", started.status()).bind("run", started.runId().orElse(null)).bind("attempt", started.attempt())
                .bind("started", started.startedAt().orElse(null)).bind("owner", started.owner().orElse(null)).bind("lease", leaseUntil)
                .bind("id", started.id()).bind("queued", JobRecord.QUEUED).execute() == 1;
    }

    @Override
    public int renewLeases(String owner, long leaseUntil) {
        return handle.createUpdate("UPDATE job SET lease_until = :lease WHERE owner = :owner AND status = :running")
                .bind("lease", leaseUntil).bind("owner", owner).bind("running", JobRecord.RUNNING).execute();
    }

    @Override
    public List<JobRecord> expiredLeases(long now) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM job WHERE status = :running AND (lease_until IS NULL OR lease_until < :now)"
                        + " ORDER BY seq").bind("running", JobRecord.RUNNING).bind("now", now).map(JdbcJobRepository::job).list();
    }

    private static JobRecord job(ResultSet rs, StatementContext ctx) throws SQLException {
        long started = rs.getLong("started_at");
        Optional<Long> startedAt = rs.wasNull() ? Optional.empty() : Optional.of(started);
        long ended = rs.getLong("ended_at");
        Optional<Long> endedAt = rs.wasNull() ? Optional.empty() : Optional.of(ended);
        return new JobRecord(rs.getString("id"), rs.getString("kind"), rs.getString("status"), rs.getInt("priority"), rs.getString("spec"),
                Optional.ofNullable(rs.getString("run_id")), Optional.ofNullable(rs.getString("parent_id")), rs.getInt("attempt"),
                Optional.ofNullable(rs.getString("message")), rs.getLong("created_at"), startedAt, endedAt, rs.getString("created_by"),
                Optional.ofNullable(rs.getString("owner")));
    }
}
