package dev.steward.core.data;

import static java.util.Objects.requireNonNull;

import dev.steward.core.audit.AuditLog;
import dev.steward.core.data.profile.ColumnProfile;
import dev.steward.core.data.profile.DatasetProfile;
import dev.steward.core.data.compare.ColumnDrift;
import dev.steward.core.data.compare.ColumnSample;
import dev.steward.core.data.compare.DatasetComparison;
import dev.steward.core.data.compare.DriftCalculator;
import dev.steward.core.data.compare.DriftOptions;
import dev.steward.core.data.validation.CheckResult;
import dev.steward.core.data.validation.SuiteParser;
import dev.steward.core.data.validation.ValidationReport;
import dev.steward.core.data.validation.ValidationSuite;
import dev.steward.core.data.validation.Validator;
import dev.steward.spi.data.ColumnSummary;
import dev.steward.spi.data.ColumnType;
import dev.steward.spi.data.ValidationReportRecord;
import dev.steward.spi.data.ValidationRepository;
import dev.steward.spi.data.ValidationSuiteRecord;
import dev.steward.core.util.Digests;
import dev.steward.core.util.Ids;
import dev.steward.spi.Caller;
import dev.steward.spi.StewardException;
import dev.steward.spi.artifact.ArtifactRef;
import dev.steward.spi.artifact.ArtifactStore;
import dev.steward.spi.data.DatasetInfo;
import dev.steward.spi.data.DatasetRepository;
import dev.steward.spi.data.DatasetVersion;
import dev.steward.spi.data.ReadOptions;
import dev.steward.spi.data.TableReader;
import dev.steward.spi.data.TableSummary;
import dev.steward.spi.store.MetadataStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Datasets and their immutable versions: imports files (original bytes stored content-addressed,
 * schema and exact column summaries read by the {@link TableReader}), deduplicates identical
 * content, keeps the index of data subjects, diffs schemas, and quarantines versions. Every
 * change is audited in the transaction that makes it. Thread-safe.
 */
public final class DatasetService {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final int MAX_REASON = 2000;

    private final MetadataStore store;
    private final ArtifactStore artifacts;
    private final TableReader reader;
    private final AuditLog audit;
    private final Clock clock;

    public DatasetService(MetadataStore store, ArtifactStore artifacts, TableReader reader, AuditLog audit, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.artifacts = requireNonNull(artifacts, "artifacts is null");
        this.reader = requireNonNull(reader, "reader is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * Imports a file as the next version of {@code datasetName} (creating the dataset). When a
     * version of this dataset already has exactly these bytes, returns it and creates nothing.
     * Nothing is visible until the whole file was read and summarised.
     */
    public ImportResult importFile(Caller caller, String datasetName, Path file, String fileName, ReadOptions options,
            Optional<String> description, Map<String, String> tags) {
        requireNonNull(caller, "caller is null");
        checkName(datasetName);
        requireNonNull(file, "file is null");
        description.ifPresent(d -> {
            if (d.length() > MAX_REASON) {
                throw StewardException.invalid("description", "the description is longer than " + MAX_REASON + " characters");
            }
        });
        String digest = digest(file, fileName);
        Optional<DatasetVersion> existing = store.read(tx -> tx.repository(DatasetRepository.class).findVersionsByDigest(digest)
                .stream().filter(v -> v.datasetName().equals(datasetName)).findFirst());
        if (existing.isPresent()) {
            return new ImportResult(existing.get(), false);
        }
        Set<String> subjects = new HashSet<>();
        ProfileSink profiler = new ProfileSink();
        TableSummary summary = reader.read(file, fileName, options, subjects::add, profiler);
        // Stored only once the file proved readable: a failed or interrupted read leaves no blob behind.
        ArtifactRef ref = storeBytes(file, fileName);
        if (!ref.sha256().equals(digest)) {
            throw StewardException.invalid("file", "'" + fileName + "' changed while it was being imported");
        }
        ArtifactRef profile = artifacts.put(new java.io.ByteArrayInputStream(profiler.profile(summary).toBytes()), Long.MAX_VALUE);
        long now = clock.millis();
        return store.write(tx -> {
            DatasetRepository repository = tx.repository(DatasetRepository.class);
            Optional<DatasetVersion> raced = repository.findVersionsByDigest(ref.sha256()).stream()
                    .filter(v -> v.datasetName().equals(datasetName)).findFirst();
            if (raced.isPresent()) {
                return new ImportResult(raced.get(), false);
            }
            if (repository.findDataset(datasetName).isEmpty()) {
                repository.insertDataset(datasetName, now, caller.actor().id());
                audit.record(tx, caller, "dataset.create", "dataset", datasetName, Map.of());
            }
            int number = repository.nextVersion(datasetName);
            DatasetVersion version = new DatasetVersion(Ids.randomHex("dsv_", 8), datasetName, number, ref.sha256(), ref.size(),
                    summary.format(), fileName, summary.rowCount(), summary.columns(), Optional.of(profile.sha256()), description, tags,
                    options.subjectColumn(), new ReadOptions(Optional.of(summary.format()), options.delimiter(), options.quote(),
                    options.header(), options.subjectColumn()),
                    DatasetVersion.ACTIVE, now, caller.actor().id());
            repository.insertVersion(version);
            repository.insertSubjects(version.id(), subjects);
            Map<String, String> details = new TreeMap<>();
            details.put("dataset", datasetName);
            details.put("version", Integer.toString(number));
            details.put("sha256", ref.sha256());
            details.put("rows", Long.toString(summary.rowCount()));
            details.put("format", summary.format().wireName());
            options.subjectColumn().ifPresent(c -> details.put("subject_column", c));
            audit.record(tx, caller, "dataset.version.create", "dataset_version", version.id(), details);
            return new ImportResult(version, true);
        });
    }

    public List<DatasetInfo> list() {
        return store.read(tx -> tx.repository(DatasetRepository.class).listDatasets());
    }

    public DatasetInfo dataset(String name) {
        return store.read(tx -> tx.repository(DatasetRepository.class).findDataset(name))
                .orElseThrow(() -> StewardException.notFound("no dataset named '" + name + "'"));
    }

    public List<DatasetVersion> versions(String name) {
        dataset(name);
        return store.read(tx -> tx.repository(DatasetRepository.class).listVersions(name));
    }

    /** A version by number; {@code 0} or less means the latest. */
    public DatasetVersion version(String name, int number) {
        if (number <= 0) {
            int latest = dataset(name).latestVersion();
            if (latest == 0) {
                throw StewardException.notFound("dataset '" + name + "' has no versions");
            }
            number = latest;
        }
        int wanted = number;
        return store.read(tx -> tx.repository(DatasetRepository.class).findVersion(name, wanted))
                .orElseThrow(() -> StewardException.notFound("dataset '" + name + "' has no version " + wanted));
    }

    /** A version by its id ({@code dsv_...}). */
    public DatasetVersion versionById(String id) {
        return store.read(tx -> tx.repository(DatasetRepository.class).findVersionById(id))
                .orElseThrow(() -> StewardException.notFound("no dataset version with id '" + id + "'"));
    }

    public List<DatasetVersion> versionsByDigest(String sha256) {
        ArtifactRef.requireValidDigest(sha256);
        return store.read(tx -> tx.repository(DatasetRepository.class).findVersionsByDigest(sha256));
    }

    /** The original bytes of a version, verified against their digest. */
    public InputStream open(DatasetVersion version) {
        return artifacts.open(version.sha256());
    }

    public SchemaDiff diff(String name, int from, int to) {
        return SchemaDiff.between(version(name, from).columns(), version(name, to).columns());
    }

    /** Every version whose subject column holds this subject: exact, from the index. */
    public List<DatasetVersion> versionsWithSubject(String subjectId) {
        if (subjectId == null || subjectId.isEmpty() || subjectId.length() > 500) {
            throw StewardException.invalid("subject", "a subject id of 1 to 500 characters is required");
        }
        return store.read(tx -> {
            DatasetRepository repository = tx.repository(DatasetRepository.class);
            return repository.versionsWithSubject(subjectId).stream()
                    .map(id -> repository.findVersionById(id).orElseThrow()).toList();
        });
    }

    public DatasetVersion quarantine(Caller caller, String name, int number, String reason) {
        return setStatus(caller, name, number, DatasetVersion.QUARANTINED, reason, "dataset.version.quarantine");
    }

    public DatasetVersion release(Caller caller, String name, int number, String reason) {
        return setStatus(caller, name, number, DatasetVersion.ACTIVE, reason, "dataset.version.release");
    }

    private DatasetVersion setStatus(Caller caller, String name, int number, String status, String reason, String action) {
        if (reason == null || reason.isBlank() || reason.length() > MAX_REASON) {
            throw StewardException.invalid("reason", "a reason of 1 to " + MAX_REASON + " characters is required; it goes into the audit log");
        }
        DatasetVersion version = version(name, number);
        return store.write(tx -> {
            DatasetRepository repository = tx.repository(DatasetRepository.class);
            DatasetVersion current = repository.findVersionById(version.id()).orElseThrow();
            if (current.status().equals(status)) {
                throw StewardException.invalidState("version " + number + " of '" + name + "' is already " + status);
            }
            repository.setVersionStatus(version.id(), status);
            audit.record(tx, caller, action, "dataset_version", version.id(), Map.of("dataset", name, "version",
                    Integer.toString(version.version()), "reason", reason));
            return repository.findVersionById(version.id()).orElseThrow();
        });
    }

    /** The stored mergeable profile of a version. */
    public DatasetProfile profile(DatasetVersion version) {
        String sha = version.profileSha256().orElseThrow(() -> StewardException.notFound("version " + version.version() + " of '"
                + version.datasetName() + "' has no profile"));
        try (InputStream in = artifacts.open(sha)) {
            return DatasetProfile.fromBytes(in.readAllBytes());
        } catch (IOException e) {
            throw StewardException.internal("reading the profile of " + version.id(), e);
        }
    }

    /** The profile of several versions of a dataset together: the merge of their profiles. */
    public DatasetProfile mergedProfile(String name, List<Integer> numbers) {
        if (numbers.isEmpty()) {
            throw StewardException.invalid("versions", "name at least one version to profile");
        }
        DatasetProfile merged = null;
        for (int number : numbers) {
            DatasetProfile profile = profile(version(name, number));
            merged = merged == null ? profile : merged.merge(profile);
        }
        return merged;
    }

    /**
     * Compares two versions of a dataset column by column (see {@link DriftCalculator}). The
     * values are read again from the stored files, a group of columns at a time so that the
     * samples held at once stay within a quarter of the heap.
     */
    public DatasetComparison compare(String name, int referenceNumber, int currentNumber, DriftOptions options) {
        requireNonNull(options, "options is null");
        return compare(version(name, referenceNumber), version(name, currentNumber), options);
    }

    private DatasetComparison compare(DatasetVersion reference, DatasetVersion current, DriftOptions options) {
        Map<String, ColumnSummary> referenceColumns = byName(reference);
        Map<String, ColumnSummary> currentColumns = byName(current);
        List<String> names = options.columns().isEmpty()
                ? reference.columns().stream().map(ColumnSummary::name).filter(currentColumns::containsKey).toList()
                : options.columns();
        for (String column : names) {
            if (!referenceColumns.containsKey(column) || !currentColumns.containsKey(column)) {
                throw StewardException.invalid("columns", "column '" + column + "' is not in both version " + reference.version() + " and version "
                        + current.version() + "; the shared columns are " + referenceColumns.keySet().stream().filter(currentColumns::containsKey).toList());
            }
        }
        Map<String, ColumnDrift> drifts = new java.util.LinkedHashMap<>();
        List<String> sampled = new java.util.ArrayList<>();
        for (String column : names) {
            ColumnSummary r = referenceColumns.get(column);
            ColumnSummary c = currentColumns.get(column);
            drifts.put(column, null);
            if (ColumnSample.comparable(r.type()) && ColumnSample.comparable(c.type())) {
                sampled.add(column);
            }
        }
        long budget = Runtime.getRuntime().maxMemory() / 4;
        withLocalCopies(List.of(reference, current), files -> {
            List<String> group = new java.util.ArrayList<>();
            long groupBytes = 0;
            for (int i = 0; i <= sampled.size(); i++) {
                long bytes = 0;
                if (i < sampled.size()) {
                    ColumnType type = referenceColumns.get(sampled.get(i)).type();
                    bytes = ColumnSample.estimatedBytes(type, reference.rowCount()) + ColumnSample.estimatedBytes(type, current.rowCount());
                }
                if (i == sampled.size() || (!group.isEmpty() && groupBytes + bytes > budget)) {
                    List<ColumnSample> r = sample(reference, files.get(0), group, referenceColumns);
                    List<ColumnSample> c = sample(current, files.get(1), group, currentColumns);
                    for (int j = 0; j < group.size(); j++) {
                        drifts.put(group.get(j), DriftCalculator.column(r.get(j), c.get(j), options));
                    }
                    group.clear();
                    groupBytes = 0;
                }
                if (i < sampled.size()) {
                    group.add(sampled.get(i));
                    groupBytes += bytes;
                }
            }
            return null;
        });
        List<ColumnDrift> ordered = new java.util.ArrayList<>();
        drifts.forEach((column, drift) -> ordered.add(drift != null ? drift : ColumnDrift.notCompared(column,
                "dates and times are not compared for drift (" + referenceColumns.get(column).type().name().toLowerCase(java.util.Locale.ROOT)
                        + " in version " + reference.version() + ", " + currentColumns.get(column).type().name().toLowerCase(java.util.Locale.ROOT)
                        + " in version " + current.version() + ")")));
        List<ColumnDrift> corrected = DriftCalculator.correct(ordered, options);
        int tested = (int) corrected.stream().filter(d -> d.pValue().isPresent()).count();
        int drifted = (int) corrected.stream().filter(ColumnDrift::drifted).count();
        return new DatasetComparison(reference.datasetName(), reference.version(), current.version(), options,
                SchemaDiff.between(reference.columns(), current.columns()), corrected, tested, drifted);
    }

    private List<ColumnSample> sample(DatasetVersion version, Path file, List<String> names, Map<String, ColumnSummary> columns) {
        Map<String, ColumnSample> samples = new java.util.LinkedHashMap<>();
        List<ColumnSummary> wanted = new java.util.ArrayList<>();
        for (String name : names) {
            ColumnSummary column = columns.get(name);
            samples.put(name, new ColumnSample(name, column.type()));
            wanted.add(column);
        }
        reader.scan(file, version.fileName(), version.readOptions(), wanted, column -> samples.get(column.name()));
        return List.copyOf(samples.values());
    }

    private static Map<String, ColumnSummary> byName(DatasetVersion version) {
        Map<String, ColumnSummary> columns = new java.util.LinkedHashMap<>();
        version.columns().forEach(c -> columns.put(c.name(), c));
        return columns;
    }

    /** Copies the stored bytes of each version to a temporary file (verified), runs {@code work}, deletes them. */
    private <T> T withLocalCopies(List<DatasetVersion> versions, java.util.function.Function<List<Path>, T> work) {
        List<Path> files = new java.util.ArrayList<>();
        try {
            for (DatasetVersion version : versions) {
                Path file = Files.createTempFile("steward-dataset-", "." + version.format().wireName());
                files.add(file);
                try (InputStream in = artifacts.open(version.sha256())) {
                    Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return work.apply(files);
        } catch (IOException e) {
            throw StewardException.of(dev.steward.spi.ErrorCode.TEMPORARILY_UNAVAILABLE, "cannot copy dataset files to a temporary directory: "
                    + e.getMessage(), e);
        } finally {
            for (Path file : files) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    // a leftover temporary file is harmless
                }
            }
        }
    }

    /**
     * Stores a validation suite as the next version of its name, unless the latest identical
     * definition is already stored (then returns that one). The suite is parsed first: a
     * mistake is an error naming the field.
     */
    public SuiteRegistration addSuite(Caller caller, String definition) {
        requireNonNull(caller, "caller is null");
        ValidationSuite suite = SuiteParser.parse(definition);
        String sha = dev.steward.core.util.Digests.sha256Hex(definition);
        long now = clock.millis();
        return store.write(tx -> {
            ValidationRepository repository = tx.repository(ValidationRepository.class);
            Optional<ValidationSuiteRecord> existing = repository.findSuiteByDigest(suite.name(), sha);
            if (existing.isPresent()) {
                return new SuiteRegistration(existing.get(), suite, false);
            }
            ValidationSuiteRecord record = new ValidationSuiteRecord(suite.name(), repository.nextSuiteVersion(suite.name()), sha, definition, now,
                    caller.actor().id());
            repository.insertSuite(record);
            audit.record(tx, caller, "validation_suite.create", "validation_suite", suite.name() + "@" + record.version(),
                    Map.of("sha256", sha, "checks", Integer.toString(suite.checks().size())));
            return new SuiteRegistration(record, suite, true);
        });
    }

    /** A suite version; {@code 0} or less means the latest. */
    public ValidationSuiteRecord suite(String name, int version) {
        return store.read(tx -> {
            ValidationRepository repository = tx.repository(ValidationRepository.class);
            return version <= 0 ? repository.latestSuite(name) : repository.findSuite(name, version);
        }).orElseThrow(() -> StewardException.notFound(version <= 0 ? "no validation suite named '" + name + "'"
                : "validation suite '" + name + "' has no version " + version));
    }

    public List<ValidationSuiteRecord> suites() {
        return store.read(tx -> tx.repository(ValidationRepository.class).listSuites());
    }

    /**
     * Runs a stored suite on a version and stores the report. When a check of severity error
     * fails and the suite says {@code on_failure: quarantine}, the version is quarantined in the
     * same transaction; both are audited.
     */
    public ValidationReport validate(Caller caller, String name, int number, String suiteName, int suiteVersion) {
        requireNonNull(caller, "caller is null");
        DatasetVersion version = version(name, number);
        ValidationSuiteRecord record = suite(suiteName, suiteVersion);
        ValidationSuite suite = SuiteParser.parse(record.definition());
        List<CheckResult> results = withLocalCopies(List.of(version), files -> Validator.run(suite, new Validator.Data() {
            @Override
            public DatasetVersion version() {
                return version;
            }

            @Override
            public DatasetVersion version(int other) {
                return DatasetService.this.version(name, other);
            }

            @Override
            public void scan(List<ColumnSummary> columns, TableReader.RowSink sink) {
                reader.scan(files.get(0), version.fileName(), version.readOptions(), columns, sink);
            }

            @Override
            public DatasetComparison compare(int referenceVersion, DriftOptions options) {
                return DatasetService.this.compare(DatasetService.this.version(name, referenceVersion), version, options);
            }
        }));
        boolean passed = results.stream().noneMatch(CheckResult::failsSuite);
        long now = clock.millis();
        return store.write(tx -> {
            DatasetRepository datasets = tx.repository(DatasetRepository.class);
            DatasetVersion current = datasets.findVersionById(version.id()).orElseThrow();
            boolean quarantine = !passed && suite.quarantineOnFailure() && current.status().equals(DatasetVersion.ACTIVE);
            ValidationReport report = new ValidationReport(Ids.randomHex("vrp_", 8), name, version.version(), version.id(), record.name(),
                    record.version(), passed, quarantine, results, now, caller.actor().id());
            String json = report.toJsonText();
            tx.repository(ValidationRepository.class).insertReport(new ValidationReportRecord(report.id(), version.id(), record.name(),
                    record.version(), passed, json, now, caller.actor().id()));
            Map<String, String> details = new TreeMap<>();
            details.put("dataset", name);
            details.put("version", Integer.toString(version.version()));
            details.put("suite", record.name() + "@" + record.version());
            details.put("report", report.id());
            details.put("report_sha256", dev.steward.core.util.Digests.sha256Hex(json));
            details.put("passed", Boolean.toString(passed));
            audit.record(tx, caller, "dataset.version.validate", "dataset_version", version.id(), details);
            if (quarantine) {
                datasets.setVersionStatus(version.id(), DatasetVersion.QUARANTINED);
                String failed = results.stream().filter(CheckResult::failsSuite)
                        .map(c -> c.kind() + c.column().map(col -> "(" + col + ")").orElse("")).collect(java.util.stream.Collectors.joining(", "));
                audit.record(tx, caller, "dataset.version.quarantine", "dataset_version", version.id(), Map.of("dataset", name, "version",
                        Integer.toString(version.version()), "reason", "validation suite " + record.name() + "@" + record.version()
                                + " failed: " + failed, "report", report.id()));
            }
            return report;
        });
    }

    public ValidationReport report(String id) {
        return store.read(tx -> tx.repository(ValidationRepository.class).findReport(id))
                .map(r -> ValidationReport.fromJson(r.report()))
                .orElseThrow(() -> StewardException.notFound("no validation report with id '" + id + "'"));
    }

    /** Reports on a version, newest first. */
    public List<ValidationReport> reports(String name, int number) {
        DatasetVersion version = version(name, number);
        return store.read(tx -> tx.repository(ValidationRepository.class).listReports(version.id())).stream()
                .map(r -> ValidationReport.fromJson(r.report())).toList();
    }

    /** Streams the values of {@code columns} of {@code version} (as recorded at import) to {@code sink}, column by column. */
    public void scan(DatasetVersion version, List<ColumnSummary> columns, TableReader.RowSink sink) {
        requireNonNull(version, "version is null");
        withLocalCopies(List.of(version), files -> {
            reader.scan(files.get(0), version.fileName(), version.readOptions(), columns, sink);
            return null;
        });
    }

    /**
     * Lets a consumer (training, evaluation) use a version: an active one always; a quarantined
     * one only with an override reason, which is audited with the purpose.
     */
    public DatasetVersion requireUsable(Caller caller, DatasetVersion version, String purpose, Optional<String> overrideReason) {
        requireNonNull(caller, "caller is null");
        requireNonNull(purpose, "purpose is null");
        requireNonNull(overrideReason, "overrideReason is null");
        DatasetVersion current = store.read(tx -> tx.repository(DatasetRepository.class).findVersionById(version.id()))
                .orElseThrow(() -> StewardException.notFound("dataset version " + version.id() + " no longer exists"));
        if (current.status().equals(DatasetVersion.ACTIVE)) {
            return current;
        }
        String reason = overrideReason.filter(r -> !r.isBlank()).orElseThrow(() -> StewardException.invalidState("version " + current.version()
                + " of '" + current.datasetName() + "' is quarantined (see its validation reports); release it, or override with a reason to use it for "
                + purpose + " anyway"));
        if (reason.length() > MAX_REASON) {
            throw StewardException.invalid("override_reason", "an override reason of at most " + MAX_REASON + " characters is required");
        }
        store.write(tx -> {
            audit.record(tx, caller, "dataset.version.override", "dataset_version", current.id(), Map.of("dataset", current.datasetName(),
                    "version", Integer.toString(current.version()), "purpose", purpose, "reason", reason));
            return null;
        });
        return current;
    }

    /** Builds one column profile per column as the reader streams each column's values. */
    private static final class ProfileSink implements TableReader.RowSink {
        private final java.util.Map<Integer, ColumnProfile> columns = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public java.util.function.Consumer<Object> column(dev.steward.spi.data.ColumnSummary column) {
            ColumnProfile profile = new ColumnProfile(column.name(), column.type());
            columns.put(column.position(), profile);
            return profile::update;
        }

        DatasetProfile profile(TableSummary summary) {
            List<ColumnProfile> ordered = new java.util.ArrayList<>();
            for (dev.steward.spi.data.ColumnSummary column : summary.columns()) {
                ordered.add(columns.computeIfAbsent(column.position(), p -> new ColumnProfile(column.name(), column.type())));
            }
            return DatasetProfile.of(summary.rowCount(), ordered);
        }
    }

    private static String digest(Path file, String fileName) {
        try {
            return Digests.sha256Hex(file);
        } catch (IOException e) {
            throw StewardException.invalid("file", "cannot read '" + fileName + "': " + e.getMessage());
        }
    }

    private ArtifactRef storeBytes(Path file, String fileName) {
        try (InputStream in = Files.newInputStream(file)) {
            return artifacts.put(in, Long.MAX_VALUE);
        } catch (IOException e) {
            throw StewardException.invalid("file", "cannot read '" + fileName + "': " + e.getMessage());
        }
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw StewardException.invalid("name", "dataset name '" + name + "' is invalid: use 1 to 200 letters, digits, '.', '_' or '-',"
                    + " starting with a letter or digit");
        }
    }
}
