package dev.steward.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.spi.ErrorCategory;
import dev.steward.spi.StewardException;
import dev.steward.spi.artifact.ArtifactReferences;
import dev.steward.spi.monitoring.MonitorAlertRecord;
import dev.steward.spi.monitoring.MonitorRecord;
import dev.steward.spi.monitoring.MonitorRepository;
import dev.steward.spi.monitoring.MonitorRevisionRecord;
import dev.steward.spi.monitoring.MonitorRunRecord;
import dev.steward.spi.monitoring.MonitorWindowRecord;
import dev.steward.spi.monitoring.WindowLabelsRecord;
import dev.steward.spi.monitoring.WindowPartRecord;
import dev.steward.spi.store.MetadataStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The monitoring store on every backend: monitor heads changed by compare-and-set and kept when
 * deleted, revisions, windows claimed by their number (a second claim changes nothing), their
 * profiles' bytes read back exactly, paging newest first, the window holding a time, replicas'
 * parts, labels added to atomically, on-demand runs replaced, alerts with one firing per rule, and
 * the reference digests known to garbage collection.
 */
public abstract class MonitorContract {
    private static final String SHA_1 = "a".repeat(64);
    private static final String SHA_2 = "b".repeat(64);

    private MetadataStore store;

    protected abstract MetadataStore newStore();

    @BeforeEach
    void open() {
        store = newStore();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private <T> T write(Function<MonitorRepository, T> work) {
        return store.write(tx -> work.apply(tx.repository(MonitorRepository.class)));
    }

    private <T> T read(Function<MonitorRepository, T> work) {
        return store.read(tx -> work.apply(tx.repository(MonitorRepository.class)));
    }

    private static MonitorRecord monitor(String deployment, int revision, String sha256, long updatedAt, boolean deleted) {
        return new MonitorRecord(deployment, revision, "{\"window\":{\"requests\":" + (100 * revision) + "}}", "weather", revision, sha256, 1461,
                "[\"temp_max\",\"wind\"]", 1_000, "tok_alice", updatedAt, "tok_bob", deleted);
    }

    private static MonitorWindowRecord window(String deployment, long number, long start, long end) {
        return new MonitorWindowRecord(deployment, 1, number, start, end, 40, "evaluated", "{\"window\":" + number + "}", "live", 1, end + 5,
                "replica-a");
    }

    private static WindowPartRecord part(String deployment, long window, String replica, byte[] profile) {
        return new WindowPartRecord(deployment, 2, window, replica, window * 1000, window * 1000 + 1000, profile.length, profile, window * 1000 + 1500);
    }

    private static MonitorAlertRecord alert(String id, String rule, long firedAt) {
        return new MonitorAlertRecord(id, "weather-api", 1, rule, MonitorAlertRecord.FIRING, firedAt, Optional.empty(), 3, 3, Optional.empty(),
                "{\"window\":3,\"metric\":\"drifted_features\",\"value\":2,\"condition\":\"drifted_features >= 2\"}", "[]");
    }

    @Test
    void aMonitorHeadChangesOnlyFromTheRevisionItWasReadAtAndKeepsItsRowWhenDeleted() {
        MonitorRecord first = monitor("weather-api", 1, SHA_1, 1_000, false);
        write((MonitorRepository r) -> {
            r.insert(first);
            r.insert(monitor("penguins-api", 1, SHA_1, 1_000, false));
            return null;
        });
        assertThat(read((MonitorRepository r) -> r.find("weather-api"))).contains(first);
        assertThatThrownBy(() -> write((MonitorRepository r) -> {
            r.insert(monitor("weather-api", 1, SHA_1, 1_000, false));
            return null;
        })).isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.code().category()).isEqualTo(ErrorCategory.CONFLICT));

        MonitorRecord second = monitor("weather-api", 2, SHA_2, 2_000, false);
        boolean moved = write((MonitorRepository r) -> r.update(first, second));
        boolean stale = write((MonitorRepository r) -> r.update(first, monitor("weather-api", 2, SHA_1, 2_500, false)));
        assertThat(moved).isTrue();
        assertThat(stale).as("a second writer that read revision 1 loses").isFalse();
        assertThat(read((MonitorRepository r) -> r.find("weather-api"))).contains(second);

        MonitorRecord deleted = monitor("weather-api", 2, SHA_2, 3_000, true);
        assertThat(write((MonitorRepository r) -> r.update(second, deleted))).isTrue();
        assertThat(read((MonitorRepository r) -> r.find("weather-api"))).isEmpty();
        assertThat(read((MonitorRepository r) -> r.findAny("weather-api"))).contains(deleted);
        assertThat(read(MonitorRepository::list)).extracting(MonitorRecord::deployment).containsExactly("penguins-api");
        MonitorRecord again = monitor("weather-api", 3, SHA_1, 4_000, false);
        assertThat(write((MonitorRepository r) -> r.update(deleted, again))).as("created again: its revisions go on").isTrue();
        assertThat(read(MonitorRepository::list)).extracting(MonitorRecord::deployment).containsExactly("penguins-api", "weather-api");
    }

    @Test
    void revisionsAreReadBackOldestFirstWithEveryField() {
        MonitorRevisionRecord one = new MonitorRevisionRecord("weather-api", 1, "{}", "weather", 1, SHA_1, 1461, "[\"wind\"]",
                MonitorRevisionRecord.CREATE, Optional.empty(), 10, "tok_alice", "alice");
        MonitorRevisionRecord two = new MonitorRevisionRecord("weather-api", 2, "{\"features\":[]}", "weather", 2, SHA_2, 1500, "[]",
                MonitorRevisionRecord.UPDATE, Optional.of("winter is coming"), 20, "tok_bob", "bob");
        write((MonitorRepository r) -> {
            r.insertRevision(two);
            r.insertRevision(one);
            return null;
        });

        assertThat(read((MonitorRepository r) -> r.revisions("weather-api"))).containsExactly(one, two);
        assertThat(read((MonitorRepository r) -> r.revision("weather-api", 2))).contains(two);
        assertThat(read((MonitorRepository r) -> r.revision("weather-api", 3))).isEmpty();
        assertThat(read((MonitorRepository r) -> r.revisions("other"))).isEmpty();
    }

    @Test
    void aWindowNumberIsClaimedOnceAndItsProfileBytesReadBackExactly() {
        byte[] profile = new byte[70_000];
        for (int i = 0; i < profile.length; i++) {
            profile[i] = (byte) (i * 31 + 7);
        }
        MonitorWindowRecord w = window("weather-api", 0, 100, 200);
        boolean first = write((MonitorRepository r) -> r.insertWindow(w, profile));
        boolean second = write((MonitorRepository r) -> r.insertWindow(new MonitorWindowRecord("weather-api", 2, 0, 150, 250, 1, "too_small", "{}", "live", 2, 300,
                "replica-b"), new byte[] {1}));

        assertThat(first).isTrue();
        assertThat(second).as("replica b lost the claim").isFalse();
        assertThat(read((MonitorRepository r) -> r.window("weather-api", 0))).contains(w);
        assertThat(read((MonitorRepository r) -> r.profile("weather-api", 0))).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(profile));
        assertThat(read((MonitorRepository r) -> r.profile("weather-api", 1))).isEmpty();

    }

    @Test
    void windowsArePagedNewestFirstAndFoundByTheTimeTheyHold() {
        assertThat(read((MonitorRepository r) -> r.lastWindow("weather-api"))).isEmpty();
        write((MonitorRepository r) -> {
            for (long n = 0; n < 5; n++) {
                r.insertWindow(window("weather-api", n, n * 100, n * 100 + 100), new byte[] {(byte) n});
            }
            r.insertWindow(window("other-api", 7, 0, 1000), new byte[0]);
            return null;
        });

        assertThat(read((MonitorRepository r) -> r.windows("weather-api", Optional.empty(), 3))).extracting(MonitorWindowRecord::window).containsExactly(4L, 3L, 2L);
        assertThat(read((MonitorRepository r) -> r.windows("weather-api", Optional.of(2L), 10))).extracting(MonitorWindowRecord::window).containsExactly(1L, 0L);
        assertThat(read((MonitorRepository r) -> r.lastWindow("weather-api"))).isEqualTo(OptionalLong.of(4));
        assertThat(read((MonitorRepository r) -> r.windowAt("weather-api", 250))).map(MonitorWindowRecord::window).contains(2L);
        assertThat(read((MonitorRepository r) -> r.windowAt("weather-api", 300))).as("the end is exclusive").map(MonitorWindowRecord::window).contains(3L);
        assertThat(read((MonitorRepository r) -> r.windowAt("weather-api", 500))).isEmpty();
        assertThat(read((MonitorRepository r) -> r.windowAt("weather-api", -1))).isEmpty();
    }

    @Test
    void eachReplicaStoresItsPartOfATimeWindowOnceAndUnclosedPartsAreThoseWithoutAWindowRow() {
        List<Boolean> stored = write((MonitorRepository r) -> List.of(r.insertPart(part("weather-api", 5, "replica-b", new byte[] {2, 2})),
                r.insertPart(part("weather-api", 5, "replica-a", new byte[] {1})), r.insertPart(part("weather-api", 5, "replica-a", new byte[] {9})),
                r.insertPart(part("weather-api", 6, "replica-a", new byte[] {3})), r.insertPart(part("other-api", 5, "replica-a", new byte[] {4}))));
        assertThat(stored).containsExactly(true, true, false, true, true);

        List<WindowPartRecord> parts = read((MonitorRepository r) -> r.parts("weather-api", 2, 5));
        assertThat(parts).extracting(WindowPartRecord::replicaId).containsExactly("replica-a", "replica-b");
        assertThat(parts.get(0).profile()).containsExactly(1);
        assertThat(parts.get(1).profile()).containsExactly(2, 2);
        assertThat(parts.get(1).startMillis()).isEqualTo(5_000);
        assertThat(parts.get(1).endMillis()).isEqualTo(6_000);
        assertThat(read((MonitorRepository r) -> r.parts("weather-api", 1, 5))).as("another revision").isEmpty();
        assertThat(read((MonitorRepository r) -> r.unclosedParts("weather-api"))).extracting(WindowPartRecord::window).containsExactly(5L, 5L, 6L);

        write((MonitorRepository r) -> r.insertWindow(window("weather-api", 5, 5_000, 6_000), new byte[] {1, 2, 2}));
        assertThat(read((MonitorRepository r) -> r.unclosedParts("weather-api"))).extracting(WindowPartRecord::window).containsExactly(6L);
    }

    @Test
    void labelsAreAddedToAtomicallyPerWindowAndClass() {
        assertThat(read((MonitorRepository r) -> r.labels("weather-api", 3))).isEmpty();
        write((MonitorRepository r) -> {
            r.addLabels(new WindowLabelsRecord("weather-api", 3, 2, 1, 0, Map.of("rain", 1L, "sun", 1L)));
            r.addLabels(new WindowLabelsRecord("weather-api", 3, 1, 1, 0, Map.of("rain", 1L)));
            return null;
        });
        write((MonitorRepository r) -> {
            r.addLabels(new WindowLabelsRecord("weather-api", 3, 1, 0, 0, Map.of("fog", 1L)));
            r.addLabels(new WindowLabelsRecord("weather-api", 4, 2, 0, 1.5, Map.of()));
            return null;
        });

        assertThat(read((MonitorRepository r) -> r.labels("weather-api", 3))).contains(new WindowLabelsRecord("weather-api", 3, 4, 2, 0, Map.of("rain", 2L, "sun", 1L,
                "fog", 1L)));
        assertThat(read((MonitorRepository r) -> r.labels("weather-api", 4))).contains(new WindowLabelsRecord("weather-api", 4, 2, 0, 1.5, Map.of()));
    }

    @Test
    void theLatestRunReplacesTheOneBefore() {
        write((MonitorRepository r) -> {
            r.putRun(new MonitorRunRecord("weather-api", 1, "{\"rows\":10}", 100, "tok_alice"));
            return null;
        });
        write((MonitorRepository r) -> {
            r.putRun(new MonitorRunRecord("weather-api", 2, "{\"rows\":20}", 200, "tok_bob"));
            return null;
        });

        assertThat(read((MonitorRepository r) -> r.run("weather-api"))).contains(new MonitorRunRecord("weather-api", 2, "{\"rows\":20}", 200, "tok_bob"));
        assertThat(read((MonitorRepository r) -> r.run("other-api"))).isEmpty();
    }

    @Test
    void aRuleHasOneFiringAlertAtATimeAndAlertsMoveByCompareAndSet() {
        MonitorAlertRecord drift = alert("alr_0000000000000001", "drift", 100);
        List<Boolean> inserted = write((MonitorRepository r) -> List.of(r.insertAlert(drift), r.insertAlert(alert("alr_0000000000000002", "drift", 110)),
                r.insertAlert(alert("alr_0000000000000003", "accuracy", 120))));
        assertThat(inserted).containsExactly(true, false, true);
        assertThat(read((MonitorRepository r) -> r.firing("weather-api", "drift"))).contains(drift);
        assertThat(read((MonitorRepository r) -> r.alert("alr_0000000000000001"))).contains(drift);

        MonitorAlertRecord acted = new MonitorAlertRecord(drift.id(), drift.deployment(), 1, "drift", MonitorAlertRecord.FIRING, 100, Optional.empty(),
                3, 4, Optional.empty(), drift.evidenceJson(), "[{\"action\":\"retrain\",\"outcome\":\"submitted\",\"job\":\"job_1\"}]");
        assertThat(write((MonitorRepository r) -> r.updateAlert(drift, acted))).isTrue();
        assertThat(write((MonitorRepository r) -> r.updateAlert(drift, acted))).as("read before the change: loses").isFalse();
        MonitorAlertRecord resolved = new MonitorAlertRecord(drift.id(), drift.deployment(), 1, "drift", MonitorAlertRecord.RESOLVED, 100,
                Optional.of(300L), 3, 4, Optional.of(5L), drift.evidenceJson(), acted.actionsJson());
        assertThat(write((MonitorRepository r) -> r.updateAlert(acted, resolved))).isTrue();
        assertThat(read((MonitorRepository r) -> r.alert(drift.id()))).contains(resolved);
        assertThat(read((MonitorRepository r) -> r.firing("weather-api", "drift"))).isEmpty();
        assertThat(write((MonitorRepository r) -> r.insertAlert(alert("alr_0000000000000004", "drift", 400)))).as("fires again once resolved").isTrue();

        assertThat(read((MonitorRepository r) -> r.alerts(Optional.empty(), Optional.empty(), 10))).extracting(MonitorAlertRecord::id)
                .containsExactly("alr_0000000000000004", "alr_0000000000000003", "alr_0000000000000001");
        assertThat(read((MonitorRepository r) -> r.alerts(Optional.of("weather-api"), Optional.of(MonitorAlertRecord.RESOLVED), 10))).containsExactly(resolved);
        assertThat(read((MonitorRepository r) -> r.alerts(Optional.of("weather-api"), Optional.of(MonitorAlertRecord.FIRING), 1))).extracting(MonitorAlertRecord::id)
                .containsExactly("alr_0000000000000004");
        assertThat(read((MonitorRepository r) -> r.alerts(Optional.of("other-api"), Optional.empty(), 10))).isEmpty();
    }

    @Test
    void referenceDigestsOfMonitorsAndTheirRevisionsAreKnownToGarbageCollection() {
        String revisionOnly = "c".repeat(64);
        write((MonitorRepository r) -> {
            r.insert(monitor("weather-api", 1, SHA_1, 1_000, false));
            r.insertRevision(new MonitorRevisionRecord("weather-api", 1, "{}", "weather", 1, revisionOnly, 10, "[]", MonitorRevisionRecord.CREATE,
                    Optional.empty(), 10, "tok_alice", "alice"));
            return null;
        });

        Set<String> referenced = store.read(tx -> tx.repository(ArtifactReferences.class).referenced(List.of(SHA_1, revisionOnly, SHA_2)));
        assertThat(referenced).containsExactlyInAnyOrder(SHA_1, revisionOnly);
    }
}
