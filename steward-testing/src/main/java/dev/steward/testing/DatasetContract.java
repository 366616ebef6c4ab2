package dev.steward.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.core.audit.AuditLog;
import dev.steward.core.data.DatasetService;
import dev.steward.core.data.ImportResult;
import dev.steward.spi.Actor;
import dev.steward.spi.Caller;
import dev.steward.spi.Role;
import dev.steward.spi.StewardException;
import dev.steward.spi.artifact.ArtifactStore;
import dev.steward.spi.data.ColumnSummary;
import dev.steward.spi.data.DatasetVersion;
import dev.steward.spi.data.ReadOptions;
import dev.steward.spi.data.TableReader;
import dev.steward.spi.store.AuditQuery;
import dev.steward.spi.store.MetadataStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dataset versions on every metadata store: versions, columns, domains, subjects, dedup, quarantine. */
public abstract class DatasetContract {
    private static final Caller ALICE = new Caller(new Actor("tok_alice", "alice", Role.EDITOR), "a".repeat(64));

    @TempDir
    protected Path files;

    protected MetadataStore store;
    protected ArtifactStore artifacts;
    protected DatasetService datasets;
    private AuditLog audit;

    protected abstract MetadataStore newStore();

    protected abstract ArtifactStore newArtifactStore();

    protected abstract TableReader reader();

    @BeforeEach
    void open() {
        store = newStore();
        artifacts = newArtifactStore();
        audit = new AuditLog(Clock.systemUTC());
        datasets = new DatasetService(store, artifacts, reader(), audit, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        store.close();
        artifacts.close();
    }

    @Test
    void storesVersionsWithTheirColumnsDomainsAndProfiles() {
        ImportResult first = importText("shop", "orders.csv", "id,kind,price,paid\n1,book,12.5,true\n2,pen,,false\n3,book,7.25,true\n");

        DatasetVersion version = datasets.version("shop", 1);
        assertThat(version).isEqualTo(first.version());
        assertThat(version.rowCount()).isEqualTo(3);
        ColumnSummary price = version.columns().get(2);
        assertThat(price.nullCount()).isEqualTo(1);
        assertThat(price.mean().getAsDouble()).isEqualTo(9.875);
        assertThat(version.columns().get(1).domain()).contains(List.of("book", "pen"));
        assertThat(datasets.profile(version).rows()).isEqualTo(3);
        assertThat(datasets.list()).extracting(d -> d.name() + ":" + d.latestVersion()).containsExactly("shop:1");
    }

    @Test
    void identicalContentIsOneVersionAndNewContentTheNext() {
        ImportResult first = importText("shop", "a.csv", "x\n1\n");
        ImportResult again = importText("shop", "b.csv", "x\n1\n");
        ImportResult next = importText("shop", "c.csv", "x\n2\n");

        assertThat(again.created()).isFalse();
        assertThat(again.version().id()).isEqualTo(first.version().id());
        assertThat(next.version().version()).isEqualTo(2);
        assertThat(datasets.versionsByDigest(first.version().sha256())).hasSize(1);
        assertThat(audit.find(store, AuditQuery.all(100))).extracting(e -> e.action())
                .containsExactly("dataset.create", "dataset.version.create", "dataset.version.create");
    }

    @Test
    void indexesSubjectsAcrossVersions() {
        ReadOptions bySubject = new ReadOptions(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("who"));
        datasets.importFile(ALICE, "people", write("p1.csv", "who,score\nann,1\nbob,2\n"), "p1.csv", bySubject, Optional.empty(), Map.of());
        datasets.importFile(ALICE, "people", write("p2.csv", "who,score\nbob,3\n"), "p2.csv", bySubject, Optional.empty(), Map.of());

        assertThat(datasets.versionsWithSubject("bob")).extracting(DatasetVersion::version).containsExactlyInAnyOrder(1, 2);
        assertThat(datasets.versionsWithSubject("ann")).extracting(DatasetVersion::version).containsExactly(1);
        assertThat(datasets.versionsWithSubject("nobody")).isEmpty();
    }

    @Test
    void quarantineIsAuditedAndAFailedImportLeavesNothing() {
        importText("q", "q.csv", "a\n1\n");
        datasets.quarantine(ALICE, "q", 1, "bad upstream export");
        assertThat(datasets.version("q", 1).status()).isEqualTo(DatasetVersion.QUARANTINED);
        assertThatThrownBy(() -> datasets.quarantine(ALICE, "q", 1, "again")).isInstanceOf(StewardException.class);

        assertThatThrownBy(() -> importText("q", "ragged.csv", "a,b\n1,2\n3\n")).isInstanceOf(StewardException.class);
        assertThat(datasets.versions("q")).hasSize(1);
    }

    @Test
    void suitesAreVersionedAndAFailedSuiteQuarantinesUntilAnAuditedOverride() {
        importText("v", "v.csv", "id,score\n1,0.5\n2,\n3,0.9\n");
        String strict = "name: strict\nchecks:\n  - {check: completeness, column: score, min: 1.0}\n  - {check: uniqueness, column: id}\n";
        assertThat(datasets.addSuite(ALICE, strict).record().version()).isEqualTo(1);
        assertThat(datasets.addSuite(ALICE, strict).created()).isFalse();
        assertThat(datasets.addSuite(ALICE, strict + "  - {check: row_count, min: 1}\n").record().version()).isEqualTo(2);
        assertThat(datasets.suites()).extracting(s -> s.name() + "@" + s.version()).containsExactly("strict@2");
        assertThat(datasets.suite("strict", 1).definition()).isEqualTo(strict);

        var report = datasets.validate(ALICE, "v", 1, "strict", 1);
        assertThat(report.passed()).isFalse();
        assertThat(report.quarantined()).isTrue();
        assertThat(report.checks()).extracting(c -> c.kind() + ":" + c.passed()).containsExactly("completeness:false", "uniqueness:true");
        assertThat(datasets.reports("v", 1)).extracting(r -> r.id()).containsExactly(report.id());
        assertThat(datasets.report(report.id()).toJsonText()).isEqualTo(report.toJsonText());

        DatasetVersion quarantined = datasets.version("v", 1);
        assertThat(quarantined.status()).isEqualTo(DatasetVersion.QUARANTINED);
        assertThatThrownBy(() -> datasets.requireUsable(ALICE, quarantined, "training", Optional.empty()))
                .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.code().name()).isEqualTo("INVALID_STATE"))
                .hasMessageContaining("is quarantined");
        assertThat(datasets.requireUsable(ALICE, quarantined, "training", Optional.of("missing scores are imputed")).id())
                .isEqualTo(quarantined.id());
        var overrides = audit.find(store, new AuditQuery(Optional.empty(), Optional.of(quarantined.id()), Optional.empty(),
                Optional.of("dataset.version.override"), Optional.empty(), Optional.empty(), Optional.empty(), false, 10));
        assertThat(overrides).singleElement().satisfies(e -> assertThat(e.details()).contains("\"reason\":\"missing scores are imputed\"")
                .contains("\"purpose\":\"training\""));
        assertThat(audit.verify(store).intact()).isTrue();
    }

    @Test
    void reimportsReadTheStoredFileWithItsImportOptions() {
        DatasetVersion semicolons = datasets.importFile(ALICE, "semi", write("semi.txt", "1;2\n3;4\n5;6\n"), "semi.txt",
                new ReadOptions(Optional.of(dev.steward.spi.data.DataFormat.CSV), Optional.of(';'), Optional.empty(), Optional.of(false),
                        Optional.empty()), Optional.empty(), Map.of()).version();
        assertThat(datasets.version("semi", 1).readOptions().delimiter()).contains(';');
        assertThat(datasets.version("semi", 1).readOptions().header()).contains(false);

        var comparison = datasets.compare("semi", 1, 1, dev.steward.core.data.compare.DriftOptions.DEFAULTS);
        assertThat(comparison.columns()).hasSize(semicolons.columns().size());
        assertThat(comparison.columns()).allSatisfy(c -> assertThat(c.pValue()).hasValue(1.0));
    }

    @Test
    void garbageCollectionDeletesOnlyBlobsNothingRefersToAndAFailedImportLeavesNone() {
        DatasetVersion version = importText("gc", "gc.csv", "a,b\n1,2\n3,4\n").version();
        assertThatThrownBy(() -> importText("gc", "ragged.csv", "a,b\n1,2\n3\n")).isInstanceOf(StewardException.class);
        String logged = artifacts.put(new java.io.ByteArrayInputStream("a run's file".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                100).sha256();
        store.write(tx -> {
            tx.repository(dev.steward.spi.tracking.TrackingRepository.class).putArtifactFile(new dev.steward.spi.tracking.ArtifactFile(
                    "0/run/artifacts/file.txt", logged, 12, 1));
            return null;
        });
        String orphan = artifacts.put(new java.io.ByteArrayInputStream("uploaded, never used".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                100).sha256();
        // Collect as if a minute had passed, so that every blob so far is past a zero grace.
        dev.steward.core.artifacts.ArtifactCollector collector = new dev.steward.core.artifacts.ArtifactCollector(store, artifacts, audit,
                Clock.offset(Clock.systemUTC(), java.time.Duration.ofMinutes(1)));

        var dryRun = collector.collect(ALICE, java.time.Duration.ZERO, true);
        assertThat(dryRun.blobsScanned()).as("the version's file and profile, the run's file, the orphan").isEqualTo(4);
        assertThat(dryRun.orphans()).extracting(b -> b.ref().sha256()).containsExactly(orphan);
        assertThat(dryRun.deleted()).isZero();
        assertThat(artifacts.stat(orphan)).isPresent();
        assertThat(collector.collect(ALICE, java.time.Duration.ofHours(1), false).orphansFound()).as("younger than the grace").isZero();

        var collected = collector.collect(ALICE, java.time.Duration.ZERO, false);

        assertThat(collected.deleted()).isEqualTo(1);
        assertThat(artifacts.stat(orphan)).isEmpty();
        assertThat(artifacts.stat(logged)).isPresent();
        assertThat(artifacts.stat(version.sha256())).isPresent();
        assertThat(artifacts.stat(version.profileSha256().orElseThrow())).isPresent();
        assertThat(audit.find(store, new AuditQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("artifacts.gc"),
                Optional.empty(), Optional.empty(), Optional.empty(), false, 10))).as("every collection that deleted or could have").hasSize(2);
    }

    private ImportResult importText(String dataset, String name, String content) {
        return datasets.importFile(ALICE, dataset, write(name, content), name, ReadOptions.detect(), Optional.empty(), Map.of());
    }

    private Path write(String name, String content) {
        try {
            return Files.writeString(files.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
