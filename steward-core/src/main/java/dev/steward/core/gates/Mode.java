package dev.steward.core.gates;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.StewardException;
import java.util.Locale;

/**
 * Which error a gate rules out. A clause's estimate lies within its tolerance of the true value
 * with the gate's reliability, so a clause is clearly true (the whole interval estimate ± tolerance
 * is on the right side of the threshold), clearly false (the whole interval is on the wrong side)
 * or unknown. The mode decides the unknown case, as ease.ml/ci's Appendix A.2 defines it.
 */
public enum Mode {
    /**
     * No false pass: unknown counts as a fail, so a clause passes only when its estimate clears the
     * threshold by more than the tolerance. With the gate's reliability, nothing that passes is
     * truly below the bar; a model whose true value lies within the tolerance of the threshold may
     * be refused.
     */
    FP_FREE("fp-free"),
    /**
     * No false fail: unknown counts as a pass, so a clause fails only when its estimate misses the
     * threshold by more than the tolerance. With the gate's reliability, nothing that fails truly
     * meets the bar; a model up to one tolerance short of the threshold may pass.
     */
    FN_FREE("fn-free");

    private final String wireName;

    Mode(String wireName) {
        this.wireName = wireName;
    }

    /** {@code fp-free} or {@code fn-free}. */
    public String wireName() {
        return wireName;
    }

    /** Parses {@code fp-free} or {@code fn-free} (any case); anything else is an error for the field {@code mode}. */
    public static Mode parse(String name) {
        requireNonNull(name, "name is null");
        String lower = name.strip().toLowerCase(Locale.ROOT);
        for (Mode mode : values()) {
            if (mode.wireName.equals(lower)) {
                return mode;
            }
        }
        throw StewardException.invalid("mode", "unknown mode '" + name + "': use fp-free (no false pass) or fn-free (no false fail)");
    }

    /**
     * Whether a clause passes, given the interval {@code [lower, upper]} (its estimate ± tolerance).
     * fp-free asks the interval to be strictly on the right side of the threshold; fn-free fails
     * only when the interval is strictly on the wrong side.
     */
    public boolean passes(Comparison comparison, double lower, double upper, double threshold) {
        requireNonNull(comparison, "comparison is null");
        return switch (this) {
            case FP_FREE -> comparison == Comparison.GREATER ? lower > threshold : upper < threshold;
            case FN_FREE -> comparison == Comparison.GREATER ? upper >= threshold : lower <= threshold;
        };
    }
}
