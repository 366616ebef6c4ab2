package dev.steward.core.registry.policy;

import dev.steward.core.registry.RegistryService.VersionDetails;
import dev.steward.core.training.StoredPackage;
import dev.steward.spi.Caller;
import dev.steward.spi.data.DatasetVersion;
import dev.steward.spi.registry.ApprovalRecord;
import dev.steward.spi.registry.ApprovalRequestRecord;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What criteria see when a version is promoted to an environment. */
public interface PromotionContext {
    /** Who promotes. */
    Caller caller();

    String environment();

    VersionDetails candidate();

    StoredPackage candidatePackage();

    /** The version holding the environment now, if any. */
    Optional<VersionDetails> current();

    Optional<StoredPackage> currentPackage();

    /** Metrics of a package on a dataset version, computed by Steward (or reused from an earlier identical evaluation). */
    Evaluation evaluate(StoredPackage pkg, DatasetVersion dataset);

    /** Load time and single-row latency of a package in the runtime, on rows of a dataset version. */
    Latency latency(StoredPackage pkg, DatasetVersion rows, int calls);

    /** A dataset version by id (one a policy named when it was set). */
    DatasetVersion datasetVersion(String id);

    /** The dataset versions the candidate was trained on. */
    List<DatasetVersion> trainingData();

    /** The latest validation report of a dataset version (by suite, or any), if any. */
    Optional<ValidationState> validation(DatasetVersion version, Optional<String> suite);

    /** The candidate's latest approval request for this environment and its decisions. */
    Optional<ApprovalState> approvals();

    /** An evaluation as evidence. */
    record Evaluation(String runId, Map<String, Double> metrics, boolean reused) {
        public Evaluation {
            metrics = Map.copyOf(metrics);
        }
    }

    /** Median single-row latency over {@code calls} calls and the time to load the graph. */
    record Latency(double p50Millis, double p99Millis, double loadMillis, int calls) {
    }

    /** A validation report's id and outcome. */
    record ValidationState(String reportId, String suite, boolean passed) {
    }

    /** An approval request with its decisions, oldest first. */
    record ApprovalState(ApprovalRequestRecord request, List<ApprovalRecord> decisions) {
        public ApprovalState {
            decisions = List.copyOf(decisions);
        }
    }
}
