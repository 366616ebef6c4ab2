package dev.steward.spi.gates;

import java.util.List;
import java.util.Optional;

/** Store port of statistical gates: test-set budgets and the checks that spend them. Used inside one transaction. */
public interface GateRepository {
    Optional<TestSetBudgetRecord> findBudget(String datasetVersionId);

    /** The budgets of every version of a dataset that served as a test set, oldest first. */
    List<TestSetBudgetRecord> budgetsOfDataset(String datasetName);

    void insertBudget(TestSetBudgetRecord budget);

    /**
     * Spends one step if exactly {@code expectedUsed} steps are spent, steps are left and the
     * budget is not retired (compare-and-set).
     *
     * @return false when another check spent it first, or it is spent or retired
     */
    boolean spend(String datasetVersionId, int expectedUsed);

    /** Retires a test set (its budget is spent, or hybrid adaptivity's first pass used it up); a retired one stays retired. */
    void retire(String datasetVersionId, long at, String reason);

    void insertCheck(GateCheckRecord check);

    /** Sets the run that keeps a check, once it exists. */
    void setCheckRun(String checkId, String runId);

    Optional<GateCheckRecord> findCheck(String id);

    /** The checks of a test set in step order. */
    List<GateCheckRecord> checks(String datasetVersionId);
}
