package dev.steward.core.data;

import static java.util.Objects.requireNonNull;

import dev.steward.core.audit.AuditLog;
import dev.steward.core.data.profile.ColumnProfile;
import dev.steward.core.data.profile.DatasetProfile;
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
        ArtifactRef ref = storeBytes(file, fileName);
        Optional<DatasetVersion> existing = store.read(tx -> tx.repository(DatasetRepository.class).findVersionsByDigest(ref.sha256())
                .stream().filter(v -> v.datasetName().equals(datasetName)).findFirst());
        if (existing.isPresent()) {
            return new ImportResult(existing.get(), false);
        }
        Set<String> subjects = new HashSet<>();
        ProfileSink profiler = new ProfileSink();
        TableSummary summary = reader.read(file, fileName, options, subjects::add, profiler);
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
                    options.subjectColumn(),
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
