package dev.steward.store.jdbc;

import dev.steward.spi.serving.FeedbackRecord;
import dev.steward.spi.serving.FeedbackRepository;
import dev.steward.spi.serving.FeedbackTotals;
import dev.steward.spi.serving.ReviewRecord;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/** Feedback facts and the review queue in the tables of migration V12. */
final class JdbcFeedbackRepository implements FeedbackRepository {
    private static final String COLUMNS = "deployment, request_id, row_index, kind, model, version, revision, arm, predicted_label,"
            + " predicted_value, label, value, reward, correct, abs_error, abstained, source, predicted_at, created_at, created_by";
    private static final String REVIEW_COLUMNS = "id, deployment, request_id, row_index, revision, model, version, arm, predicted_label,"
            + " confidence, inputs, predicted_at, created_at, status, label, labelled_at, labelled_by, labelled_by_name";
    private static final String TOTALS = "SELECT deployment, model, version,"
            + " SUM(CASE WHEN kind = 'truth' AND label IS NOT NULL THEN 1 ELSE 0 END) AS labelled,"
            + " SUM(CASE WHEN correct = 1 THEN 1 ELSE 0 END) AS correct,"
            + " SUM(CASE WHEN kind = 'truth' AND value IS NOT NULL THEN 1 ELSE 0 END) AS valued,"
            + " SUM(abs_error) AS absolute_errors, SUM(abs_error * abs_error) AS squared_errors,"
            + " SUM(CASE WHEN kind = 'reward' THEN 1 ELSE 0 END) AS rewarded, SUM(reward) AS rewards, SUM(reward * reward) AS squared_rewards"
            + " FROM feedback";

    private final Handle handle;

    JdbcFeedbackRepository(JdbcContext context) {
        this.handle = context.handle();
    }

    @Override
    public boolean insert(FeedbackRecord f) {
        return handle.createUpdate("INSERT INTO feedback (" + COLUMNS + ") VALUES (:deployment, :requestId, :row, :kind, :model, :version,"
                        + " :revision, :arm, :predictedLabel, :predictedValue, :label, :value, :reward, :correct, :absError, :abstained, :source,"
                        + " :predictedAt, :createdAt, :createdBy) ON CONFLICT DO NOTHING")
                .bind("deployment", f.deployment()).bind("requestId", f.requestId()).bind("row", f.row()).bind("kind", f.kind())
                .bind("model", f.model()).bind("version", f.version()).bind("revision", f.revision()).bind("arm", f.arm())
                .bind("predictedLabel", f.predictedLabel().orElse(null)).bind("predictedValue", boxed(f.predictedValue()))
                .bind("label", f.label().orElse(null)).bind("value", boxed(f.value())).bind("reward", boxed(f.reward()))
                .bind("correct", f.correct().map(c -> c ? 1 : 0).orElse(null)).bind("absError", boxed(f.absoluteError()))
                .bind("abstained", f.abstained() ? 1 : 0).bind("source", f.source()).bind("predictedAt", f.predictedAt())
                .bind("createdAt", f.createdAt()).bind("createdBy", f.createdBy()).execute() == 1;
    }

    @Override
    public Optional<FeedbackRecord> find(String deployment, String requestId, int row, String kind) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM feedback WHERE deployment = :deployment AND request_id = :requestId"
                        + " AND row_index = :row AND kind = :kind")
                .bind("deployment", deployment).bind("requestId", requestId).bind("row", row).bind("kind", kind)
                .map(JdbcFeedbackRepository::feedbackRow).findOne();
    }

    @Override
    public List<FeedbackTotals> totals(String deployment) {
        return handle.createQuery(TOTALS + " WHERE deployment = :deployment GROUP BY deployment, model, version ORDER BY model, version")
                .bind("deployment", deployment).map(JdbcFeedbackRepository::totalsRow).list();
    }

    @Override
    public FeedbackTotals totals(String deployment, String model, int version, long predictedSince) {
        return handle.createQuery(TOTALS + " WHERE deployment = :deployment AND model = :model AND version = :version AND predicted_at >= :since"
                        + " GROUP BY deployment, model, version")
                .bind("deployment", deployment).bind("model", model).bind("version", version).bind("since", predictedSince)
                .map(JdbcFeedbackRepository::totalsRow).findOne()
                .orElseGet(() -> new FeedbackTotals(deployment, model, version, 0, 0, 0, 0, 0, 0, 0, 0));
    }

    @Override
    public List<FeedbackTotals> totals() {
        return handle.createQuery(TOTALS + " GROUP BY deployment, model, version ORDER BY deployment, model, version")
                .map(JdbcFeedbackRepository::totalsRow).list();
    }

    @Override
    public boolean insertReview(ReviewRecord r) {
        return handle.createUpdate("INSERT INTO review (" + REVIEW_COLUMNS + ") VALUES (:id, :deployment, :requestId, :row, :revision, :model,"
                        + " :version, :arm, :predictedLabel, :confidence, :inputs, :predictedAt, :createdAt, :status, :label, :labelledAt,"
                        + " :labelledBy, :labelledByName) ON CONFLICT DO NOTHING")
                .bind("id", r.id()).bind("deployment", r.deployment()).bind("requestId", r.requestId()).bind("row", r.row())
                .bind("revision", r.revision()).bind("model", r.model()).bind("version", r.version()).bind("arm", r.arm())
                .bind("predictedLabel", r.predictedLabel()).bind("confidence", boxed(r.confidence())).bind("inputs", r.inputsJson())
                .bind("predictedAt", r.predictedAt()).bind("createdAt", r.createdAt()).bind("status", r.status())
                .bind("label", r.label().orElse(null)).bind("labelledAt", r.labelledAt().orElse(null))
                .bind("labelledBy", r.labelledBy().orElse(null)).bind("labelledByName", r.labelledByName().orElse(null)).execute() == 1;
    }

    @Override
    public Optional<ReviewRecord> findReview(String id) {
        return handle.createQuery("SELECT " + REVIEW_COLUMNS + " FROM review WHERE id = :id").bind("id", id)
                .map(JdbcFeedbackRepository::reviewRow).findOne();
    }

    @Override
    public List<ReviewRecord> reviews(String deployment, List<String> statuses, int limit) {
        if (statuses.isEmpty()) {
            return List.of();
        }
        return handle.createQuery("SELECT " + REVIEW_COLUMNS + " FROM review WHERE deployment = :deployment AND status IN (<statuses>)"
                        + " ORDER BY created_at, predicted_at, request_id, row_index LIMIT :limit")
                .bind("deployment", deployment).bindList("statuses", statuses).bind("limit", limit).map(JdbcFeedbackRepository::reviewRow).list();
    }

    @Override
    public long countReviews(String deployment, String status) {
        return handle.createQuery("SELECT COUNT(*) FROM review WHERE deployment = :deployment AND status = :status")
                .bind("deployment", deployment).bind("status", status).mapTo(Long.class).one();
    }

    @Override
    public boolean label(String id, String label, long at, String by, String byName) {
        return handle.createUpdate("UPDATE review SET status = :labelled, label = :label, labelled_at = :at, labelled_by = :by,"
                        + " labelled_by_name = :byName WHERE id = :id AND status = :open")
                .bind("labelled", ReviewRecord.LABELLED).bind("label", label).bind("at", at).bind("by", by).bind("byName", byName)
                .bind("id", id).bind("open", ReviewRecord.OPEN).execute() == 1;
    }

    private static Double boxed(OptionalDouble value) {
        return value.isPresent() ? value.getAsDouble() : null;
    }

    private static OptionalDouble optionalDouble(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(value);
    }

    private static Optional<Long> optionalLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(value);
    }

    private static FeedbackRecord feedbackRow(ResultSet rs, StatementContext ctx) throws SQLException {
        int correct = rs.getInt("correct");
        Optional<Boolean> isCorrect = rs.wasNull() ? Optional.empty() : Optional.of(correct != 0);
        return new FeedbackRecord(rs.getString("deployment"), rs.getString("request_id"), rs.getInt("row_index"), rs.getString("kind"),
                rs.getString("model"), rs.getInt("version"), rs.getInt("revision"), rs.getString("arm"),
                Optional.ofNullable(rs.getString("predicted_label")), optionalDouble(rs, "predicted_value"), Optional.ofNullable(rs.getString("label")),
                optionalDouble(rs, "value"), optionalDouble(rs, "reward"), isCorrect, optionalDouble(rs, "abs_error"), rs.getInt("abstained") != 0,
                rs.getString("source"), rs.getLong("predicted_at"), rs.getLong("created_at"), rs.getString("created_by"));
    }

    private static FeedbackTotals totalsRow(ResultSet rs, StatementContext ctx) throws SQLException {
        return new FeedbackTotals(rs.getString("deployment"), rs.getString("model"), rs.getInt("version"), rs.getLong("labelled"),
                rs.getLong("correct"), rs.getLong("valued"), rs.getDouble("absolute_errors"), rs.getDouble("squared_errors"), rs.getLong("rewarded"),
                rs.getDouble("rewards"), rs.getDouble("squared_rewards"));
    }

    private static ReviewRecord reviewRow(ResultSet rs, StatementContext ctx) throws SQLException {
        return new ReviewRecord(rs.getString("id"), rs.getString("deployment"), rs.getString("request_id"), rs.getInt("row_index"),
                rs.getInt("revision"), rs.getString("model"), rs.getInt("version"), rs.getString("arm"), rs.getString("predicted_label"),
                optionalDouble(rs, "confidence"), rs.getString("inputs"), rs.getLong("predicted_at"), rs.getLong("created_at"), rs.getString("status"),
                Optional.ofNullable(rs.getString("label")), optionalLong(rs, "labelled_at"), Optional.ofNullable(rs.getString("labelled_by")),
                Optional.ofNullable(rs.getString("labelled_by_name")));
    }
}
