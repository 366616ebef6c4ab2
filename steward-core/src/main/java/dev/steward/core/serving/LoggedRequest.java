package dev.steward.core.serving;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.serving.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One prediction request and its answer, as handed to the {@link RequestLog}. The tensors are the
 * ones the request was decoded into and the runtime answered; nobody changes them afterwards, so
 * the log may serialise them later on its own thread.
 *
 * @param arm why this version answered: {@code pinned}, {@code weighted}, {@code sticky}, ... (the traffic decision)
 * @param caller the token's id (never its secret)
 * @param protocol {@code oip}, {@code mlflow} or {@code native}
 * @param error empty for a success; else the error kind and message
 * @param scores per-request scores added as the entry is logged (by a {@link RequestLogTap}: {@code outlier}, ...); empty when none
 */
public record LoggedRequest(String requestId, String deployment, int revision, String model, int version, String arm, String caller,
        String protocol, long receivedAtMillis, long latencyNanos, int rows, List<Tensor> inputs, Map<String, Tensor> outputs,
        Optional<String> error, Map<String, Double> scores) {
    /** An entry without scores (what the engine hands over). */
    public LoggedRequest(String requestId, String deployment, int revision, String model, int version, String arm, String caller,
            String protocol, long receivedAtMillis, long latencyNanos, int rows, List<Tensor> inputs, Map<String, Tensor> outputs,
            Optional<String> error) {
        this(requestId, deployment, revision, model, version, arm, caller, protocol, receivedAtMillis, latencyNanos, rows, inputs, outputs, error,
                Map.of());
    }

    public LoggedRequest {
        requireNonNull(requestId, "requestId is null");
        requireNonNull(deployment, "deployment is null");
        requireNonNull(model, "model is null");
        requireNonNull(arm, "arm is null");
        requireNonNull(caller, "caller is null");
        requireNonNull(protocol, "protocol is null");
        inputs = List.copyOf(inputs);
        outputs = Map.copyOf(outputs);
        requireNonNull(error, "error is null");
        scores = Map.copyOf(scores);
    }

    /** This entry with these scores (replacing any it had). */
    public LoggedRequest withScores(Map<String, Double> scores) {
        return new LoggedRequest(requestId, deployment, revision, model, version, arm, caller, protocol, receivedAtMillis, latencyNanos, rows,
                inputs, outputs, error, scores);
    }
}
