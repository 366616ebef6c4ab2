package dev.steward.store.jdbc;

import dev.steward.spi.StewardException;
import dev.steward.spi.gates.GateCheckRecord;
import dev.steward.spi.gates.GateRepository;
import dev.steward.spi.gates.TestSetBudgetRecord;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/** Test-set budgets and gate checks in the tables of migration V10. */
final class JdbcGateRepository implements GateRepository {
    private static final String BUDGET_COLUMNS = "dataset_version_id, dataset_name, dataset_version, condition_text, reliability, mode, adaptivity,"
            + " steps, steps_used, retired_at, retired_reason, created_at, created_by";
    private static final String CHECK_COLUMNS = "id, dataset_version_id, step, candidate, candidate_digest, baseline, baseline_digest, outcome,"
            + " released, details, run_id, created_at, created_by";

    private final Handle handle;

    JdbcGateRepository(JdbcContext context) {
        this.handle = context.handle();
    }

    @Override
    public Optional<TestSetBudgetRecord> findBudget(String datasetVersionId) {
        return handle.createQuery("SELECT " + BUDGET_COLUMNS + " FROM test_set_budget WHERE dataset_version_id = :id")
                .bind("id", datasetVersionId).map(JdbcGateRepository::budget).findOne();
    }

    @Override
    public List<TestSetBudgetRecord> budgetsOfDataset(String datasetName) {
        return handle.createQuery("SELECT " + BUDGET_COLUMNS + " FROM test_set_budget WHERE dataset_name = :name ORDER BY dataset_version")
                .bind("name", datasetName).map(JdbcGateRepository::budget).list();
    }

    @Override
    public void insertBudget(TestSetBudgetRecord b) {
        try {
            handle.createUpdate("INSERT INTO test_set_budget (" + BUDGET_COLUMNS + ") VALUES (:id, :name, :version, :condition, :reliability,"
                            + " :mode, :adaptivity, :steps, :used, :retiredAt, :retiredReason, :at, :by)")
                    .bind("id", b.datasetVersionId()).bind("name", b.datasetName()).bind("version", b.datasetVersion())
                    .bind("condition", b.condition()).bind("reliability", b.reliability()).bind("mode", b.mode())
                    .bind("adaptivity", b.adaptivity()).bind("steps", b.steps()).bind("used", b.stepsUsed())
                    .bind("retiredAt", b.retiredAt().orElse(null)).bind("retiredReason", b.retiredReason().orElse(null))
                    .bind("at", b.createdAt()).bind("by", b.createdBy()).execute();
        } catch (RuntimeException e) {
            if (SqlErrors.isUniqueViolation(e)) {
                throw StewardException.alreadyExists("version " + b.datasetVersion() + " of '" + b.datasetName() + "' already is a test set");
            }
            throw e;
        }
    }

    @Override
    public boolean spend(String datasetVersionId, int expectedUsed) {
        return handle.createUpdate("UPDATE test_set_budget SET steps_used = :next"
                        + " WHERE dataset_version_id = :id AND steps_used = :used AND retired_at IS NULL AND steps_used < steps")
                .bind("next", expectedUsed + 1).bind("id", datasetVersionId).bind("used", expectedUsed).execute() == 1;
    }

    @Override
    public void retire(String datasetVersionId, long at, String reason) {
        handle.createUpdate("UPDATE test_set_budget SET retired_at = :at, retired_reason = :reason WHERE dataset_version_id = :id"
                        + " AND retired_at IS NULL")
                .bind("at", at).bind("reason", reason).bind("id", datasetVersionId).execute();
    }

    @Override
    public void insertCheck(GateCheckRecord c) {
        handle.createUpdate("INSERT INTO gate_check (" + CHECK_COLUMNS + ") VALUES (:id, :set, :step, :candidate, :candidateDigest, :baseline,"
                        + " :baselineDigest, :outcome, :released, :details, :run, :at, :by)")
                .bind("id", c.id()).bind("set", c.datasetVersionId()).bind("step", c.step()).bind("candidate", c.candidate())
                .bind("candidateDigest", c.candidateDigest()).bind("baseline", c.baseline().orElse(null))
                .bind("baselineDigest", c.baselineDigest().orElse(null)).bind("outcome", c.outcome()).bind("released", c.released())
                .bind("details", c.detailsJson()).bind("run", c.runId().orElse(null)).bind("at", c.createdAt()).bind("by", c.createdBy())
                .execute();
    }

    @Override
    public void setCheckRun(String checkId, String runId) {
        handle.createUpdate("UPDATE gate_check SET run_id = :run WHERE id = :id").bind("run", runId).bind("id", checkId).execute();
    }

    @Override
    public Optional<GateCheckRecord> findCheck(String id) {
        return handle.createQuery("SELECT " + CHECK_COLUMNS + " FROM gate_check WHERE id = :id").bind("id", id)
                .map(JdbcGateRepository::check).findOne();
    }

    @Override
    public List<GateCheckRecord> checks(String datasetVersionId) {
        return handle.createQuery("SELECT " + CHECK_COLUMNS + " FROM gate_check WHERE dataset_version_id = :id ORDER BY step")
                .bind("id", datasetVersionId).map(JdbcGateRepository::check).list();
    }

    private static TestSetBudgetRecord budget(ResultSet rs, StatementContext ctx) throws SQLException {
        long retired = rs.getLong("retired_at");
        Optional<Long> retiredAt = rs.wasNull() ? Optional.empty() : Optional.of(retired);
        return new TestSetBudgetRecord(rs.getString("dataset_version_id"), rs.getString("dataset_name"), rs.getInt("dataset_version"),
                rs.getString("condition_text"), rs.getDouble("reliability"), rs.getString("mode"), rs.getString("adaptivity"), rs.getInt("steps"),
                rs.getInt("steps_used"), retiredAt, Optional.ofNullable(rs.getString("retired_reason")), rs.getLong("created_at"),
                rs.getString("created_by"));
    }

    private static GateCheckRecord check(ResultSet rs, StatementContext ctx) throws SQLException {
        return new GateCheckRecord(rs.getString("id"), rs.getString("dataset_version_id"), rs.getInt("step"), rs.getString("candidate"),
                rs.getString("candidate_digest"), Optional.ofNullable(rs.getString("baseline")), Optional.ofNullable(rs.getString("baseline_digest")),
                rs.getString("outcome"), rs.getString("released"), rs.getString("details"), Optional.ofNullable(rs.getString("run_id")),
                rs.getLong("created_at"), rs.getString("created_by"));
    }
}
