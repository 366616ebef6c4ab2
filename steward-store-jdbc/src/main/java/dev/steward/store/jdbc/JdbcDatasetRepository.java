package dev.steward.store.jdbc;

import dev.steward.spi.StewardException;
import dev.steward.spi.data.ColumnSummary;
import dev.steward.spi.data.ColumnType;
import dev.steward.spi.data.DataFormat;
import dev.steward.spi.data.DatasetInfo;
import dev.steward.spi.data.DatasetRepository;
import dev.steward.spi.data.DatasetVersion;
import dev.steward.spi.data.ReadOptions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** Datasets, versions, column summaries and subjects in the tables of migrations V3 and V4. */
final class JdbcDatasetRepository implements DatasetRepository {
    private static final String VERSION_COLUMNS = "id, dataset_name, version, sha256, size, format, file_name, row_count, profile_sha256, description,"
            + " subject_column, status, created_at, created_by, csv_delimiter, csv_quote, csv_header";

    private final Handle handle;

    JdbcDatasetRepository(JdbcContext context) {
        this.handle = context.handle();
    }

    @Override
    public Optional<DatasetInfo> findDataset(String name) {
        return datasets(" WHERE d.name = :name", name).stream().findFirst();
    }

    @Override
    public void insertDataset(String name, long time, String createdBy) {
        try {
            handle.createUpdate("INSERT INTO dataset (name, created_at, created_by) VALUES (:name, :time, :by)")
                    .bind("name", name).bind("time", time).bind("by", createdBy).execute();
        } catch (RuntimeException e) {
            if (SqlErrors.isUniqueViolation(e)) {
                throw StewardException.alreadyExists("dataset '" + name + "' already exists");
            }
            throw e;
        }
    }

    @Override
    public List<DatasetInfo> listDatasets() {
        return datasets("", null);
    }

    private List<DatasetInfo> datasets(String where, String name) {
        Query query = handle.createQuery("SELECT d.name, d.created_at, d.created_by, COUNT(v.id) AS versions,"
                + " COALESCE(MAX(v.version), 0) AS latest FROM dataset d LEFT JOIN dataset_version v ON v.dataset_name = d.name" + where
                + " GROUP BY d.name, d.created_at, d.created_by ORDER BY d.name");
        if (name != null) {
            query.bind("name", name);
        }
        return query.map((rs, ctx) -> new DatasetInfo(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getInt(4), rs.getInt(5))).list();
    }

    @Override
    public int nextVersion(String name) {
        return handle.createQuery("SELECT COALESCE(MAX(version), 0) + 1 FROM dataset_version WHERE dataset_name = :name")
                .bind("name", name).mapTo(Integer.class).one();
    }

    @Override
    public void insertVersion(DatasetVersion v) {
        handle.createUpdate("INSERT INTO dataset_version (" + VERSION_COLUMNS + ") VALUES (:id, :name, :version, :sha, :size, :format,"
                        + " :fileName, :rows, :profile, :description, :subject, :status, :createdAt, :createdBy, :delimiter, :quote, :header)")
                .bind("id", v.id()).bind("name", v.datasetName()).bind("version", v.version()).bind("sha", v.sha256())
                .bind("size", v.size()).bind("format", v.format().wireName()).bind("fileName", v.fileName()).bind("rows", v.rowCount()).bind("profile", v.profileSha256().orElse(null))
                .bind("description", v.description().orElse(null)).bind("subject", v.subjectColumn().orElse(null))
                .bind("status", v.status()).bind("createdAt", v.createdAt()).bind("createdBy", v.createdBy())
                .bind("delimiter", v.readOptions().delimiter().map(String::valueOf).orElse(null))
                .bind("quote", v.readOptions().quote().map(String::valueOf).orElse(null))
                .bind("header", v.readOptions().header().map(h -> h ? 1 : 0).orElse(null))
                .execute();
        for (Map.Entry<String, String> tag : v.tags().entrySet()) {
            handle.createUpdate("INSERT INTO dataset_version_tag (version_id, tag_key, tag_value) VALUES (:id, :key, :value)")
                    .bind("id", v.id()).bind("key", tag.getKey()).bind("value", tag.getValue()).execute();
        }
        for (ColumnSummary c : v.columns()) {
            handle.createUpdate("INSERT INTO dataset_column (version_id, position, name, column_type, nullable, null_count, distinct_count,"
                            + " min_value, max_value, mean, stddev, has_domain) VALUES (:id, :position, :name, :type, :nullable, :nulls,"
                            + " :distinct, :min, :max, :mean, :stddev, :hasDomain)")
                    .bind("id", v.id()).bind("position", c.position()).bind("name", c.name()).bind("type", c.type().name())
                    .bind("nullable", c.nullable() ? 1 : 0).bind("nulls", c.nullCount()).bind("distinct", c.distinctCount())
                    .bind("min", c.min().orElse(null)).bind("max", c.max().orElse(null))
                    .bind("mean", c.mean().isPresent() ? c.mean().getAsDouble() : null)
                    .bind("stddev", c.stddev().isPresent() ? c.stddev().getAsDouble() : null)
                    .bind("hasDomain", c.domain().isPresent() ? 1 : 0)
                    .execute();
            for (String value : c.domain().orElse(List.of())) {
                handle.createUpdate("INSERT INTO dataset_column_value (version_id, position, value) VALUES (:id, :position, :value)")
                        .bind("id", v.id()).bind("position", c.position()).bind("value", value).execute();
            }
        }
    }

    @Override
    public Optional<DatasetVersion> findVersion(String name, int version) {
        return versions(" WHERE dataset_name = :name AND version = :version", Map.of("name", name, "version", version)).stream().findFirst();
    }

    @Override
    public Optional<DatasetVersion> findVersionById(String id) {
        return versions(" WHERE id = :id", Map.of("id", id)).stream().findFirst();
    }

    @Override
    public List<DatasetVersion> findVersionsByDigest(String sha256) {
        return versions(" WHERE sha256 = :sha ORDER BY dataset_name, version", Map.of("sha", sha256));
    }

    @Override
    public List<DatasetVersion> listVersions(String name) {
        return versions(" WHERE dataset_name = :name ORDER BY version", Map.of("name", name));
    }

    @Override
    public void setVersionStatus(String id, String status) {
        handle.createUpdate("UPDATE dataset_version SET status = :status WHERE id = :id").bind("status", status).bind("id", id).execute();
    }

    @Override
    public void insertSubjects(String versionId, Collection<String> subjectIds) {
        if (subjectIds.isEmpty()) {
            return;
        }
        try {
            Connection connection = handle.getConnection();
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO dataset_subject (subject_id, version_id) VALUES (?, ?)")) {
                int pending = 0;
                for (String subject : subjectIds) {
                    insert.setString(1, subject);
                    insert.setString(2, versionId);
                    insert.addBatch();
                    if (++pending == 10_000) {
                        insert.executeBatch();
                        pending = 0;
                    }
                }
                if (pending > 0) {
                    insert.executeBatch();
                }
            }
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException("indexing the subjects of dataset version " + versionId, e, null);
        }
    }

    @Override
    public List<String> versionsWithSubject(String subjectId) {
        return handle.createQuery("SELECT version_id FROM dataset_subject WHERE subject_id = :subject ORDER BY version_id")
                .bind("subject", subjectId).mapTo(String.class).list();
    }

    @Override
    public long subjectCount(String versionId) {
        return handle.createQuery("SELECT COUNT(*) FROM dataset_subject WHERE version_id = :id").bind("id", versionId).mapTo(Long.class).one();
    }

    private List<DatasetVersion> versions(String where, Map<String, Object> args) {
        Query query = handle.createQuery("SELECT " + VERSION_COLUMNS + " FROM dataset_version" + where);
        args.forEach(query::bind);
        List<Map<String, Object>> rows = query.map(JdbcDatasetRepository::row).list();
        List<DatasetVersion> versions = new ArrayList<>(rows.size());
        for (Map<String, Object> row : rows) {
            String id = (String) row.get("id");
            Map<String, String> tags = new TreeMap<>();
            handle.createQuery("SELECT tag_key, tag_value FROM dataset_version_tag WHERE version_id = :id").bind("id", id)
                    .map((rs, ctx) -> tags.put(rs.getString(1), rs.getString(2))).forEach(x -> { });
            Map<Integer, List<String>> domains = new HashMap<>();
            handle.createQuery("SELECT position, value FROM dataset_column_value WHERE version_id = :id ORDER BY position, value")
                    .bind("id", id)
                    .map((rs, ctx) -> domains.computeIfAbsent(rs.getInt(1), k -> new ArrayList<>()).add(rs.getString(2)))
                    .forEach(x -> { });
            List<ColumnSummary> columns = handle.createQuery("SELECT position, name, column_type, nullable, null_count, distinct_count,"
                            + " min_value, max_value, mean, stddev, has_domain FROM dataset_column WHERE version_id = :id ORDER BY position")
                    .bind("id", id)
                    .map((rs, ctx) -> column(rs, domains))
                    .list();
            versions.add(new DatasetVersion(id, (String) row.get("dataset_name"), (Integer) row.get("version"), (String) row.get("sha256"),
                    (Long) row.get("size"), DataFormat.parse((String) row.get("format")), (String) row.get("file_name"),
                    (Long) row.get("row_count"), columns, Optional.ofNullable((String) row.get("profile_sha256")),
                    Optional.ofNullable((String) row.get("description")), tags,
                    Optional.ofNullable((String) row.get("subject_column")), (ReadOptions) row.get("read_options"), (String) row.get("status"),
                    (Long) row.get("created_at"),
                    (String) row.get("created_by")));
        }
        return versions;
    }

    private static Map<String, Object> row(ResultSet rs, StatementContext ctx) throws SQLException {
        Map<String, Object> row = new HashMap<>();
        row.put("id", rs.getString("id"));
        row.put("dataset_name", rs.getString("dataset_name"));
        row.put("version", rs.getInt("version"));
        row.put("sha256", rs.getString("sha256"));
        row.put("size", rs.getLong("size"));
        row.put("format", rs.getString("format"));
        row.put("file_name", rs.getString("file_name"));
        row.put("row_count", rs.getLong("row_count"));
        row.put("profile_sha256", rs.getString("profile_sha256"));
        row.put("description", rs.getString("description"));
        row.put("subject_column", rs.getString("subject_column"));
        row.put("status", rs.getString("status"));
        row.put("created_at", rs.getLong("created_at"));
        row.put("created_by", rs.getString("created_by"));
        Optional<Character> delimiter = Optional.ofNullable(rs.getString("csv_delimiter")).map(d -> d.charAt(0));
        Optional<Character> quote = Optional.ofNullable(rs.getString("csv_quote")).map(q -> q.charAt(0));
        int header = rs.getInt("csv_header");
        Optional<Boolean> headerOption = rs.wasNull() ? Optional.empty() : Optional.of(header == 1);
        row.put("read_options", new ReadOptions(Optional.of(DataFormat.parse(rs.getString("format"))), delimiter, quote, headerOption,
                Optional.ofNullable(rs.getString("subject_column"))));
        return row;
    }

    private static ColumnSummary column(ResultSet rs, Map<Integer, List<String>> domains) throws SQLException {
        int position = rs.getInt("position");
        double mean = rs.getDouble("mean");
        OptionalDouble meanValue = rs.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(mean);
        double stddev = rs.getDouble("stddev");
        OptionalDouble stddevValue = rs.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(stddev);
        Optional<List<String>> domain = rs.getInt("has_domain") == 1 ? Optional.of(domains.getOrDefault(position, List.of())) : Optional.empty();
        return new ColumnSummary(position, rs.getString("name"), ColumnType.valueOf(rs.getString("column_type")), rs.getInt("nullable") == 1,
                rs.getLong("null_count"), rs.getLong("distinct_count"), Optional.ofNullable(rs.getString("min_value")),
                Optional.ofNullable(rs.getString("max_value")), meanValue, stddevValue, domain);
    }
}
