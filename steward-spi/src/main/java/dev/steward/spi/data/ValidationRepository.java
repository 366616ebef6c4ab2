package dev.steward.spi.data;

import java.util.List;
import java.util.Optional;

/** Storage of versioned validation suites and the reports of running them. */
public interface ValidationRepository {
    /** The next version number of a suite: 1 for the first. */
    int nextSuiteVersion(String name);

    void insertSuite(ValidationSuiteRecord suite);

    Optional<ValidationSuiteRecord> findSuite(String name, int version);

    Optional<ValidationSuiteRecord> latestSuite(String name);

    Optional<ValidationSuiteRecord> findSuiteByDigest(String name, String sha256);

    /** The latest version of every suite, by name. */
    List<ValidationSuiteRecord> listSuites();

    void insertReport(ValidationReportRecord report);

    Optional<ValidationReportRecord> findReport(String id);

    /** Reports on a dataset version, newest first. */
    List<ValidationReportRecord> listReports(String versionId);
}
