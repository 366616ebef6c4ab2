package dev.steward.core.gates;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.StewardException;
import java.util.Locale;

/**
 * What the submitter of models learns from a gate, and so how much the test set's statistical
 * power wears off with each evaluation. Defined as in ease.ml/ci (Renggli et al., MLSys 2019,
 * sections 2 and 3): a submitter who is told outcomes can adapt the next model to the test set, so
 * the guarantee must hold over every history of outcomes the submitter could have seen. With
 * {@code H} steps (evaluations per test set) and failure probability δ, the sample size is that
 * of one evaluation at failure probability δ / histories:
 *
 * <ul>
 *   <li>{@link #NONE}: nothing reaches the submitter, so the {@code H} evaluations are independent
 *       of the test set's past answers; a union bound over {@code H} evaluations.
 *   <li>{@link #HYBRID} (the paper's {@code firstChange}): the submitter is told every outcome, but
 *       the first pass retires the test set; before it, every answer was a fail, so there are only
 *       {@code H} possible histories — the same union bound as {@link #NONE}. The price is paid in
 *       steps, not in rows: a test set may serve fewer than {@code H} evaluations.
 *   <li>{@link #FULL}: the submitter is told every outcome and the test set serves all {@code H}
 *       evaluations; a deterministic submitter can have seen any of {@code 2^H} pass/fail
 *       histories, so the union bound is over {@code 2^H}.
 * </ul>
 *
 * In every mode the test set is also used up after {@code H} evaluations, when a new one must be
 * provided; the old one may then be released to the submitter as a validation set.
 */
public enum Adaptivity {
    /**
     * No outcome is returned to the submitter: every submission is accepted for evaluation and the
     * true outcome goes to a third party (ease.ml/ci mails it to an address the developers cannot
     * read; in Steward, the gate's owner or an administrator).
     */
    NONE("none"),
    /** Every outcome is returned to the submitter, and a pass retires the test set. */
    HYBRID("hybrid"),
    /** Every outcome is returned to the submitter; only the step count retires the test set. */
    FULL("full");

    private final String wireName;

    Adaptivity(String wireName) {
        this.wireName = wireName;
    }

    /** {@code none}, {@code hybrid} or {@code full}. */
    public String wireName() {
        return wireName;
    }

    /**
     * Parses {@code none}, {@code hybrid} or {@code full} (any case); the paper's name
     * {@code firstChange} is accepted for {@code hybrid}. Anything else is an error for the field
     * {@code adaptivity}.
     */
    public static Adaptivity parse(String name) {
        requireNonNull(name, "name is null");
        String lower = name.strip().toLowerCase(Locale.ROOT);
        if (lower.equals("firstchange")) {
            return HYBRID;
        }
        for (Adaptivity adaptivity : values()) {
            if (adaptivity.wireName.equals(lower)) {
                return adaptivity;
            }
        }
        throw StewardException.invalid("adaptivity", "unknown adaptivity '" + name + "': use none, hybrid or full");
    }

    /**
     * Whether the submitter may be told this outcome. {@link #NONE} never tells (the outcome goes to
     * a third party); {@link #HYBRID} and {@link #FULL} tell every outcome.
     */
    public boolean releases(boolean passed) {
        return this != NONE;
    }

    /**
     * Whether this outcome retires the test set before its {@code H} steps are used up: only a pass
     * under {@link #HYBRID}. (Reaching {@code H} evaluations retires it in every mode.)
     */
    public boolean endsBudget(boolean passed) {
        return this == HYBRID && passed;
    }

    /** The natural logarithm of the number of histories the union bound covers over {@code steps} evaluations: ln H, or H ln 2 for {@link #FULL}. */
    public double logHistories(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1: " + steps);
        }
        return this == FULL ? steps * Math.log(2) : Math.log(steps);
    }
}
