package dev.steward.store.jdbc;

import dev.steward.spi.StewardException;
import dev.steward.spi.data.ValidationReportRecord;
import dev.steward.spi.data.ValidationRepository;
import dev.steward.spi.data.ValidationSuiteRecord;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/** Validation suites and reports in the tables of migration V4. */
final class JdbcValidationRepository implements ValidationRepository {
    private static final String SUITE_COLUMNS = "name, version, sha256, definition, created_at, created_by";
    private static final String REPORT_COLUMNS = "id, version_id, suite_name, suite_version, passed, report, created_at, created_by";

    private final Handle handle;

    JdbcValidationRepository(JdbcContext context) {
        this.handle = context.handle();
    }

    @Override
    public int nextSuiteVersion(String name) {
        return handle.createQuery("SELECT COALESCE(MAX(version), 0) + 1 FROM validation_suite WHERE name = :name")
                .bind("name", name).mapTo(Integer.class).one();
    }

    @Override
    public void insertSuite(ValidationSuiteRecord suite) {
        try {
            handle.createUpdate("INSERT INTO validation_suite (" + SUITE_COLUMNS + ") VALUES (:name, :version, :sha, :definition, :at, :by)")
                    .bind("name", suite.name()).bind("version", suite.version()).bind("sha", suite.sha256())
                    .bind("definition", suite.definition()).bind("at", suite.createdAt()).bind("by", suite.createdBy()).execute();
        } catch (RuntimeException e) {
            if (SqlErrors.isUniqueViolation(e)) {
                throw StewardException.alreadyExists("suite '" + suite.name() + "' already has a version " + suite.version()
                        + " or one with the same content");
            }
            throw e;
        }
    }

    @Override
    public Optional<ValidationSuiteRecord> findSuite(String name, int version) {
        return handle.createQuery("SELECT " + SUITE_COLUMNS + " FROM validation_suite WHERE name = :name AND version = :version")
                .bind("name", name).bind("version", version).map(JdbcValidationRepository::suite).findOne();
    }

    @Override
    public Optional<ValidationSuiteRecord> latestSuite(String name) {
        return handle.createQuery("SELECT " + SUITE_COLUMNS + " FROM validation_suite WHERE name = :name ORDER BY version DESC LIMIT 1")
                .bind("name", name).map(JdbcValidationRepository::suite).findOne();
    }

    @Override
    public Optional<ValidationSuiteRecord> findSuiteByDigest(String name, String sha256) {
        return handle.createQuery("SELECT " + SUITE_COLUMNS + " FROM validation_suite WHERE name = :name AND sha256 = :sha")
                .bind("name", name).bind("sha", sha256).map(JdbcValidationRepository::suite).findOne();
    }

    @Override
    public List<ValidationSuiteRecord> listSuites() {
        return handle.createQuery("SELECT " + SUITE_COLUMNS + " FROM validation_suite s WHERE version ="
                        + " (SELECT MAX(version) FROM validation_suite l WHERE l.name = s.name) ORDER BY name")
                .map(JdbcValidationRepository::suite).list();
    }

    @Override
    public void insertReport(ValidationReportRecord r) {
        handle.createUpdate("INSERT INTO validation_report (" + REPORT_COLUMNS + ") VALUES (:id, :version, :suite, :suiteVersion, :passed,"
                        + " :report, :at, :by)")
                .bind("id", r.id()).bind("version", r.versionId()).bind("suite", r.suiteName()).bind("suiteVersion", r.suiteVersion())
                .bind("passed", r.passed() ? 1 : 0).bind("report", r.report()).bind("at", r.createdAt()).bind("by", r.createdBy()).execute();
    }

    @Override
    public Optional<ValidationReportRecord> findReport(String id) {
        return handle.createQuery("SELECT " + REPORT_COLUMNS + " FROM validation_report WHERE id = :id")
                .bind("id", id).map(JdbcValidationRepository::report).findOne();
    }

    @Override
    public List<ValidationReportRecord> listReports(String versionId) {
        return handle.createQuery("SELECT " + REPORT_COLUMNS + " FROM validation_report WHERE version_id = :version"
                        + " ORDER BY created_at DESC, id DESC")
                .bind("version", versionId).map(JdbcValidationRepository::report).list();
    }

    private static ValidationSuiteRecord suite(ResultSet rs, StatementContext ctx) throws SQLException {
        return new ValidationSuiteRecord(rs.getString("name"), rs.getInt("version"), rs.getString("sha256"), rs.getString("definition"),
                rs.getLong("created_at"), rs.getString("created_by"));
    }

    private static ValidationReportRecord report(ResultSet rs, StatementContext ctx) throws SQLException {
        return new ValidationReportRecord(rs.getString("id"), rs.getString("version_id"), rs.getString("suite_name"), rs.getInt("suite_version"),
                rs.getInt("passed") == 1, rs.getString("report"), rs.getLong("created_at"), rs.getString("created_by"));
    }
}
