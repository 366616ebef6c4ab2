package dev.steward.store.jdbc;

import dev.steward.spi.StewardException;
import dev.steward.spi.tracking.ArtifactFile;
import dev.steward.spi.tracking.DatasetInput;
import dev.steward.spi.tracking.Experiment;
import dev.steward.spi.tracking.ExperimentQuery;
import dev.steward.spi.tracking.KeyValue;
import dev.steward.spi.tracking.Lifecycle;
import dev.steward.spi.tracking.Metric;
import dev.steward.spi.tracking.Run;
import dev.steward.spi.tracking.RunInfo;
import dev.steward.spi.tracking.RunQuery;
import dev.steward.spi.tracking.RunStatus;
import dev.steward.spi.tracking.TrackingRepository;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** Experiments, runs, their data and the artifact tree, in the tables of migrations V2 and V14. */
final class JdbcTrackingRepository implements TrackingRepository {
    /** Keeps IN lists well under every database's limit on bound parameters. */
    private static final int CHUNK = 500;
    private static final String RUN_COLUMNS = "run_id, experiment_id, run_name, user_id, status, start_time, end_time,"
            + " artifact_uri, lifecycle_stage, seal_digest";
    private static final String EXPERIMENT_COLUMNS = "experiment_id, name, artifact_location, lifecycle_stage, creation_time,"
            + " last_update_time";

    private final JdbcContext context;
    private final Handle handle;
    /** Keys of the runs read in this transaction (a repository lives for one transaction). */
    private final Map<String, Long> runKeys = new HashMap<>();

    JdbcTrackingRepository(JdbcContext context) {
        this.context = context;
        this.handle = context.handle();
    }

    // ---- experiments -------------------------------------------------------------------------

    @Override
    public String insertExperiment(String name, String artifactLocation, long time) {
        if (context.dialect() == Dialect.POSTGRESQL) {
            // Serialise id allocation with every other audited write (they all take this lock).
            handle.createQuery("SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE").mapTo(Long.class).one();
        }
        long id = handle.createQuery("SELECT COALESCE(MAX(experiment_id), 0) + 1 FROM experiment").mapTo(Long.class).one();
        String sid = Long.toString(id);
        insertExperimentWithId(sid, name, artifactLocation.replace("{id}", sid), time);
        return sid;
    }

    @Override
    public void insertExperimentWithId(String id, String name, String artifactLocation, long time) {
        try {
            handle.createUpdate("INSERT INTO experiment (" + EXPERIMENT_COLUMNS + ") VALUES (:id, :name, :location, :stage, :time, :time)")
                    .bind("id", Long.parseLong(id))
                    .bind("name", name)
                    .bind("location", artifactLocation)
                    .bind("stage", Lifecycle.ACTIVE)
                    .bind("time", time)
                    .execute();
        } catch (RuntimeException e) {
            if (SqlErrors.isUniqueViolation(e)) {
                throw StewardException.alreadyExists("Experiment(name=" + name + ") already exists.");
            }
            throw e;
        }
    }

    @Override
    public Optional<Experiment> findExperiment(String id) {
        return loadExperiments(handle.createQuery("SELECT " + EXPERIMENT_COLUMNS + " FROM experiment WHERE experiment_id = :id")
                .bind("id", Long.parseLong(id))).stream().findFirst();
    }

    @Override
    public Optional<Experiment> findExperimentByName(String name) {
        return loadExperiments(handle.createQuery("SELECT " + EXPERIMENT_COLUMNS + " FROM experiment WHERE name = :name")
                .bind("name", name)).stream().findFirst();
    }

    @Override
    public void renameExperiment(String id, String name, long time) {
        try {
            handle.createUpdate("UPDATE experiment SET name = :name, last_update_time = :time WHERE experiment_id = :id")
                    .bind("name", name).bind("time", time).bind("id", Long.parseLong(id)).execute();
        } catch (RuntimeException e) {
            if (SqlErrors.isUniqueViolation(e)) {
                throw StewardException.alreadyExists("Experiment(name=" + name + ") already exists.");
            }
            throw e;
        }
    }

    @Override
    public void setExperimentLifecycle(String id, String lifecycleStage, long time) {
        handle.createUpdate("UPDATE experiment SET lifecycle_stage = :stage, last_update_time = :time WHERE experiment_id = :id")
                .bind("stage", lifecycleStage).bind("time", time).bind("id", Long.parseLong(id)).execute();
    }

    @Override
    public void setExperimentTag(String id, String key, String value) {
        handle.createUpdate("INSERT INTO experiment_tag (experiment_id, tag_key, tag_value) VALUES (:id, :key, :value)"
                        + " ON CONFLICT (experiment_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value")
                .bind("id", Long.parseLong(id)).bind("key", key).bind("value", value).execute();
    }

    @Override
    public List<Experiment> searchExperiments(ExperimentQuery query) {
        SearchSql sql = SearchSql.experiments(query, context.dialect());
        Query statement = handle.createQuery("SELECT " + prefixed("e.", EXPERIMENT_COLUMNS) + " FROM experiment e" + sql.sql());
        sql.bindTo(statement);
        return loadExperiments(statement);
    }

    private List<Experiment> loadExperiments(Query query) {
        List<Map<String, Object>> rows = new ArrayList<>();
        query.map((rs, ctx) -> {
            Map<String, Object> row = new HashMap<>();
            row.put("id", Long.toString(rs.getLong("experiment_id")));
            row.put("name", rs.getString("name"));
            row.put("location", rs.getString("artifact_location"));
            row.put("stage", rs.getString("lifecycle_stage"));
            row.put("created", rs.getLong("creation_time"));
            row.put("updated", rs.getLong("last_update_time"));
            return row;
        }).forEach(rows::add);
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<String, Map<String, String>> tags = new HashMap<>();
        for (List<Long> chunk : chunks(rows.stream().map(r -> Long.parseLong((String) r.get("id"))).toList())) {
            handle.createQuery("SELECT experiment_id, tag_key, tag_value FROM experiment_tag WHERE experiment_id IN (<ids>)")
                    .bindList("ids", chunk)
                    .map((rs, ctx) -> {
                        tags.computeIfAbsent(Long.toString(rs.getLong(1)), k -> new TreeMap<>()).put(rs.getString(2), rs.getString(3));
                        return null;
                    }).forEach(x -> { });
        }
        List<Experiment> experiments = new ArrayList<>(rows.size());
        for (Map<String, Object> row : rows) {
            String id = (String) row.get("id");
            experiments.add(new Experiment(id, (String) row.get("name"), (String) row.get("location"), (String) row.get("stage"),
                    (Long) row.get("created"), (Long) row.get("updated"), tags.getOrDefault(id, Map.of())));
        }
        return experiments;
    }

    // ---- runs --------------------------------------------------------------------------------

    @Override
    public void insertRun(RunInfo info) {
        lockIdAllocation();
        handle.createUpdate("INSERT INTO run (" + RUN_COLUMNS + ", run_key) VALUES (:runId, :experimentId, :runName, :userId, :status,"
                        + " :startTime, :endTime, :artifactUri, :stage, :seal, (SELECT COALESCE(MAX(run_key), 0) + 1 FROM run))")
                .bind("runId", info.runId())
                .bind("experimentId", Long.parseLong(info.experimentId()))
                .bind("runName", info.runName())
                .bind("userId", info.userId())
                .bind("status", info.status().name())
                .bind("startTime", info.startTime())
                .bind("endTime", info.endTime().orElse(null))
                .bind("artifactUri", info.artifactUri())
                .bind("stage", info.lifecycleStage())
                .bind("seal", info.sealDigest().orElse(null))
                .execute();
    }

    @Override
    public Optional<RunInfo> findRunInfo(String runId) {
        return handle.createQuery("SELECT " + RUN_COLUMNS + ", run_key FROM run WHERE run_id = :id")
                .bind("id", runId).map(this::runInfoWithKey).findOne();
    }

    @Override
    public Optional<RunInfo> lockRun(String runId) {
        // Every metric logged starts here: plain JDBC on a kept statement, not Jdbi's mapping machinery.
        String lock = context.dialect() == Dialect.POSTGRESQL ? " FOR UPDATE" : "";
        return jdbc("SELECT " + RUN_COLUMNS + ", run_key FROM run WHERE run_id = ?" + lock, "reading run " + runId, statement -> {
            statement.setString(1, runId);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? Optional.of(runInfoWithKey(rs, null)) : Optional.<RunInfo>empty();
            }
        });
    }

    /** A run read with its key, which the points logged next in this transaction are stored under. */
    private RunInfo runInfoWithKey(ResultSet rs, StatementContext ctx) throws SQLException {
        RunInfo info = runInfo(rs, ctx);
        runKeys.put(info.runId(), rs.getLong("run_key"));
        return info;
    }

    private long runKey(String runId) {
        Long known = runKeys.get(runId);
        if (known != null) {
            return known;
        }
        long key = handle.createQuery("SELECT run_key FROM run WHERE run_id = :id").bind("id", runId).mapTo(Long.class).findOne()
                .orElseThrow(() -> new IllegalStateException("no run " + runId));
        runKeys.put(runId, key);
        return key;
    }

    /**
     * The ids of metric key names, those not stored yet allocated now. Ids are never changed or
     * deleted, so a stored one is stable; a new one is only visible to others once this commits.
     */
    private Map<String, Long> keyIds(Collection<String> names) {
        Map<String, Long> ids = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            keyId(name).ifPresentOrElse(id -> ids.put(name, id), () -> missing.add(name));
        }
        if (!missing.isEmpty()) {
            lockIdAllocation();
            for (String name : missing) {
                // Another replica may have stored it while this one waited for the lock: read again under the lock first.
                Optional<Long> stored = keyId(name);
                if (stored.isPresent()) {
                    ids.put(name, stored.get());
                    continue;
                }
                jdbc("INSERT INTO metric_key (key_id, metric_key) SELECT COALESCE(MAX(key_id), 0) + 1, ? FROM metric_key",
                        "storing metric key " + name, statement -> {
                            statement.setString(1, name);
                            return statement.executeUpdate();
                        });
                ids.put(name, keyId(name).orElseThrow());
            }
        }
        return ids;
    }

    private Optional<Long> keyId(String name) {
        return jdbc("SELECT key_id FROM metric_key WHERE metric_key = ?", "reading metric key " + name, statement -> {
            statement.setString(1, name);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.<Long>empty();
            }
        });
    }

    /** Runs a statement of the hot path through the connection's kept statements. */
    private <T> T jdbc(String sql, String what, StatementCache.Use<T> use) {
        try {
            return context.statements().with(handle, sql, use);
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException(what, e, null);
        }
    }

    /**
     * Serialises the allocation of run keys and metric key ids (MAX + 1) with every other audited
     * write: on SQLite the single writer already does; on PostgreSQL they all take this lock.
     */
    private void lockIdAllocation() {
        if (context.dialect() == Dialect.POSTGRESQL) {
            handle.createQuery("SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE").mapTo(Long.class).one();
        }
    }

    @Override
    public Optional<Run> findRun(String runId) {
        return findRunInfo(runId).map(info -> loadRuns(List.of(info)).get(0));
    }

    @Override
    public void updateRun(String runId, RunStatus status, Optional<Long> endTime, String runName) {
        handle.createUpdate("UPDATE run SET status = :status, end_time = :endTime, run_name = :runName WHERE run_id = :id")
                .bind("status", status.name()).bind("endTime", endTime.orElse(null)).bind("runName", runName).bind("id", runId)
                .execute();
    }

    @Override
    public void setRunLifecycle(String runId, String lifecycleStage, Optional<Long> deletedTime) {
        handle.createUpdate("UPDATE run SET lifecycle_stage = :stage, deleted_time = :deleted WHERE run_id = :id")
                .bind("stage", lifecycleStage).bind("deleted", deletedTime.orElse(null)).bind("id", runId).execute();
    }

    @Override
    public void setRunSeal(String runId, Optional<String> sealDigest) {
        handle.createUpdate("UPDATE run SET seal_digest = :seal WHERE run_id = :id")
                .bind("seal", sealDigest.orElse(null)).bind("id", runId).execute();
    }

    @Override
    public Map<String, String> findParams(String runId, Collection<String> keys) {
        Map<String, String> found = new HashMap<>();
        for (List<String> chunk : chunks(List.copyOf(keys))) {
            handle.createQuery("SELECT param_key, param_value FROM run_param WHERE run_id = :id AND param_key IN (<keys>)")
                    .bind("id", runId).bindList("keys", chunk)
                    .map((rs, ctx) -> found.put(rs.getString(1), rs.getString(2))).forEach(x -> { });
        }
        return found;
    }

    @Override
    public void insertParams(String runId, List<KeyValue> params) {
        if (params.isEmpty()) {
            return;
        }
        PreparedBatch batch = handle.prepareBatch("INSERT INTO run_param (run_id, param_key, param_value) VALUES (:id, :key, :value)"
                + " ON CONFLICT (run_id, param_key) DO NOTHING");
        for (KeyValue param : params) {
            batch.bind("id", runId).bind("key", param.key()).bind("value", param.value()).add();
        }
        batch.execute();
    }

    @Override
    public void insertMetrics(String runId, List<Metric> metrics) {
        if (metrics.isEmpty()) {
            return;
        }
        Map<String, Metric> latest = new LinkedHashMap<>();
        for (Metric metric : metrics) {
            latest.merge(metric.key(), metric, (a, b) -> newer(b, a) ? b : a);
        }
        long runKey = runKey(runId);
        Map<String, Long> keyIds = keyIds(latest.keySet());
        // Plain JDBC batches on kept statements: this is the hottest write path (a log-batch is 1000
        // rows), and binding positionally is several times cheaper than through Jdbi's named arguments.
        jdbc("INSERT INTO metric_history (run_key, key_id, value, is_nan, timestamp_ms, step) VALUES (?, ?, ?, ?, ?, ?)",
                "inserting metrics of run " + runId, points -> {
                    for (Metric metric : metrics) {
                        points.setLong(1, runKey);
                        points.setLong(2, keyIds.get(metric.key()));
                        points.setDouble(3, storedValue(metric.value()));
                        points.setInt(4, Double.isNaN(metric.value()) ? 1 : 0);
                        points.setLong(5, metric.timestamp());
                        points.setLong(6, metric.step());
                        points.addBatch();
                    }
                    return points.executeBatch();
                });
        jdbc("INSERT INTO latest_metric (run_id, metric_key, value, is_nan, timestamp_ms, step) VALUES (?, ?, ?, ?, ?, ?)"
                        + " ON CONFLICT (run_id, metric_key) DO UPDATE SET value = excluded.value, is_nan = excluded.is_nan,"
                        + " timestamp_ms = excluded.timestamp_ms, step = excluded.step"
                        + " WHERE excluded.step > latest_metric.step"
                        + " OR (excluded.step = latest_metric.step AND excluded.timestamp_ms > latest_metric.timestamp_ms)"
                        + " OR (excluded.step = latest_metric.step AND excluded.timestamp_ms = latest_metric.timestamp_ms"
                        + " AND excluded.value > latest_metric.value)", "updating the latest metrics of run " + runId, upsert -> {
                    for (Metric metric : latest.values()) {
                        bindMetric(upsert, runId, metric);
                        upsert.addBatch();
                    }
                    return upsert.executeBatch();
                });
    }

    private static void bindMetric(PreparedStatement statement, String runId, Metric metric) throws SQLException {
        statement.setString(1, runId);
        statement.setString(2, metric.key());
        statement.setDouble(3, storedValue(metric.value()));
        statement.setInt(4, Double.isNaN(metric.value()) ? 1 : 0);
        statement.setLong(5, metric.timestamp());
        statement.setLong(6, metric.step());
    }

    /** MLflow's order of "latest": step, then timestamp, then value. */
    private static boolean newer(Metric candidate, Metric current) {
        if (candidate.step() != current.step()) {
            return candidate.step() > current.step();
        }
        if (candidate.timestamp() != current.timestamp()) {
            return candidate.timestamp() > current.timestamp();
        }
        return storedValue(candidate.value()) > storedValue(current.value());
    }

    @Override
    public void upsertTags(String runId, List<KeyValue> tags) {
        if (tags.isEmpty()) {
            return;
        }
        PreparedBatch batch = handle.prepareBatch("INSERT INTO run_tag (run_id, tag_key, tag_value) VALUES (:id, :key, :value)"
                + " ON CONFLICT (run_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value");
        for (KeyValue tag : tags) {
            batch.bind("id", runId).bind("key", tag.key()).bind("value", tag.value()).add();
        }
        batch.execute();
    }

    @Override
    public boolean deleteTag(String runId, String key) {
        return handle.createUpdate("DELETE FROM run_tag WHERE run_id = :id AND tag_key = :key")
                .bind("id", runId).bind("key", key).execute() > 0;
    }

    @Override
    public void insertInputs(String runId, List<DatasetInput> inputs) {
        int position = handle.createQuery("SELECT COALESCE(MAX(position), -1) + 1 FROM run_input WHERE run_id = :id")
                .bind("id", runId).mapTo(Integer.class).one();
        for (DatasetInput input : inputs) {
            int inserted = handle.createUpdate("INSERT INTO run_input (run_id, position, dataset_name, dataset_digest, source_type, source,"
                            + " dataset_schema, dataset_profile, context, steward_version_id)"
                            + " VALUES (:id, :position, :name, :digest, :sourceType, :source, :schema, :profile, :context, :version)"
                            + " ON CONFLICT (run_id, dataset_name, dataset_digest) DO NOTHING")
                    .bind("id", runId).bind("position", position).bind("name", input.name()).bind("digest", input.digest())
                    .bind("sourceType", input.sourceType()).bind("source", input.source())
                    .bind("schema", input.schema().orElse(null)).bind("profile", input.profile().orElse(null))
                    .bind("context", input.tags().stream().filter(t -> t.key().equals("mlflow.data.context"))
                            .map(KeyValue::value).findFirst().orElse(null))
                    .bind("version", input.stewardVersionId().orElse(null))
                    .execute();
            if (inserted == 0) {
                continue;
            }
            position++;
            for (KeyValue tag : input.tags()) {
                handle.createUpdate("INSERT INTO run_input_tag (run_id, dataset_name, dataset_digest, tag_key, tag_value)"
                                + " VALUES (:id, :name, :digest, :key, :value) ON CONFLICT DO NOTHING")
                        .bind("id", runId).bind("name", input.name()).bind("digest", input.digest())
                        .bind("key", tag.key()).bind("value", tag.value()).execute();
            }
        }
    }

    @Override
    public List<Metric> metricHistory(String runId, String key, int offset, int limit) {
        return handle.createQuery("SELECT k.metric_key, h.value, h.is_nan, h.timestamp_ms, h.step FROM metric_history h"
                        + " JOIN run r ON r.run_key = h.run_key JOIN metric_key k ON k.key_id = h.key_id"
                        + " WHERE r.run_id = :id AND k.metric_key = :key ORDER BY h.step, h.timestamp_ms, h.value LIMIT :limit OFFSET :offset")
                .bind("id", runId).bind("key", key).bind("limit", limit).bind("offset", offset)
                .map(JdbcTrackingRepository::metric).list();
    }

    @Override
    public List<Metric> allMetrics(String runId) {
        return handle.createQuery("SELECT k.metric_key, h.value, h.is_nan, h.timestamp_ms, h.step FROM metric_history h"
                        + " JOIN run r ON r.run_key = h.run_key JOIN metric_key k ON k.key_id = h.key_id"
                        + " WHERE r.run_id = :id ORDER BY k.metric_key, h.step, h.timestamp_ms, h.value, h.is_nan")
                .bind("id", runId).map(JdbcTrackingRepository::metric).list();
    }

    @Override
    public List<Run> searchRuns(RunQuery query) {
        SearchSql sql = SearchSql.runs(query, context.dialect());
        Query statement = handle.createQuery("SELECT " + prefixed("r.", RUN_COLUMNS) + " FROM run r" + sql.sql());
        sql.bindTo(statement);
        return loadRuns(statement.map(JdbcTrackingRepository::runInfo).list());
    }

    /** Loads the data of many runs with one query per table and chunk, keeping their order. */
    private List<Run> loadRuns(List<RunInfo> infos) {
        if (infos.isEmpty()) {
            return List.of();
        }
        List<String> ids = infos.stream().map(RunInfo::runId).toList();
        Map<String, List<Metric>> metrics = new HashMap<>();
        Map<String, List<KeyValue>> params = new HashMap<>();
        Map<String, List<KeyValue>> tags = new HashMap<>();
        Map<String, List<DatasetInput>> inputs = new HashMap<>();
        Map<String, List<KeyValue>> inputTags = new HashMap<>();
        for (List<String> chunk : chunks(ids)) {
            handle.createQuery("SELECT run_id, metric_key, value, is_nan, timestamp_ms, step FROM latest_metric WHERE run_id IN (<ids>)"
                            + " ORDER BY metric_key")
                    .bindList("ids", chunk)
                    .map((rs, ctx) -> metrics.computeIfAbsent(rs.getString("run_id"), k -> new ArrayList<>()).add(metric(rs, ctx)))
                    .forEach(x -> { });
            collectPairs("SELECT run_id, param_key, param_value FROM run_param WHERE run_id IN (<ids>) ORDER BY param_key", chunk, params);
            collectPairs("SELECT run_id, tag_key, tag_value FROM run_tag WHERE run_id IN (<ids>) ORDER BY tag_key", chunk, tags);
            handle.createQuery("SELECT run_id, dataset_name, dataset_digest, tag_key, tag_value FROM run_input_tag WHERE run_id IN (<ids>)"
                            + " ORDER BY tag_key")
                    .bindList("ids", chunk)
                    .map((rs, ctx) -> inputTags.computeIfAbsent(rs.getString(1) + "\u0000" + rs.getString(2) + "\u0000" + rs.getString(3),
                            k -> new ArrayList<>()).add(new KeyValue(rs.getString(4), rs.getString(5))))
                    .forEach(x -> { });
            handle.createQuery("SELECT run_id, dataset_name, dataset_digest, source_type, source, dataset_schema, dataset_profile,"
                            + " steward_version_id FROM run_input WHERE run_id IN (<ids>) ORDER BY position")
                    .bindList("ids", chunk)
                    .map((rs, ctx) -> {
                        String runId = rs.getString(1);
                        String key = runId + "\u0000" + rs.getString(2) + "\u0000" + rs.getString(3);
                        return inputs.computeIfAbsent(runId, k -> new ArrayList<>()).add(new DatasetInput(rs.getString(2), rs.getString(3),
                                rs.getString(4), rs.getString(5), Optional.ofNullable(rs.getString(6)), Optional.ofNullable(rs.getString(7)),
                                inputTags.getOrDefault(key, List.of()), Optional.ofNullable(rs.getString(8))));
                    })
                    .forEach(x -> { });
        }
        List<Run> runs = new ArrayList<>(infos.size());
        for (RunInfo info : infos) {
            String id = info.runId();
            runs.add(new Run(info, metrics.getOrDefault(id, List.of()), params.getOrDefault(id, List.of()),
                    tags.getOrDefault(id, List.of()), inputs.getOrDefault(id, List.of())));
        }
        return runs;
    }

    private void collectPairs(String sql, List<String> ids, Map<String, List<KeyValue>> into) {
        handle.createQuery(sql).bindList("ids", ids)
                .map((rs, ctx) -> into.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new KeyValue(rs.getString(2), rs.getString(3))))
                .forEach(x -> { });
    }

    // ---- artifact tree -----------------------------------------------------------------------

    @Override
    public void putArtifactFile(ArtifactFile file) {
        handle.createUpdate("INSERT INTO artifact_file (path, sha256, size, created_at) VALUES (:path, :sha, :size, :created)"
                        + " ON CONFLICT (path) DO UPDATE SET sha256 = excluded.sha256, size = excluded.size, created_at = excluded.created_at")
                .bind("path", file.path()).bind("sha", file.sha256()).bind("size", file.size()).bind("created", file.createdAt())
                .execute();
    }

    @Override
    public Optional<ArtifactFile> findArtifactFile(String path) {
        return handle.createQuery("SELECT path, sha256, size, created_at FROM artifact_file WHERE path = :path")
                .bind("path", path).map(JdbcTrackingRepository::artifactFile).findOne();
    }

    @Override
    public List<ArtifactFile> listArtifactFiles(String prefix) {
        // A range instead of LIKE: no escaping of '%' and '_' in user paths, and it uses the key.
        return handle.createQuery("SELECT path, sha256, size, created_at FROM artifact_file WHERE path >= :low AND path < :high ORDER BY path")
                .bind("low", prefix).bind("high", prefix + "\uffff")
                .map(JdbcTrackingRepository::artifactFile).list();
    }

    @Override
    public boolean deleteArtifactFile(String path) {
        return handle.createUpdate("DELETE FROM artifact_file WHERE path = :path").bind("path", path).execute() > 0;
    }

    // ---- mapping -----------------------------------------------------------------------------

    /** MLflow's storage of special values: NaN is flagged separately, infinities are clamped. */
    static double storedValue(double value) {
        if (Double.isNaN(value)) {
            return 0;
        }
        if (value == Double.POSITIVE_INFINITY) {
            return Double.MAX_VALUE;
        }
        if (value == Double.NEGATIVE_INFINITY) {
            return -Double.MAX_VALUE;
        }
        return value;
    }

    private static Metric metric(ResultSet rs, StatementContext ctx) throws SQLException {
        double value = rs.getInt("is_nan") == 1 ? Double.NaN : rs.getDouble("value");
        return new Metric(rs.getString("metric_key"), value, rs.getLong("timestamp_ms"), rs.getLong("step"));
    }

    @Override
    public List<RunInput> runsWithInput(String datasetVersionId) {
        return handle.createQuery("SELECT " + prefixed("r.", RUN_COLUMNS) + ", i.context FROM run_input i JOIN run r ON r.run_id = i.run_id"
                        + " WHERE i.steward_version_id = :version ORDER BY r.start_time, r.run_id").bind("version", datasetVersionId)
                .map((rs, ctx) -> new RunInput(runInfo(rs, ctx), Optional.ofNullable(rs.getString("context")))).list();
    }

    private static RunInfo runInfo(ResultSet rs, StatementContext ctx) throws SQLException {
        long end = rs.getLong("end_time");
        Optional<Long> endTime = rs.wasNull() ? Optional.empty() : Optional.of(end);
        return new RunInfo(rs.getString("run_id"), Long.toString(rs.getLong("experiment_id")), rs.getString("run_name"),
                rs.getString("user_id"), RunStatus.valueOf(rs.getString("status")), rs.getLong("start_time"), endTime,
                rs.getString("artifact_uri"), rs.getString("lifecycle_stage"), Optional.ofNullable(rs.getString("seal_digest")));
    }

    private static ArtifactFile artifactFile(ResultSet rs, StatementContext ctx) throws SQLException {
        return new ArtifactFile(rs.getString("path"), rs.getString("sha256"), rs.getLong("size"), rs.getLong("created_at"));
    }

    private static String prefixed(String prefix, String columns) {
        return String.join(", ", java.util.Arrays.stream(columns.split(",\\s*")).map(c -> prefix + c).toList());
    }

    private static <T> List<List<T>> chunks(List<T> items) {
        List<List<T>> chunks = new ArrayList<>();
        for (int i = 0; i < items.size(); i += CHUNK) {
            chunks.add(items.subList(i, Math.min(items.size(), i + CHUNK)));
        }
        return chunks;
    }
}
