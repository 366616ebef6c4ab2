package dev.steward.store.jdbc;

import dev.steward.spi.StewardException;
import dev.steward.spi.monitoring.MonitorAlertRecord;
import dev.steward.spi.monitoring.MonitorRecord;
import dev.steward.spi.monitoring.MonitorRepository;
import dev.steward.spi.monitoring.MonitorRevisionRecord;
import dev.steward.spi.monitoring.MonitorRunRecord;
import dev.steward.spi.monitoring.MonitorWindowRecord;
import dev.steward.spi.monitoring.WindowLabelsRecord;
import dev.steward.spi.monitoring.WindowPartRecord;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/** Monitors, their windows, parts, labels, runs and alerts in the tables of migration V13. */
final class JdbcMonitorRepository implements MonitorRepository {
    private static final String COLUMNS = "deployment, revision, spec, reference_dataset, reference_version, reference_sha256, reference_rows,"
            + " reference_features, created_at, created_by, updated_at, updated_by, deleted";
    private static final String REVISION_COLUMNS = "deployment, revision, spec, reference_dataset, reference_version, reference_sha256,"
            + " reference_rows, reference_features, change_kind, reason, created_at, created_by, created_by_name";
    private static final String WINDOW_COLUMNS = "deployment, window_number, revision, start_ms, end_ms, row_count, status, report, source, parts,"
            + " closed_at, closed_by";
    private static final String PART_COLUMNS = "deployment, revision, window_number, replica_id, start_ms, end_ms, row_count, profile, stored_at";
    private static final String ALERT_COLUMNS = "id, deployment, revision, rule, state, fired_at, resolved_at, first_window, last_window,"
            + " resolved_window, evidence, actions";

    private final Handle handle;

    JdbcMonitorRepository(JdbcContext context) {
        this.handle = context.handle();
    }

    // ---- monitors ----------------------------------------------------------------------------

    @Override
    public Optional<MonitorRecord> find(String deployment) {
        return findAny(deployment).filter(m -> !m.deleted());
    }

    @Override
    public Optional<MonitorRecord> findAny(String deployment) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM monitor WHERE deployment = :deployment").bind("deployment", deployment)
                .map(JdbcMonitorRepository::monitor).findOne();
    }

    @Override
    public List<MonitorRecord> list() {
        return handle.createQuery("SELECT " + COLUMNS + " FROM monitor WHERE deleted = 0 ORDER BY deployment").map(JdbcMonitorRepository::monitor)
                .list();
    }

    @Override
    public void insert(MonitorRecord m) {
        try {
            handle.createUpdate("INSERT INTO monitor (" + COLUMNS + ") VALUES (:deployment, :revision, :spec, :dataset, :version, :sha256, :rows,"
                            + " :features, :createdAt, :createdBy, :updatedAt, :updatedBy, :deleted)")
                    .bind("deployment", m.deployment()).bind("revision", m.revision()).bind("spec", m.specJson())
                    .bind("dataset", m.referenceDataset()).bind("version", m.referenceVersion()).bind("sha256", m.referenceSha256())
                    .bind("rows", m.referenceRows()).bind("features", m.referenceFeaturesJson()).bind("createdAt", m.createdAt())
                    .bind("createdBy", m.createdBy()).bind("updatedAt", m.updatedAt()).bind("updatedBy", m.updatedBy())
                    .bind("deleted", m.deleted() ? 1 : 0).execute();
        } catch (RuntimeException e) {
            if (SqlErrors.isUniqueViolation(e)) {
                throw StewardException.alreadyExists("deployment '" + m.deployment() + "' has a monitor already").withField("deployment");
            }
            throw e;
        }
    }

    @Override
    public boolean update(MonitorRecord expected, MonitorRecord next) {
        return handle.createUpdate("UPDATE monitor SET revision = :revision, spec = :spec, reference_dataset = :dataset, reference_version = :version,"
                        + " reference_sha256 = :sha256, reference_rows = :rows, reference_features = :features, updated_at = :updatedAt,"
                        + " updated_by = :updatedBy, deleted = :deleted"
                        + " WHERE deployment = :deployment AND revision = :expectedRevision AND updated_at = :expectedUpdatedAt"
                        + " AND deleted = :expectedDeleted")
                .bind("revision", next.revision()).bind("spec", next.specJson()).bind("dataset", next.referenceDataset())
                .bind("version", next.referenceVersion()).bind("sha256", next.referenceSha256()).bind("rows", next.referenceRows())
                .bind("features", next.referenceFeaturesJson()).bind("updatedAt", next.updatedAt()).bind("updatedBy", next.updatedBy())
                .bind("deleted", next.deleted() ? 1 : 0).bind("deployment", expected.deployment()).bind("expectedRevision", expected.revision())
                .bind("expectedUpdatedAt", expected.updatedAt()).bind("expectedDeleted", expected.deleted() ? 1 : 0).execute() == 1;
    }

    @Override
    public void insertRevision(MonitorRevisionRecord r) {
        handle.createUpdate("INSERT INTO monitor_revision (" + REVISION_COLUMNS + ") VALUES (:deployment, :revision, :spec, :dataset, :version,"
                        + " :sha256, :rows, :features, :change, :reason, :at, :by, :byName)")
                .bind("deployment", r.deployment()).bind("revision", r.revision()).bind("spec", r.specJson()).bind("dataset", r.referenceDataset())
                .bind("version", r.referenceVersion()).bind("sha256", r.referenceSha256()).bind("rows", r.referenceRows())
                .bind("features", r.referenceFeaturesJson()).bind("change", r.change()).bind("reason", r.reason().orElse(null))
                .bind("at", r.createdAt()).bind("by", r.createdBy()).bind("byName", r.createdByName()).execute();
    }

    @Override
    public List<MonitorRevisionRecord> revisions(String deployment) {
        return handle.createQuery("SELECT " + REVISION_COLUMNS + " FROM monitor_revision WHERE deployment = :deployment ORDER BY revision")
                .bind("deployment", deployment).map(JdbcMonitorRepository::revisionRow).list();
    }

    @Override
    public Optional<MonitorRevisionRecord> revision(String deployment, int revision) {
        return handle.createQuery("SELECT " + REVISION_COLUMNS + " FROM monitor_revision WHERE deployment = :deployment AND revision = :revision")
                .bind("deployment", deployment).bind("revision", revision).map(JdbcMonitorRepository::revisionRow).findOne();
    }

    // ---- windows -----------------------------------------------------------------------------

    @Override
    public boolean insertWindow(MonitorWindowRecord w, byte[] profile) {
        return handle.createUpdate("INSERT INTO monitor_window (" + WINDOW_COLUMNS + ", profile) VALUES (:deployment, :window, :revision, :start,"
                        + " :end, :rows, :status, :report, :source, :parts, :closedAt, :closedBy, :profile) ON CONFLICT DO NOTHING")
                .bind("deployment", w.deployment()).bind("window", w.window()).bind("revision", w.revision()).bind("start", w.startMillis())
                .bind("end", w.endMillis()).bind("rows", w.rows()).bind("status", w.status()).bind("report", w.reportJson())
                .bind("source", w.source()).bind("parts", w.parts()).bind("closedAt", w.closedAt()).bind("closedBy", w.closedBy())
                .bind("profile", profile).execute() == 1;
    }

    @Override
    public Optional<MonitorWindowRecord> window(String deployment, long window) {
        return handle.createQuery("SELECT " + WINDOW_COLUMNS + " FROM monitor_window WHERE deployment = :deployment AND window_number = :window")
                .bind("deployment", deployment).bind("window", window).map(JdbcMonitorRepository::windowRow).findOne();
    }

    @Override
    public Optional<byte[]> profile(String deployment, long window) {
        return handle.createQuery("SELECT profile FROM monitor_window WHERE deployment = :deployment AND window_number = :window")
                .bind("deployment", deployment).bind("window", window).map((rs, ctx) -> rs.getBytes("profile")).findOne();
    }

    @Override
    public List<MonitorWindowRecord> windows(String deployment, Optional<Long> before, int limit) {
        return handle.createQuery("SELECT " + WINDOW_COLUMNS + " FROM monitor_window WHERE deployment = :deployment AND window_number < :before"
                        + " ORDER BY window_number DESC LIMIT :limit")
                .bind("deployment", deployment).bind("before", before.orElse(Long.MAX_VALUE)).bind("limit", limit)
                .map(JdbcMonitorRepository::windowRow).list();
    }

    @Override
    public OptionalLong lastWindow(String deployment) {
        Optional<Long> last = handle.createQuery("SELECT MAX(window_number) FROM monitor_window WHERE deployment = :deployment")
                .bind("deployment", deployment).map((rs, ctx) -> {
                    long value = rs.getLong(1);
                    return rs.wasNull() ? null : value;
                }).findOne();
        return last.map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    @Override
    public Optional<MonitorWindowRecord> windowAt(String deployment, long millis) {
        return handle.createQuery("SELECT " + WINDOW_COLUMNS + " FROM monitor_window WHERE deployment = :deployment AND start_ms <= :at"
                        + " AND end_ms > :at ORDER BY window_number DESC LIMIT 1")
                .bind("deployment", deployment).bind("at", millis).map(JdbcMonitorRepository::windowRow).findOne();
    }

    // ---- parts -------------------------------------------------------------------------------

    @Override
    public boolean insertPart(WindowPartRecord p) {
        return handle.createUpdate("INSERT INTO monitor_window_part (" + PART_COLUMNS + ") VALUES (:deployment, :revision, :window, :replica,"
                        + " :start, :end, :rows, :profile, :storedAt) ON CONFLICT DO NOTHING")
                .bind("deployment", p.deployment()).bind("revision", p.revision()).bind("window", p.window()).bind("replica", p.replicaId())
                .bind("start", p.startMillis()).bind("end", p.endMillis()).bind("rows", p.rows()).bind("profile", p.profile())
                .bind("storedAt", p.storedAt()).execute() == 1;
    }

    @Override
    public List<WindowPartRecord> parts(String deployment, int revision, long window) {
        return handle.createQuery("SELECT " + PART_COLUMNS + " FROM monitor_window_part WHERE deployment = :deployment AND revision = :revision"
                        + " AND window_number = :window ORDER BY replica_id")
                .bind("deployment", deployment).bind("revision", revision).bind("window", window).map(JdbcMonitorRepository::partRow).list();
    }

    @Override
    public List<WindowPartRecord> unclosedParts(String deployment) {
        return handle.createQuery("SELECT " + prefixed("p", PART_COLUMNS) + " FROM monitor_window_part p WHERE p.deployment = :deployment"
                        + " AND NOT EXISTS (SELECT 1 FROM monitor_window w WHERE w.deployment = p.deployment AND w.window_number = p.window_number)"
                        + " ORDER BY p.window_number, p.revision, p.replica_id")
                .bind("deployment", deployment).map(JdbcMonitorRepository::partRow).list();
    }

    // ---- labels ------------------------------------------------------------------------------

    @Override
    public void addLabels(WindowLabelsRecord d) {
        handle.createUpdate("INSERT INTO monitor_labels (deployment, window_number, labelled, correct, abs_error_sum) VALUES (:deployment, :window,"
                        + " :labelled, :correct, :errors) ON CONFLICT (deployment, window_number) DO UPDATE SET"
                        + " labelled = monitor_labels.labelled + excluded.labelled, correct = monitor_labels.correct + excluded.correct,"
                        + " abs_error_sum = monitor_labels.abs_error_sum + excluded.abs_error_sum")
                .bind("deployment", d.deployment()).bind("window", d.window()).bind("labelled", d.labelled()).bind("correct", d.correct())
                .bind("errors", d.absoluteErrorSum()).execute();
        for (Map.Entry<String, Long> c : d.classes().entrySet()) {
            handle.createUpdate("INSERT INTO monitor_label_class (deployment, window_number, label, row_count) VALUES (:deployment, :window, :label,"
                            + " :rows) ON CONFLICT (deployment, window_number, label) DO UPDATE SET"
                            + " row_count = monitor_label_class.row_count + excluded.row_count")
                    .bind("deployment", d.deployment()).bind("window", d.window()).bind("label", c.getKey()).bind("rows", c.getValue()).execute();
        }
    }

    @Override
    public Optional<WindowLabelsRecord> labels(String deployment, long window) {
        Map<String, Long> classes = new LinkedHashMap<>();
        handle.createQuery("SELECT label, row_count FROM monitor_label_class WHERE deployment = :deployment AND window_number = :window ORDER BY label")
                .bind("deployment", deployment).bind("window", window)
                .map((rs, ctx) -> Map.entry(rs.getString("label"), rs.getLong("row_count"))).forEach(e -> classes.put(e.getKey(), e.getValue()));
        return handle.createQuery("SELECT labelled, correct, abs_error_sum FROM monitor_labels WHERE deployment = :deployment"
                        + " AND window_number = :window")
                .bind("deployment", deployment).bind("window", window)
                .map((rs, ctx) -> new WindowLabelsRecord(deployment, window, rs.getLong("labelled"), rs.getLong("correct"),
                        rs.getDouble("abs_error_sum"), classes)).findOne();
    }

    // ---- runs --------------------------------------------------------------------------------

    @Override
    public void putRun(MonitorRunRecord r) {
        handle.createUpdate("INSERT INTO monitor_run (deployment, revision, report, created_at, created_by) VALUES (:deployment, :revision, :report,"
                        + " :at, :by) ON CONFLICT (deployment) DO UPDATE SET revision = excluded.revision, report = excluded.report,"
                        + " created_at = excluded.created_at, created_by = excluded.created_by")
                .bind("deployment", r.deployment()).bind("revision", r.revision()).bind("report", r.reportJson()).bind("at", r.createdAt())
                .bind("by", r.createdBy()).execute();
    }

    @Override
    public Optional<MonitorRunRecord> run(String deployment) {
        return handle.createQuery("SELECT deployment, revision, report, created_at, created_by FROM monitor_run WHERE deployment = :deployment")
                .bind("deployment", deployment).map((rs, ctx) -> new MonitorRunRecord(rs.getString("deployment"), rs.getInt("revision"),
                        rs.getString("report"), rs.getLong("created_at"), rs.getString("created_by"))).findOne();
    }

    // ---- alerts ------------------------------------------------------------------------------

    @Override
    public boolean insertAlert(MonitorAlertRecord a) {
        return handle.createUpdate("INSERT INTO monitor_alert (" + ALERT_COLUMNS + ") VALUES (:id, :deployment, :revision, :rule, :state, :firedAt,"
                        + " :resolvedAt, :firstWindow, :lastWindow, :resolvedWindow, :evidence, :actions) ON CONFLICT DO NOTHING")
                .bind("id", a.id()).bind("deployment", a.deployment()).bind("revision", a.revision()).bind("rule", a.rule()).bind("state", a.state())
                .bind("firedAt", a.firedAt()).bind("resolvedAt", a.resolvedAt().orElse(null)).bind("firstWindow", a.firstWindow())
                .bind("lastWindow", a.lastWindow()).bind("resolvedWindow", a.resolvedWindow().orElse(null)).bind("evidence", a.evidenceJson())
                .bind("actions", a.actionsJson()).execute() == 1;
    }

    @Override
    public boolean updateAlert(MonitorAlertRecord expected, MonitorAlertRecord next) {
        return handle.createUpdate("UPDATE monitor_alert SET state = :state, resolved_at = :resolvedAt, last_window = :lastWindow,"
                        + " resolved_window = :resolvedWindow, evidence = :evidence, actions = :actions"
                        + " WHERE id = :id AND state = :expectedState AND last_window = :expectedLastWindow AND actions = :expectedActions")
                .bind("state", next.state()).bind("resolvedAt", next.resolvedAt().orElse(null)).bind("lastWindow", next.lastWindow())
                .bind("resolvedWindow", next.resolvedWindow().orElse(null)).bind("evidence", next.evidenceJson()).bind("actions", next.actionsJson())
                .bind("id", expected.id()).bind("expectedState", expected.state()).bind("expectedLastWindow", expected.lastWindow())
                .bind("expectedActions", expected.actionsJson()).execute() == 1;
    }

    @Override
    public Optional<MonitorAlertRecord> alert(String id) {
        return handle.createQuery("SELECT " + ALERT_COLUMNS + " FROM monitor_alert WHERE id = :id").bind("id", id)
                .map(JdbcMonitorRepository::alertRow).findOne();
    }

    @Override
    public Optional<MonitorAlertRecord> firing(String deployment, String rule) {
        return handle.createQuery("SELECT " + ALERT_COLUMNS + " FROM monitor_alert WHERE deployment = :deployment AND rule = :rule AND state = :firing")
                .bind("deployment", deployment).bind("rule", rule).bind("firing", MonitorAlertRecord.FIRING).map(JdbcMonitorRepository::alertRow)
                .findOne();
    }

    @Override
    public List<MonitorAlertRecord> alerts(Optional<String> deployment, Optional<String> state, int limit) {
        String where = (deployment.isPresent() ? " AND deployment = :deployment" : "") + (state.isPresent() ? " AND state = :state" : "");
        var query = handle.createQuery("SELECT " + ALERT_COLUMNS + " FROM monitor_alert WHERE 1 = 1" + where
                + " ORDER BY fired_at DESC, id DESC LIMIT :limit").bind("limit", limit);
        deployment.ifPresent(d -> query.bind("deployment", d));
        state.ifPresent(s -> query.bind("state", s));
        return query.map(JdbcMonitorRepository::alertRow).list();
    }

    // ---- rows --------------------------------------------------------------------------------

    private static String prefixed(String alias, String columns) {
        return alias + "." + String.join(", " + alias + ".", columns.split(",\\s*"));
    }

    private static MonitorRecord monitor(ResultSet rs, StatementContext ctx) throws SQLException {
        return new MonitorRecord(rs.getString("deployment"), rs.getInt("revision"), rs.getString("spec"), rs.getString("reference_dataset"),
                rs.getInt("reference_version"), rs.getString("reference_sha256"), rs.getLong("reference_rows"), rs.getString("reference_features"),
                rs.getLong("created_at"), rs.getString("created_by"), rs.getLong("updated_at"), rs.getString("updated_by"), rs.getInt("deleted") != 0);
    }

    private static MonitorRevisionRecord revisionRow(ResultSet rs, StatementContext ctx) throws SQLException {
        return new MonitorRevisionRecord(rs.getString("deployment"), rs.getInt("revision"), rs.getString("spec"), rs.getString("reference_dataset"),
                rs.getInt("reference_version"), rs.getString("reference_sha256"), rs.getLong("reference_rows"), rs.getString("reference_features"),
                rs.getString("change_kind"), Optional.ofNullable(rs.getString("reason")), rs.getLong("created_at"), rs.getString("created_by"),
                rs.getString("created_by_name"));
    }

    private static MonitorWindowRecord windowRow(ResultSet rs, StatementContext ctx) throws SQLException {
        return new MonitorWindowRecord(rs.getString("deployment"), rs.getInt("revision"), rs.getLong("window_number"), rs.getLong("start_ms"),
                rs.getLong("end_ms"), rs.getLong("row_count"), rs.getString("status"), rs.getString("report"), rs.getString("source"),
                rs.getInt("parts"), rs.getLong("closed_at"), rs.getString("closed_by"));
    }

    private static WindowPartRecord partRow(ResultSet rs, StatementContext ctx) throws SQLException {
        return new WindowPartRecord(rs.getString("deployment"), rs.getInt("revision"), rs.getLong("window_number"), rs.getString("replica_id"),
                rs.getLong("start_ms"), rs.getLong("end_ms"), rs.getLong("row_count"), rs.getBytes("profile"), rs.getLong("stored_at"));
    }

    private static MonitorAlertRecord alertRow(ResultSet rs, StatementContext ctx) throws SQLException {
        long resolvedAt = rs.getLong("resolved_at");
        Optional<Long> resolved = rs.wasNull() ? Optional.empty() : Optional.of(resolvedAt);
        long resolvedWindow = rs.getLong("resolved_window");
        Optional<Long> resolvedIn = rs.wasNull() ? Optional.empty() : Optional.of(resolvedWindow);
        return new MonitorAlertRecord(rs.getString("id"), rs.getString("deployment"), rs.getInt("revision"), rs.getString("rule"),
                rs.getString("state"), rs.getLong("fired_at"), resolved, rs.getLong("first_window"), rs.getLong("last_window"), resolvedIn,
                rs.getString("evidence"), rs.getString("actions"));
    }
}
