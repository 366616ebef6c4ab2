package dev.steward.core.serving;

/**
 * Where the serving engine reports every answered classification or regression request, so that
 * feedback (ground truth, rewards) sent later can be joined to what was predicted. Implementations
 * keep a bounded in-memory index of recent predictions: {@link #record} never blocks, never
 * throws on a well-formed prediction, and costs about a map insertion. Thread-safe.
 */
public interface PredictionRecorder {
    /** Remembers a prediction (the newest one wins when a request id is recorded twice for a deployment). */
    void record(RecordedPrediction prediction);

    /** A recorder that keeps nothing (tests; serving without feedback). */
    PredictionRecorder NONE = prediction -> {};
}
