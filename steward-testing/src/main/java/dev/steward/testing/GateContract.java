package dev.steward.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.core.audit.AuditLog;
import dev.steward.core.data.DatasetService;
import dev.steward.spi.Actor;
import dev.steward.spi.Caller;
import dev.steward.spi.ErrorCategory;
import dev.steward.spi.Role;
import dev.steward.spi.StewardException;
import dev.steward.spi.artifact.ArtifactStore;
import dev.steward.spi.data.DatasetVersion;
import dev.steward.spi.data.ReadOptions;
import dev.steward.spi.data.TableReader;
import dev.steward.spi.gates.GateCheckRecord;
import dev.steward.spi.gates.GateRepository;
import dev.steward.spi.gates.TestSetBudgetRecord;
import dev.steward.spi.store.MetadataStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Test-set budgets and gate checks on every metadata store: settings kept, steps spent by compare-and-set, retirement, checks in order. */
public abstract class GateContract {
    private static final Caller ALICE = new Caller(new Actor("tok_alice", "alice", Role.EDITOR), "0".repeat(64));

    @TempDir
    protected Path files;

    private MetadataStore store;
    private ArtifactStore artifacts;
    private DatasetService datasets;

    protected abstract MetadataStore newStore();

    protected abstract ArtifactStore newArtifactStore();

    protected abstract TableReader reader();

    @BeforeEach
    void open() {
        store = newStore();
        artifacts = newArtifactStore();
        datasets = new DatasetService(store, artifacts, reader(), new AuditLog(Clock.systemUTC()), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        store.close();
        artifacts.close();
    }

    private DatasetVersion version(String rows) throws IOException {
        Path file = files.resolve("t" + System.nanoTime() + ".csv");
        Files.writeString(file, "x,y\n" + rows);
        return datasets.importFile(ALICE, "holdout", file, "holdout.csv", ReadOptions.detect(), Optional.empty(), Map.of()).version();
    }

    private <T> T write(java.util.function.Function<GateRepository, T> work) {
        return store.write(tx -> work.apply(tx.repository(GateRepository.class)));
    }

    private <T> T read(java.util.function.Function<GateRepository, T> work) {
        return store.read(tx -> work.apply(tx.repository(GateRepository.class)));
    }

    private Optional<TestSetBudgetRecord> budgetOf(DatasetVersion v) {
        return read(r -> r.findBudget(v.id()));
    }

    private boolean spend(DatasetVersion v, int expectedUsed) {
        return write(r -> r.spend(v.id(), expectedUsed));
    }

    private java.util.List<GateCheckRecord> checksOf(DatasetVersion v) {
        return read(r -> r.checks(v.id()));
    }

    private static TestSetBudgetRecord budget(DatasetVersion v, int steps) {
        return new TestSetBudgetRecord(v.id(), v.datasetName(), v.version(), "n - o > 0.02 +/- 0.01", 0.999, "fp-free", "full", steps, 0,
                Optional.empty(), Optional.empty(), 1_000, "alice");
    }

    private static GateCheckRecord check(DatasetVersion v, int step) {
        return new GateCheckRecord("gck_" + step + v.id(), v.id(), step, "models:/m/" + step, "a".repeat(64), Optional.of("models:/m@production"),
                Optional.of("b".repeat(64)), step == 2 ? "pass" : "fail", "outcome", "{\"n\": 0.9}", Optional.empty(), 2_000 + step, "alice");
    }

    @Test
    void aBudgetKeepsItsSettingsAndIsSpentStepByStepUntilNoStepIsLeft() throws IOException {
        DatasetVersion v = version("1,a\n2,b\n");
        assertThat(budgetOf(v)).isEmpty();
        write(r -> {
            r.insertBudget(budget(v, 2));
            return null;
        });
        TestSetBudgetRecord kept = budgetOf(v).orElseThrow();
        assertThat(kept).isEqualTo(budget(v, 2));
        assertThat(kept.stepsLeft()).isEqualTo(2);

        assertThat(spend(v, 1)).as("a stale count spends nothing").isFalse();
        assertThat(spend(v, 0)).isTrue();
        assertThat(spend(v, 0)).as("the same step twice").isFalse();
        assertThat(spend(v, 1)).isTrue();
        assertThat(spend(v, 2)).as("no step is left").isFalse();
        assertThat(budgetOf(v).orElseThrow().stepsUsed()).isEqualTo(2);
        assertThat(budgetOf(v).orElseThrow().stepsLeft()).isZero();

        assertThatThrownBy(() -> write(r -> {
            r.insertBudget(budget(v, 5));
            return null;
        })).isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.code().category()).isEqualTo(ErrorCategory.CONFLICT));
    }

    @Test
    void aRetiredTestSetSpendsNoMoreStepsAndSaysWhy() throws IOException {
        DatasetVersion v = version("1,a\n");
        write(r -> {
            r.insertBudget(budget(v, 10));
            return r.spend(v.id(), 0);
        });
        write(r -> {
            r.retire(v.id(), 5_000, "hybrid: the first pass uses the test set up");
            r.retire(v.id(), 6_000, "again");
            return null;
        });
        TestSetBudgetRecord retired = budgetOf(v).orElseThrow();
        assertThat(retired.retiredAt()).contains(5_000L);
        assertThat(retired.retiredReason()).contains("hybrid: the first pass uses the test set up");
        assertThat(retired.stepsLeft()).isZero();
        assertThat(spend(v, 1)).isFalse();
    }

    @Test
    void checksAreKeptInStepOrderAndBudgetsAreFoundByDataset() throws IOException {
        DatasetVersion first = version("1,a\n");
        DatasetVersion second = version("3,c\n");
        write(r -> {
            r.insertBudget(budget(second, 3));
            r.insertBudget(budget(first, 3));
            r.insertCheck(check(first, 2));
            r.insertCheck(check(first, 1));
            r.setCheckRun(check(first, 1).id(), "run1");
            return null;
        });
        assertThat(checksOf(first)).extracting(GateCheckRecord::step).containsExactly(1, 2);
        GateCheckRecord one = this.<Optional<GateCheckRecord>>read(r -> r.findCheck(check(first, 1).id())).orElseThrow();
        assertThat(one.runId()).contains("run1");
        assertThat(one.baseline()).contains("models:/m@production");
        assertThat(one.detailsJson()).isEqualTo("{\"n\": 0.9}");
        assertThat(this.<Optional<GateCheckRecord>>read(r -> r.findCheck("gck_nothing"))).isEmpty();
        assertThat(checksOf(second)).isEmpty();
        assertThat(this.<java.util.List<TestSetBudgetRecord>>read(r -> r.budgetsOfDataset("holdout"))).extracting(TestSetBudgetRecord::datasetVersion).containsExactly(1, 2);
        assertThat(this.<java.util.List<TestSetBudgetRecord>>read(r -> r.budgetsOfDataset("other"))).isEmpty();
    }
}
