package dev.steward.store.jdbc;

import dev.steward.spi.StewardException;
import dev.steward.spi.serving.DeploymentRecord;
import dev.steward.spi.serving.DeploymentRepository;
import dev.steward.spi.serving.DeploymentRevisionRecord;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/** Deployments and their revisions in the tables of migration V11. */
final class JdbcDeploymentRepository implements DeploymentRepository {
    private static final String COLUMNS = "id, name, revision, spec, stopped, stop_reason, created_at, created_by, changed_at, deleted_at";
    private static final String REVISION_COLUMNS = "deployment_id, revision, spec, change_kind, reason, restored_from, created_at, created_by,"
            + " created_by_name";

    private final Handle handle;

    JdbcDeploymentRepository(JdbcContext context) {
        this.handle = context.handle();
    }

    @Override
    public Optional<DeploymentRecord> find(String name) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM deployment WHERE name = :name AND deleted_at IS NULL").bind("name", name)
                .map(JdbcDeploymentRepository::deployment).findOne();
    }

    @Override
    public List<DeploymentRecord> list() {
        return handle.createQuery("SELECT " + COLUMNS + " FROM deployment WHERE deleted_at IS NULL ORDER BY name")
                .map(JdbcDeploymentRepository::deployment).list();
    }

    @Override
    public void insert(DeploymentRecord d) {
        try {
            handle.createUpdate("INSERT INTO deployment (" + COLUMNS + ") VALUES (:id, :name, :revision, :spec, :stopped, :reason, :createdAt,"
                            + " :createdBy, :changedAt, NULL)")
                    .bind("id", d.id()).bind("name", d.name()).bind("revision", d.revision()).bind("spec", d.specJson())
                    .bind("stopped", d.stopped() ? 1 : 0).bind("reason", d.stopReason().orElse(null)).bind("createdAt", d.createdAt())
                    .bind("createdBy", d.createdBy()).bind("changedAt", d.changedAt()).execute();
        } catch (RuntimeException e) {
            if (SqlErrors.isUniqueViolation(e)) {
                throw StewardException.alreadyExists("a deployment named '" + d.name() + "' already exists").withField("name");
            }
            throw e;
        }
    }

    @Override
    public boolean update(DeploymentRecord expected, DeploymentRecord next) {
        return handle.createUpdate("UPDATE deployment SET revision = :revision, spec = :spec, stopped = :stopped, stop_reason = :reason,"
                        + " changed_at = :changedAt, deleted_at = :deletedAt"
                        + " WHERE id = :id AND revision = :expectedRevision AND changed_at = :expectedChangedAt AND deleted_at IS NULL")
                .bind("revision", next.revision()).bind("spec", next.specJson()).bind("stopped", next.stopped() ? 1 : 0)
                .bind("reason", next.stopReason().orElse(null)).bind("changedAt", next.changedAt())
                .bind("deletedAt", next.deletedAt().orElse(null)).bind("id", expected.id()).bind("expectedRevision", expected.revision())
                .bind("expectedChangedAt", expected.changedAt()).execute() == 1;
    }

    @Override
    public void insertRevision(DeploymentRevisionRecord r) {
        handle.createUpdate("INSERT INTO deployment_revision (" + REVISION_COLUMNS + ") VALUES (:id, :revision, :spec, :change, :reason,"
                        + " :restoredFrom, :at, :by, :byName)")
                .bind("id", r.deploymentId()).bind("revision", r.revision()).bind("spec", r.specJson()).bind("change", r.change())
                .bind("reason", r.reason().orElse(null)).bind("restoredFrom", r.restoredFrom().orElse(null)).bind("at", r.createdAt())
                .bind("by", r.createdBy()).bind("byName", r.createdByName()).execute();
    }

    @Override
    public List<DeploymentRevisionRecord> revisions(String deploymentId) {
        return handle.createQuery("SELECT " + REVISION_COLUMNS + " FROM deployment_revision WHERE deployment_id = :id ORDER BY revision")
                .bind("id", deploymentId).map(JdbcDeploymentRepository::revisionRow).list();
    }

    @Override
    public Optional<DeploymentRevisionRecord> revision(String deploymentId, int revision) {
        return handle.createQuery("SELECT " + REVISION_COLUMNS + " FROM deployment_revision WHERE deployment_id = :id AND revision = :revision")
                .bind("id", deploymentId).bind("revision", revision).map(JdbcDeploymentRepository::revisionRow).findOne();
    }

    private static DeploymentRecord deployment(ResultSet rs, StatementContext ctx) throws SQLException {
        long deleted = rs.getLong("deleted_at");
        Optional<Long> deletedAt = rs.wasNull() ? Optional.empty() : Optional.of(deleted);
        return new DeploymentRecord(rs.getString("id"), rs.getString("name"), rs.getInt("revision"), rs.getString("spec"), rs.getInt("stopped") != 0,
                Optional.ofNullable(rs.getString("stop_reason")), rs.getLong("created_at"), rs.getString("created_by"), rs.getLong("changed_at"),
                deletedAt);
    }

    private static DeploymentRevisionRecord revisionRow(ResultSet rs, StatementContext ctx) throws SQLException {
        int restored = rs.getInt("restored_from");
        Optional<Integer> restoredFrom = rs.wasNull() ? Optional.empty() : Optional.of(restored);
        return new DeploymentRevisionRecord(rs.getString("deployment_id"), rs.getInt("revision"), rs.getString("spec"), rs.getString("change_kind"),
                Optional.ofNullable(rs.getString("reason")), restoredFrom, rs.getLong("created_at"), rs.getString("created_by"),
                rs.getString("created_by_name"));
    }
}
