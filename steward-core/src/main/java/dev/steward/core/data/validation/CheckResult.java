package dev.steward.core.data.validation;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The outcome of one check.
 *
 * @param observed what was measured: a number, a list or a mapping; empty when nothing could be measured
 * @param expected what the check asked for, in words
 * @param message one sentence for humans, naming the column and both values
 */
public record CheckResult(int index, String kind, Optional<String> label, Optional<String> column, String severity, boolean passed,
        Optional<Object> observed, String expected, String message) {
    public CheckResult {
        requireNonNull(kind, "kind is null");
        requireNonNull(label, "label is null");
        requireNonNull(column, "column is null");
        requireNonNull(severity, "severity is null");
        requireNonNull(observed, "observed is null");
        requireNonNull(expected, "expected is null");
        requireNonNull(message, "message is null");
    }

    /** A failed check of severity error fails the suite; a warning does not. */
    public boolean failsSuite() {
        return !passed && severity.equals("error");
    }
}
