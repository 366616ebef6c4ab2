package dev.steward.store.jdbc;

import dev.steward.spi.StewardException;
import dev.steward.spi.registry.AliasRecord;
import dev.steward.spi.registry.ApprovalRecord;
import dev.steward.spi.registry.ApprovalRequestRecord;
import dev.steward.spi.registry.EnvironmentRecord;
import dev.steward.spi.registry.EvaluationRecord;
import dev.steward.spi.registry.ModelVersionRecord;
import dev.steward.spi.registry.PolicyRecord;
import dev.steward.spi.registry.PromotionRecord;
import dev.steward.spi.registry.RegisteredModelRecord;
import dev.steward.spi.registry.RegistryFilter;
import dev.steward.spi.registry.RegistryQuery;
import dev.steward.spi.registry.RegistryRepository;
import dev.steward.spi.registry.ReportRecord;
import dev.steward.spi.tracking.SearchComparator;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

/** The model registry in the tables of migration V9. */
final class JdbcRegistryRepository implements RegistryRepository {
    private static final String MODEL_COLUMNS = "m.id, m.name, m.description, m.created_at, m.created_by, m.updated_at";
    private static final String VERSION_COLUMNS = "v.model_id, m.name AS model_name, v.version, v.status, v.status_message, v.source,"
            + " v.source_kind, v.run_id, v.manifest_sha256, v.model_digest, v.package_size, v.task, v.signature, v.classes, v.metrics,"
            + " v.description, v.intended_use, v.limitations, v.archived, v.created_at, v.created_by, v.created_by_name, v.updated_at,"
            + " v.revoked_at, v.revoked_by, v.revoke_reason";
    private static final String VERSIONS_FROM = " FROM model_version v JOIN registered_model m ON m.id = v.model_id";
    private static final Map<String, String> MODEL_ORDER = Map.of("name", "m.name", "creation_timestamp", "m.created_at",
            "last_updated_timestamp", "m.updated_at");
    private static final Map<String, String> VERSION_ORDER = Map.of("name", "m.name", "creation_timestamp", "v.created_at",
            "last_updated_timestamp", "v.updated_at", "version_number", "v.version");
    private static final int CHUNK = 500;

    private final Handle handle;
    private final Dialect dialect;

    JdbcRegistryRepository(JdbcContext context) {
        this.handle = context.handle();
        this.dialect = context.dialect();
    }

    // ---- registered models -------------------------------------------------------------------

    @Override
    public void insertModel(RegisteredModelRecord model) {
        try {
            handle.createUpdate("INSERT INTO registered_model (id, name, description, created_at, created_by, updated_at)"
                            + " VALUES (:id, :name, :description, :created, :by, :updated)")
                    .bind("id", model.id()).bind("name", model.name()).bind("description", model.description().orElse(null))
                    .bind("created", model.createdAt()).bind("by", model.createdBy()).bind("updated", model.updatedAt()).execute();
        } catch (RuntimeException e) {
            if (SqlErrors.isUniqueViolation(e)) {
                throw StewardException.alreadyExists("Registered Model (name=" + model.name() + ") already exists.");
            }
            throw e;
        }
        model.tags().forEach((k, v) -> putModelTag(model.id(), k, v));
    }

    @Override
    public Optional<RegisteredModelRecord> findModel(String name) {
        return withTags(handle.createQuery("SELECT " + MODEL_COLUMNS + " FROM registered_model m WHERE m.name = :name AND m.deleted_at IS NULL")
                .bind("name", name).map(JdbcRegistryRepository::model).list()).stream().findFirst();
    }

    @Override
    public Optional<RegisteredModelRecord> findModelById(String id) {
        return withTags(handle.createQuery("SELECT " + MODEL_COLUMNS + " FROM registered_model m WHERE m.id = :id")
                .bind("id", id).map(JdbcRegistryRepository::model).list()).stream().findFirst();
    }

    @Override
    public void updateModel(String id, String name, Optional<String> description, long updatedAt) {
        try {
            handle.createUpdate("UPDATE registered_model SET name = :name, description = :description, updated_at = :updated WHERE id = :id")
                    .bind("name", name).bind("description", description.orElse(null)).bind("updated", updatedAt).bind("id", id).execute();
        } catch (RuntimeException e) {
            if (SqlErrors.isUniqueViolation(e)) {
                throw StewardException.alreadyExists("Registered Model (name=" + name + ") already exists.");
            }
            throw e;
        }
    }

    @Override
    public void deleteModel(String id, long deletedAt) {
        handle.createUpdate("DELETE FROM model_alias WHERE model_id = :id").bind("id", id).execute();
        handle.createUpdate("UPDATE model_version SET deleted_at = :at WHERE model_id = :id AND deleted_at IS NULL").bind("at", deletedAt)
                .bind("id", id).execute();
        handle.createUpdate("UPDATE registered_model SET deleted_at = :at, updated_at = :at WHERE id = :id").bind("at", deletedAt)
                .bind("id", id).execute();
    }

    @Override
    public void putModelTag(String id, String key, String value) {
        handle.createUpdate("DELETE FROM registered_model_tag WHERE model_id = :id AND tag_key = :key").bind("id", id).bind("key", key).execute();
        handle.createUpdate("INSERT INTO registered_model_tag (model_id, tag_key, tag_value) VALUES (:id, :key, :value)")
                .bind("id", id).bind("key", key).bind("value", value).execute();
    }

    @Override
    public boolean deleteModelTag(String id, String key) {
        return handle.createUpdate("DELETE FROM registered_model_tag WHERE model_id = :id AND tag_key = :key").bind("id", id).bind("key", key)
                .execute() > 0;
    }

    @Override
    public List<RegisteredModelRecord> searchModels(RegistryQuery query) {
        Sql sql = new Sql("SELECT " + MODEL_COLUMNS + " FROM registered_model m WHERE m.deleted_at IS NULL");
        for (RegistryFilter filter : query.filters()) {
            switch (filter.field()) {
                case NAME -> sql.and(compare("m.name", filter));
                case TAG -> sql.and("EXISTS (SELECT 1 FROM registered_model_tag t WHERE t.model_id = m.id AND t.tag_key = ? AND "
                        + compare("t.tag_value", filter) + ")", filter.key());
                case RUN_ID, SOURCE_PATH, VERSION -> sql.and("EXISTS (SELECT 1 FROM model_version v WHERE v.model_id = m.id AND v.deleted_at IS NULL"
                        + " AND " + compare(versionColumn(filter.field()), filter) + ")");
            }
            sql.values(filter);
        }
        sql.order(query.order(), MODEL_ORDER, List.of("m.name ASC"));
        return withTags(sql.page(handle, query).map(JdbcRegistryRepository::model).list());
    }

    // ---- versions ----------------------------------------------------------------------------

    @Override
    public int nextVersion(String modelId) {
        return handle.createQuery("SELECT COALESCE(MAX(version), 0) + 1 FROM model_version WHERE model_id = :id").bind("id", modelId)
                .mapTo(Integer.class).one();
    }

    @Override
    public void insertVersion(ModelVersionRecord v, List<String> trainingDatasetVersionIds) {
        handle.createUpdate("INSERT INTO model_version (model_id, version, status, status_message, source, source_kind, run_id, manifest_sha256,"
                        + " model_digest, package_size, task, signature, classes, metrics, description, intended_use, limitations, archived,"
                        + " created_at, created_by, created_by_name, updated_at, revoked_at, revoked_by, revoke_reason) VALUES (:model, :version,"
                        + " :status, :message, :source, :kind, :run, :manifest, :digest, :size, :task, :signature, :classes, :metrics, :description,"
                        + " :use, :limitations, :archived, :created, :by, :byName, :updated, :revokedAt, :revokedBy, :revokeReason)")
                .bind("model", v.modelId()).bind("version", v.version()).bind("status", v.status())
                .bind("message", v.statusMessage().orElse(null)).bind("source", v.source()).bind("kind", v.sourceKind())
                .bind("run", v.runId().orElse(null)).bind("manifest", v.pkg().map(ModelVersionRecord.PackageInfo::manifestSha256).orElse(null))
                .bind("digest", v.pkg().map(ModelVersionRecord.PackageInfo::modelDigest).orElse(null))
                .bind("size", v.pkg().map(ModelVersionRecord.PackageInfo::size).orElse(null)).bind("task", v.task().orElse(null))
                .bind("signature", v.signatureJson()).bind("classes", v.classesJson()).bind("metrics", v.metricsJson())
                .bind("description", v.notes().description().orElse(null)).bind("use", v.notes().intendedUse().orElse(null))
                .bind("limitations", v.notes().limitations().orElse(null)).bind("archived", v.archived() ? 1 : 0)
                .bind("created", v.createdAt()).bind("by", v.createdBy()).bind("byName", v.createdByName()).bind("updated", v.updatedAt())
                .bind("revokedAt", v.revocation().map(ModelVersionRecord.Revocation::at).orElse(null))
                .bind("revokedBy", v.revocation().map(ModelVersionRecord.Revocation::by).orElse(null))
                .bind("revokeReason", v.revocation().map(ModelVersionRecord.Revocation::reason).orElse(null)).execute();
        v.tags().forEach((k, value) -> putVersionTag(v.modelId(), v.version(), k, value));
        for (String dataset : trainingDatasetVersionIds.stream().distinct().toList()) {
            handle.createUpdate("INSERT INTO model_version_dataset (model_id, version, dataset_version_id) VALUES (:model, :version, :dataset)")
                    .bind("model", v.modelId()).bind("version", v.version()).bind("dataset", dataset).execute();
        }
    }

    @Override
    public Optional<ModelVersionRecord> findVersion(String modelId, int version) {
        return versionsWhere(" WHERE v.model_id = ? AND v.version = ? AND v.deleted_at IS NULL", modelId, version).stream().findFirst();
    }

    @Override
    public Optional<ModelVersionRecord> findVersionEvenDeleted(String modelId, int version) {
        return versionsWhere(" WHERE v.model_id = ? AND v.version = ?", modelId, version).stream().findFirst();
    }

    @Override
    public List<ModelVersionRecord> versions(String modelId) {
        return versionsWhere(" WHERE v.model_id = ? AND v.deleted_at IS NULL ORDER BY v.version DESC", modelId);
    }

    private List<ModelVersionRecord> versionsWhere(String where, Object... args) {
        Query query = handle.createQuery("SELECT " + VERSION_COLUMNS + VERSIONS_FROM + where);
        for (int i = 0; i < args.length; i++) {
            query.bind(i, args[i]);
        }
        return withVersionTags(query.map(JdbcRegistryRepository::version).list());
    }

    @Override
    public List<ModelVersionRecord> searchVersions(RegistryQuery query) {
        Sql sql = new Sql("SELECT " + VERSION_COLUMNS + VERSIONS_FROM + " WHERE v.deleted_at IS NULL AND m.deleted_at IS NULL");
        for (RegistryFilter filter : query.filters()) {
            switch (filter.field()) {
                case NAME -> sql.and(compare("m.name", filter));
                case TAG -> sql.and("EXISTS (SELECT 1 FROM model_version_tag t WHERE t.model_id = v.model_id AND t.version = v.version"
                        + " AND t.tag_key = ? AND " + compare("t.tag_value", filter) + ")", filter.key());
                case RUN_ID, SOURCE_PATH, VERSION -> sql.and(compare(versionColumn(filter.field()), filter));
            }
            sql.values(filter);
        }
        sql.order(query.order(), VERSION_ORDER, List.of("m.name ASC", "v.version DESC"));
        return withVersionTags(sql.page(handle, query).map(JdbcRegistryRepository::version).list());
    }

    private static String versionColumn(RegistryFilter.Field field) {
        return switch (field) {
            case RUN_ID -> "v.run_id";
            case SOURCE_PATH -> "v.source";
            case VERSION -> "v.version";
            default -> throw new IllegalArgumentException("not a version column: " + field);
        };
    }

    @Override
    public void updateVersion(ModelVersionRecord v) {
        handle.createUpdate("UPDATE model_version SET status = :status, status_message = :message, description = :description,"
                        + " intended_use = :use, limitations = :limitations, archived = :archived, updated_at = :updated, revoked_at = :revokedAt,"
                        + " revoked_by = :revokedBy, revoke_reason = :revokeReason WHERE model_id = :model AND version = :version")
                .bind("status", v.status()).bind("message", v.statusMessage().orElse(null))
                .bind("description", v.notes().description().orElse(null)).bind("use", v.notes().intendedUse().orElse(null))
                .bind("limitations", v.notes().limitations().orElse(null)).bind("archived", v.archived() ? 1 : 0).bind("updated", v.updatedAt())
                .bind("revokedAt", v.revocation().map(ModelVersionRecord.Revocation::at).orElse(null))
                .bind("revokedBy", v.revocation().map(ModelVersionRecord.Revocation::by).orElse(null))
                .bind("revokeReason", v.revocation().map(ModelVersionRecord.Revocation::reason).orElse(null))
                .bind("model", v.modelId()).bind("version", v.version()).execute();
    }

    @Override
    public void deleteVersion(String modelId, int version, long deletedAt) {
        handle.createUpdate("DELETE FROM model_alias WHERE model_id = :model AND version = :version").bind("model", modelId)
                .bind("version", version).execute();
        handle.createUpdate("UPDATE model_version SET deleted_at = :at, updated_at = :at WHERE model_id = :model AND version = :version")
                .bind("at", deletedAt).bind("model", modelId).bind("version", version).execute();
    }

    @Override
    public void putVersionTag(String modelId, int version, String key, String value) {
        deleteVersionTag(modelId, version, key);
        handle.createUpdate("INSERT INTO model_version_tag (model_id, version, tag_key, tag_value) VALUES (:model, :version, :key, :value)")
                .bind("model", modelId).bind("version", version).bind("key", key).bind("value", value).execute();
    }

    @Override
    public boolean deleteVersionTag(String modelId, int version, String key) {
        return handle.createUpdate("DELETE FROM model_version_tag WHERE model_id = :model AND version = :version AND tag_key = :key")
                .bind("model", modelId).bind("version", version).bind("key", key).execute() > 0;
    }

    @Override
    public List<String> trainingDatasets(String modelId, int version) {
        return handle.createQuery("SELECT dataset_version_id FROM model_version_dataset WHERE model_id = :model AND version = :version"
                        + " ORDER BY dataset_version_id").bind("model", modelId).bind("version", version).mapTo(String.class).list();
    }

    @Override
    public Map<String, List<ModelVersionRecord>> versions(List<String> modelIds) {
        Map<String, List<ModelVersionRecord>> byModel = new LinkedHashMap<>();
        for (List<String> chunk : chunks(modelIds)) {
            Sql sql = new Sql("SELECT " + VERSION_COLUMNS + VERSIONS_FROM + " WHERE v.model_id IN (" + placeholders(chunk.size())
                    + ") AND v.deleted_at IS NULL ORDER BY v.model_id, v.version DESC");
            sql.args.addAll(chunk);
            withVersionTags(sql.query(handle).map(JdbcRegistryRepository::version).list())
                    .forEach(v -> byModel.computeIfAbsent(v.modelId(), k -> new ArrayList<>()).add(v));
        }
        return byModel;
    }

    @Override
    public List<Dependent> versionsDependingOn(String datasetVersionId, List<String> runIds) {
        Map<String, Dependent> found = new LinkedHashMap<>();
        String flags = ", v.deleted_at, EXISTS (SELECT 1 FROM model_version_dataset d WHERE d.model_id = v.model_id AND d.version = v.version"
                + " AND d.dataset_version_id = ?) AS trained";
        // Driven from the dataset's index, so the cost follows the dependents, not the size of the registry.
        Sql trained = new Sql("SELECT " + VERSION_COLUMNS + ", v.deleted_at, 1 AS trained FROM model_version_dataset t JOIN model_version v"
                + " ON v.model_id = t.model_id AND v.version = t.version JOIN registered_model m ON m.id = v.model_id"
                + " WHERE t.dataset_version_id = ? ORDER BY m.name, v.version");
        trained.args.add(datasetVersionId);
        dependents(trained).forEach(d -> found.put(d.version().modelId() + "/" + d.version().version(), d));
        for (List<String> chunk : chunks(runIds)) {
            Sql sql = new Sql("SELECT " + VERSION_COLUMNS + flags + VERSIONS_FROM + " WHERE v.run_id IN (" + placeholders(chunk.size())
                    + ") ORDER BY m.name, v.version");
            sql.args.add(datasetVersionId);
            sql.args.addAll(chunk);
            dependents(sql).forEach(d -> found.putIfAbsent(d.version().modelId() + "/" + d.version().version(), d));
        }
        return List.copyOf(found.values());
    }

    private List<Dependent> dependents(Sql sql) {
        List<Dependent> rows = sql.query(handle).map((rs, ctx) -> {
            rs.getLong("deleted_at");
            boolean deleted = !rs.wasNull();
            return new Dependent(version(rs, ctx), rs.getBoolean("trained"), deleted);
        }).list();
        List<ModelVersionRecord> tagged = withVersionTags(rows.stream().map(Dependent::version).toList());
        List<Dependent> result = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            result.add(new Dependent(tagged.get(i), rows.get(i).trainedOnIt(), rows.get(i).deleted()));
        }
        return result;
    }

    // ---- aliases -----------------------------------------------------------------------------

    @Override
    public void setAlias(AliasRecord alias) {
        deleteAlias(alias.modelId(), alias.alias());
        handle.createUpdate("INSERT INTO model_alias (model_id, alias, version, updated_at, updated_by) VALUES (:model, :alias, :version,"
                        + " :at, :by)").bind("model", alias.modelId()).bind("alias", alias.alias()).bind("version", alias.version())
                .bind("at", alias.updatedAt()).bind("by", alias.updatedBy()).execute();
    }

    @Override
    public boolean deleteAlias(String modelId, String alias) {
        return handle.createUpdate("DELETE FROM model_alias WHERE model_id = :model AND alias = :alias").bind("model", modelId)
                .bind("alias", alias).execute() > 0;
    }

    @Override
    public List<AliasRecord> aliases(String modelId) {
        return aliases(List.of(modelId)).getOrDefault(modelId, List.of());
    }

    @Override
    public Map<String, List<AliasRecord>> aliases(List<String> modelIds) {
        Map<String, List<AliasRecord>> byModel = new HashMap<>();
        for (List<String> chunk : chunks(modelIds)) {
            Sql sql = new Sql("SELECT model_id, alias, version, updated_at, updated_by FROM model_alias WHERE model_id IN ("
                    + placeholders(chunk.size()) + ") ORDER BY alias");
            sql.args.addAll(chunk);
            sql.query(handle).map((rs, ctx) -> new AliasRecord(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getLong(4), rs.getString(5)))
                    .forEach(a -> byModel.computeIfAbsent(a.modelId(), k -> new ArrayList<>()).add(a));
        }
        return byModel;
    }

    // ---- environments ------------------------------------------------------------------------

    @Override
    public List<EnvironmentRecord> environments() {
        return handle.createQuery("SELECT name, description, created_at, created_by FROM environment ORDER BY created_at, name")
                .map(JdbcRegistryRepository::environment).list();
    }

    @Override
    public Optional<EnvironmentRecord> findEnvironment(String name) {
        return handle.createQuery("SELECT name, description, created_at, created_by FROM environment WHERE name = :name").bind("name", name)
                .map(JdbcRegistryRepository::environment).findOne();
    }

    @Override
    public void insertEnvironment(EnvironmentRecord environment) {
        try {
            handle.createUpdate("INSERT INTO environment (name, description, created_at, created_by) VALUES (:name, :description, :at, :by)")
                    .bind("name", environment.name()).bind("description", environment.description().orElse(null))
                    .bind("at", environment.createdAt()).bind("by", environment.createdBy()).execute();
        } catch (RuntimeException e) {
            if (SqlErrors.isUniqueViolation(e)) {
                throw StewardException.alreadyExists("environment '" + environment.name() + "' already exists");
            }
            throw e;
        }
    }

    @Override
    public Map<String, Integer> holders(String modelId) {
        return holders(List.of(modelId)).getOrDefault(modelId, Map.of());
    }

    @Override
    public Map<String, Map<String, Integer>> holders(List<String> modelIds) {
        Map<String, Map<String, Integer>> byModel = new HashMap<>();
        for (List<String> chunk : chunks(modelIds)) {
            Sql sql = new Sql("SELECT model_id, environment, version FROM model_environment WHERE model_id IN (" + placeholders(chunk.size())
                    + ")");
            sql.args.addAll(chunk);
            sql.query(handle).map((rs, ctx) -> new Object[] {rs.getString(1), rs.getString(2), rs.getInt(3)}).forEach(row ->
                    byModel.computeIfAbsent((String) row[0], k -> new TreeMap<>()).put((String) row[1], (Integer) row[2]));
        }
        return byModel;
    }

    @Override
    public void setHolder(String modelId, String environment, int version, String promotionId) {
        removeHolder(modelId, environment);
        handle.createUpdate("INSERT INTO model_environment (model_id, environment, version, promotion_id) VALUES (:model, :env, :version,"
                        + " :promotion)").bind("model", modelId).bind("env", environment).bind("version", version).bind("promotion", promotionId)
                .execute();
    }

    @Override
    public void removeHolder(String modelId, String environment) {
        handle.createUpdate("DELETE FROM model_environment WHERE model_id = :model AND environment = :env").bind("model", modelId)
                .bind("env", environment).execute();
    }

    @Override
    public void insertPromotion(PromotionRecord p) {
        long seq = handle.createQuery("SELECT COALESCE(MAX(seq), 0) + 1 FROM promotion").mapTo(Long.class).one();
        handle.createUpdate("INSERT INTO promotion (id, model_id, version, environment, action, previous_version, report_id, reason, created_at,"
                        + " created_by, created_by_name, seq) VALUES (:id, :model, :version, :env, :action, :previous, :report, :reason, :at, :by,"
                        + " :byName, :seq)")
                .bind("id", p.id()).bind("model", p.modelId()).bind("version", p.version().orElse(null)).bind("env", p.environment())
                .bind("action", p.action()).bind("previous", p.previousVersion().orElse(null)).bind("report", p.reportId().orElse(null))
                .bind("reason", p.reason().orElse(null)).bind("at", p.createdAt()).bind("by", p.createdBy()).bind("byName", p.createdByName())
                .bind("seq", seq).execute();
    }

    @Override
    public List<PromotionRecord> promotions(String modelId, Optional<String> environment) {
        Query query = handle.createQuery("SELECT id, model_id, version, environment, action, previous_version, report_id, reason, created_at,"
                + " created_by, created_by_name FROM promotion WHERE model_id = :model" + (environment.isPresent() ? " AND environment = :env" : "")
                + " ORDER BY seq").bind("model", modelId);
        environment.ifPresent(e -> query.bind("env", e));
        return query.map((rs, ctx) -> new PromotionRecord(rs.getString(1), rs.getString(2), optionalInt(rs, 3), rs.getString(4), rs.getString(5),
                optionalInt(rs, 6), Optional.ofNullable(rs.getString(7)), Optional.ofNullable(rs.getString(8)), rs.getLong(9), rs.getString(10),
                rs.getString(11))).list();
    }

    // ---- policies, reports, approvals, evaluations -------------------------------------------

    @Override
    public int nextPolicyRevision(String modelId, String environment) {
        return handle.createQuery("SELECT COALESCE(MAX(revision), 0) + 1 FROM promotion_policy WHERE model_id = :model AND environment = :env")
                .bind("model", modelId).bind("env", environment).mapTo(Integer.class).one();
    }

    @Override
    public void insertPolicy(PolicyRecord p) {
        handle.createUpdate("INSERT INTO promotion_policy (model_id, environment, revision, definition, sha256, created_at, created_by)"
                        + " VALUES (:model, :env, :revision, :definition, :sha, :at, :by)").bind("model", p.modelId()).bind("env", p.environment())
                .bind("revision", p.revision()).bind("definition", p.definition()).bind("sha", p.sha256()).bind("at", p.createdAt())
                .bind("by", p.createdBy()).execute();
    }

    @Override
    public Optional<PolicyRecord> latestPolicy(String modelId, String environment) {
        return handle.createQuery("SELECT model_id, environment, revision, definition, sha256, created_at, created_by FROM promotion_policy"
                        + " WHERE model_id = :model AND environment = :env ORDER BY revision DESC LIMIT 1").bind("model", modelId)
                .bind("env", environment).map(JdbcRegistryRepository::policy).findOne();
    }

    @Override
    public List<PolicyRecord> policies(String modelId) {
        return handle.createQuery("SELECT model_id, environment, revision, definition, sha256, created_at, created_by FROM promotion_policy"
                + " WHERE model_id = :model ORDER BY environment, revision").bind("model", modelId).map(JdbcRegistryRepository::policy).list();
    }

    @Override
    public void insertReport(ReportRecord r) {
        handle.createUpdate("INSERT INTO promotion_report (id, model_id, version, environment, policy_revision, passed, promoted, override_reason,"
                        + " report, created_at, created_by, created_by_name) VALUES (:id, :model, :version, :env, :revision, :passed, :promoted,"
                        + " :override, :report, :at, :by, :byName)").bind("id", r.id()).bind("model", r.modelId()).bind("version", r.version())
                .bind("env", r.environment()).bind("revision", r.policyRevision().orElse(null)).bind("passed", r.passed() ? 1 : 0)
                .bind("promoted", r.promoted() ? 1 : 0).bind("override", r.overrideReason().orElse(null)).bind("report", r.reportJson())
                .bind("at", r.createdAt()).bind("by", r.createdBy()).bind("byName", r.createdByName()).execute();
    }

    private static final String REPORT_COLUMNS = "id, model_id, version, environment, policy_revision, passed, promoted, override_reason, report,"
            + " created_at, created_by, created_by_name";

    @Override
    public Optional<ReportRecord> findReport(String id) {
        return handle.createQuery("SELECT " + REPORT_COLUMNS + " FROM promotion_report WHERE id = :id").bind("id", id)
                .map(JdbcRegistryRepository::report).findOne();
    }

    @Override
    public List<ReportRecord> reports(String modelId, int version) {
        return handle.createQuery("SELECT " + REPORT_COLUMNS + " FROM promotion_report WHERE model_id = :model AND version = :version"
                + " ORDER BY created_at, id").bind("model", modelId).bind("version", version).map(JdbcRegistryRepository::report).list();
    }

    @Override
    public void insertApprovalRequest(ApprovalRequestRecord r) {
        handle.createUpdate("INSERT INTO approval_request (id, model_id, version, environment, comment, requested_by, requested_by_name,"
                        + " created_at) VALUES (:id, :model, :version, :env, :comment, :by, :byName, :at)").bind("id", r.id())
                .bind("model", r.modelId()).bind("version", r.version()).bind("env", r.environment()).bind("comment", r.comment().orElse(null))
                .bind("by", r.requestedBy()).bind("byName", r.requestedByName()).bind("at", r.createdAt()).execute();
    }

    @Override
    public void insertApproval(ApprovalRecord a) {
        handle.createUpdate("INSERT INTO approval (id, request_id, decision, comment, actor_id, actor_name, actor_role, created_at)"
                        + " VALUES (:id, :request, :decision, :comment, :actor, :name, :role, :at)").bind("id", a.id()).bind("request", a.requestId())
                .bind("decision", a.decision()).bind("comment", a.comment().orElse(null)).bind("actor", a.actorId()).bind("name", a.actorName())
                .bind("role", a.actorRole()).bind("at", a.createdAt()).execute();
    }

    @Override
    public List<ApprovalRequestRecord> approvalRequests(String modelId, int version, Optional<String> environment) {
        Query query = handle.createQuery("SELECT id, model_id, version, environment, comment, requested_by, requested_by_name, created_at"
                + " FROM approval_request WHERE model_id = :model AND version = :version" + (environment.isPresent() ? " AND environment = :env" : "")
                + " ORDER BY created_at, id").bind("model", modelId).bind("version", version);
        environment.ifPresent(e -> query.bind("env", e));
        return query.map((rs, ctx) -> new ApprovalRequestRecord(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4),
                Optional.ofNullable(rs.getString(5)), rs.getString(6), rs.getString(7), rs.getLong(8))).list();
    }

    @Override
    public List<ApprovalRecord> approvals(String requestId) {
        return handle.createQuery("SELECT id, request_id, decision, comment, actor_id, actor_name, actor_role, created_at FROM approval"
                        + " WHERE request_id = :request ORDER BY created_at, id").bind("request", requestId)
                .map((rs, ctx) -> new ApprovalRecord(rs.getString(1), rs.getString(2), rs.getString(3), Optional.ofNullable(rs.getString(4)),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getLong(8))).list();
    }

    @Override
    public Optional<EvaluationRecord> findEvaluation(String modelDigest, String datasetVersionId) {
        return handle.createQuery("SELECT model_digest, dataset_version_id, run_id, metrics, created_at FROM model_evaluation"
                        + " WHERE model_digest = :digest AND dataset_version_id = :dataset").bind("digest", modelDigest).bind("dataset", datasetVersionId)
                .map((rs, ctx) -> new EvaluationRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5)))
                .findOne();
    }

    @Override
    public void insertEvaluation(EvaluationRecord e) {
        handle.createUpdate("DELETE FROM model_evaluation WHERE model_digest = :digest AND dataset_version_id = :dataset")
                .bind("digest", e.modelDigest()).bind("dataset", e.datasetVersionId()).execute();
        handle.createUpdate("INSERT INTO model_evaluation (model_digest, dataset_version_id, run_id, metrics, created_at) VALUES (:digest,"
                        + " :dataset, :run, :metrics, :at)").bind("digest", e.modelDigest()).bind("dataset", e.datasetVersionId())
                .bind("run", e.runId()).bind("metrics", e.metricsJson()).bind("at", e.createdAt()).execute();
    }

    @Override
    public List<EvaluationRecord> evaluations(String modelDigest) {
        return handle.createQuery("SELECT model_digest, dataset_version_id, run_id, metrics, created_at FROM model_evaluation"
                        + " WHERE model_digest = :digest ORDER BY created_at, dataset_version_id").bind("digest", modelDigest)
                .map((rs, ctx) -> new EvaluationRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5))).list();
    }

    // ---- mapping and helpers -----------------------------------------------------------------

    private List<RegisteredModelRecord> withTags(List<RegisteredModelRecord> models) {
        if (models.isEmpty()) {
            return models;
        }
        Map<String, Map<String, String>> tags = new HashMap<>();
        for (List<String> chunk : chunks(models.stream().map(RegisteredModelRecord::id).toList())) {
            Sql sql = new Sql("SELECT model_id, tag_key, tag_value FROM registered_model_tag WHERE model_id IN (" + placeholders(chunk.size())
                    + ")");
            sql.args.addAll(chunk);
            sql.query(handle).map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)})
                    .forEach(row -> tags.computeIfAbsent(row[0], k -> new TreeMap<>()).put(row[1], row[2]));
        }
        return models.stream().map(m -> m.withTags(tags.getOrDefault(m.id(), Map.of()))).toList();
    }

    private List<ModelVersionRecord> withVersionTags(List<ModelVersionRecord> versions) {
        if (versions.isEmpty()) {
            return versions;
        }
        Map<String, Map<String, String>> tags = new HashMap<>();
        for (List<String> chunk : chunks(versions.stream().map(ModelVersionRecord::modelId).distinct().toList())) {
            Sql sql = new Sql("SELECT model_id, version, tag_key, tag_value FROM model_version_tag WHERE model_id IN (" + placeholders(chunk.size())
                    + ")");
            sql.args.addAll(chunk);
            sql.query(handle).map((rs, ctx) -> new String[] {rs.getString(1) + "/" + rs.getInt(2), rs.getString(3), rs.getString(4)})
                    .forEach(row -> tags.computeIfAbsent(row[0], k -> new TreeMap<>()).put(row[1], row[2]));
        }
        return versions.stream().map(v -> v.withTags(tags.getOrDefault(v.modelId() + "/" + v.version(), Map.of()))).toList();
    }

    /** The SQL of one filter on a column, with {@code ?} for each of its values. */
    private String compare(String column, RegistryFilter filter) {
        SearchComparator comparator = filter.comparator();
        return switch (comparator) {
            case EQ, NE, GT, GE, LT, LE -> column + " " + comparator.symbol() + " ?";
            case LIKE -> column + " LIKE ?";
            case ILIKE -> dialect == Dialect.POSTGRESQL ? column + " ILIKE ?" : "LOWER(" + column + ") LIKE LOWER(?)";
            case IN -> column + " IN (" + placeholders(filter.values().size()) + ")";
            case NOT_IN -> column + " NOT IN (" + placeholders(filter.values().size()) + ")";
        };
    }

    private static ModelVersionRecord version(ResultSet rs, StatementContext ctx) throws SQLException {
        String manifest = rs.getString("manifest_sha256");
        Optional<ModelVersionRecord.PackageInfo> pkg = manifest == null ? Optional.empty()
                : Optional.of(new ModelVersionRecord.PackageInfo(manifest, rs.getString("model_digest"), rs.getLong("package_size")));
        long revokedAt = rs.getLong("revoked_at");
        Optional<ModelVersionRecord.Revocation> revocation = rs.wasNull() ? Optional.empty()
                : Optional.of(new ModelVersionRecord.Revocation(revokedAt, rs.getString("revoked_by"), rs.getString("revoke_reason")));
        return new ModelVersionRecord(rs.getString("model_id"), rs.getString("model_name"), rs.getInt("version"), rs.getString("status"),
                Optional.ofNullable(rs.getString("status_message")), rs.getString("source"), rs.getString("source_kind"),
                Optional.ofNullable(rs.getString("run_id")), pkg, Optional.ofNullable(rs.getString("task")), rs.getString("signature"),
                rs.getString("classes"), rs.getString("metrics"), new ModelVersionRecord.Notes(Optional.ofNullable(rs.getString("description")),
                Optional.ofNullable(rs.getString("intended_use")), Optional.ofNullable(rs.getString("limitations"))), rs.getInt("archived") == 1,
                rs.getLong("created_at"), rs.getString("created_by"), rs.getString("created_by_name"), rs.getLong("updated_at"), revocation, Map.of());
    }

    private static RegisteredModelRecord model(ResultSet rs, StatementContext ctx) throws SQLException {
        return new RegisteredModelRecord(rs.getString(1), rs.getString(2), Optional.ofNullable(rs.getString(3)), Map.of(), rs.getLong(4),
                rs.getString(5), rs.getLong(6));
    }

    private static EnvironmentRecord environment(ResultSet rs, StatementContext ctx) throws SQLException {
        return new EnvironmentRecord(rs.getString(1), Optional.ofNullable(rs.getString(2)), rs.getLong(3), rs.getString(4));
    }

    private static PolicyRecord policy(ResultSet rs, StatementContext ctx) throws SQLException {
        return new PolicyRecord(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getString(5), rs.getLong(6), rs.getString(7));
    }

    private static ReportRecord report(ResultSet rs, StatementContext ctx) throws SQLException {
        return new ReportRecord(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4), optionalInt(rs, 5), rs.getInt(6) == 1,
                rs.getInt(7) == 1, Optional.ofNullable(rs.getString(8)), rs.getString(9), rs.getLong(10), rs.getString(11), rs.getString(12));
    }

    private static Optional<Integer> optionalInt(ResultSet rs, int column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(value);
    }

    private static <T> List<List<T>> chunks(List<T> all) {
        List<List<T>> chunks = new ArrayList<>();
        for (int i = 0; i < all.size(); i += CHUNK) {
            chunks.add(all.subList(i, Math.min(all.size(), i + CHUNK)));
        }
        return chunks;
    }

    private static String placeholders(int count) {
        return String.join(", ", Collections.nCopies(count, "?"));
    }

    /** A statement with positional arguments, built clause by clause. */
    private static final class Sql {
        private final StringBuilder text;
        private final List<Object> args = new ArrayList<>();

        Sql(String start) {
            this.text = new StringBuilder(start);
        }

        void and(String condition, Object... conditionArgs) {
            text.append(" AND ").append(condition);
            args.addAll(List.of(conditionArgs));
        }

        /** The filter's values as arguments: version numbers as numbers (the core checked that they are). */
        void values(RegistryFilter filter) {
            if (filter.field() == RegistryFilter.Field.VERSION) {
                filter.values().forEach(value -> args.add(Integer.parseInt(value)));
            } else {
                args.addAll(filter.values());
            }
        }

        void order(List<RegistryQuery.Order> order, Map<String, String> columns, List<String> tieBreakers) {
            List<String> terms = new ArrayList<>();
            for (RegistryQuery.Order o : order) {
                String column = columns.get(o.field());
                if (column == null) {
                    throw StewardException.invalid("order_by", "cannot order by '" + o.field() + "'; use one of " + new java.util.TreeSet<>(columns.keySet()));
                }
                terms.add(column + (o.ascending() ? " ASC" : " DESC"));
            }
            terms.addAll(tieBreakers);
            text.append(" ORDER BY ").append(String.join(", ", terms));
        }

        Query page(Handle handle, RegistryQuery query) {
            text.append(" LIMIT ? OFFSET ?");
            args.add(query.limit());
            args.add(query.offset());
            return query(handle);
        }

        Query query(Handle handle) {
            Query query = handle.createQuery(text.toString());
            for (int i = 0; i < args.size(); i++) {
                query.bind(i, args.get(i));
            }
            return query;
        }
    }
}
