package dev.steward.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.spi.ErrorCategory;
import dev.steward.spi.StewardException;
import dev.steward.spi.serving.DeploymentRecord;
import dev.steward.spi.serving.DeploymentRepository;
import dev.steward.spi.serving.DeploymentRevisionRecord;
import dev.steward.spi.store.MetadataStore;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Deployment heads and revisions on every metadata store: compare-and-set changes, soft deletion, a name used again. */
public abstract class DeploymentContract {
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

    private <T> T write(Function<DeploymentRepository, T> work) {
        return store.write(tx -> work.apply(tx.repository(DeploymentRepository.class)));
    }

    private Optional<DeploymentRecord> find(String name) {
        return store.read(tx -> tx.repository(DeploymentRepository.class).find(name));
    }

    private List<DeploymentRecord> all() {
        return store.read(tx -> tx.repository(DeploymentRepository.class).list());
    }

    private List<DeploymentRevisionRecord> revisions(String id) {
        return store.read(tx -> tx.repository(DeploymentRepository.class).revisions(id));
    }

    private boolean update(DeploymentRecord expected, DeploymentRecord next) {
        return write(r -> r.update(expected, next));
    }

    private Optional<DeploymentRevisionRecord> revisionOf(String id, int revision) {
        return store.read(tx -> tx.repository(DeploymentRepository.class).revision(id, revision));
    }

    private static DeploymentRecord head(String id, String name, int revision, boolean stopped, long changedAt, Optional<Long> deletedAt) {
        return new DeploymentRecord(id, name, revision, "{\"r\":" + revision + "}", stopped, stopped ? Optional.of("halt") : Optional.empty(), 100,
                "alice", changedAt, deletedAt);
    }

    private static DeploymentRevisionRecord revision(String id, int revision, String change) {
        return new DeploymentRevisionRecord(id, revision, "{\"r\":" + revision + "}", change, Optional.of("why " + revision),
                change.equals(DeploymentRevisionRecord.RESTORE) ? Optional.of(1) : Optional.empty(), 100 + revision, "tok_a", "alice");
    }

    @Test
    void aHeadChangesOnlyFromTheStateItWasReadInAndKeepsEveryRevision() {
        DeploymentRecord first = head("dep_1", "api", 1, false, 100, Optional.empty());
        write(r -> {
            r.insert(first);
            r.insertRevision(revision("dep_1", 1, DeploymentRevisionRecord.CREATE));
            return null;
        });
        assertThat(find("api")).contains(first);
        DeploymentRecord second = head("dep_1", "api", 2, false, 200, Optional.empty());
        assertThat(update(first, second)).isTrue();
        assertThat(update(first, head("dep_1", "api", 2, true, 300, Optional.empty()))).as("a stale head changes nothing").isFalse();
        DeploymentRecord stopped = head("dep_1", "api", 2, true, 300, Optional.empty());
        assertThat(update(second, stopped)).isTrue();
        assertThat(find("api").orElseThrow().stopReason()).contains("halt");
        write(r -> {
            r.insertRevision(revision("dep_1", 2, DeploymentRevisionRecord.UPDATE));
            r.insertRevision(revision("dep_1", 3, DeploymentRevisionRecord.RESTORE));
            return null;
        });
        assertThat(revisions("dep_1")).extracting(DeploymentRevisionRecord::change).containsExactly("create", "update", "restore");
        assertThat(revisions("dep_1").get(2).restoredFrom()).contains(1);
        assertThat(revisionOf("dep_1", 2)).contains(revision("dep_1", 2, "update"));
        assertThat(revisionOf("dep_1", 9)).isEmpty();
    }

    @Test
    void aDeletedDeploymentIsGoneFromListsAndItsNameCanBeUsedAgain() {
        DeploymentRecord a = head("dep_a", "api", 1, false, 100, Optional.empty());
        write(r -> {
            r.insert(a);
            r.insert(head("dep_b", "batch", 1, false, 100, Optional.empty()));
            return null;
        });
        assertThatThrownBy(() -> write(r -> {
            r.insert(head("dep_c", "api", 1, false, 100, Optional.empty()));
            return null;
        })).isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.code().category()).isEqualTo(ErrorCategory.CONFLICT));
        assertThat(update(a, head("dep_a", "api", 1, false, 200, Optional.of(200L)))).isTrue();
        assertThat(find("api")).isEmpty();
        assertThat(all()).extracting(DeploymentRecord::name).containsExactly("batch");
        write(r -> {
            r.insert(head("dep_c", "api", 1, false, 300, Optional.empty()));
            return null;
        });
        assertThat(find("api").orElseThrow().id()).isEqualTo("dep_c");
    }
}
