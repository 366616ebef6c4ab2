package dev.steward.core.gates;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.StewardException;

/**
 * Everything that fixes a gate's statistics: its condition, the reliability 1 − δ with which its
 * answers are right, the {@link Mode} that says which error is ruled out, the {@link Adaptivity}
 * that says what submitters learn, and the number of evaluations ({@code steps}, the paper's
 * {@code H}) one test set must serve.
 */
public record GateSettings(GateCondition condition, double reliability, Mode mode, Adaptivity adaptivity, int steps) {
    /** The most evaluations one test set may be planned for. */
    public static final int MAX_STEPS = 1024;

    public GateSettings {
        requireNonNull(condition, "condition is null");
        requireNonNull(mode, "mode is null");
        requireNonNull(adaptivity, "adaptivity is null");
        if (!(reliability > 0 && reliability < 1)) {
            throw StewardException.invalid("reliability", "must lie strictly between 0 and 1 (such as 0.999), not " + reliability);
        }
        if (steps < 1 || steps > MAX_STEPS) {
            throw StewardException.invalid("steps", "must be between 1 and " + MAX_STEPS + ", not " + steps);
        }
    }

    /**
     * Settings from their wire form: the condition's text, and the names {@code fp-free}/{@code fn-free}
     * and {@code none}/{@code hybrid}/{@code full}. Each mistake is an error for its field.
     */
    public static GateSettings of(String condition, double reliability, String mode, String adaptivity, int steps) {
        return new GateSettings(GateCondition.parse(condition), reliability, Mode.parse(mode), Adaptivity.parse(adaptivity), steps);
    }

    /** The probability δ = 1 − reliability that a decision is wrong. */
    public double delta() {
        return 1 - reliability;
    }
}
