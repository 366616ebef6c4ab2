package dev.steward.core.gates;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.StewardException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * One clause of a {@link GateCondition}: a linear expression over {@link Variable}s compared with a
 * threshold, give or take a tolerance, such as {@code n - o > 0.02 +/- 0.01}. The tolerance is the
 * error the estimate of the left-hand side may have; the sample size is chosen so that it has no
 * more, with the gate's reliability.
 *
 * @param coefficients each variable's coefficient; at least one, none zero, in {@link Variable} order
 * @param comparison whether the left-hand side must exceed or stay below the threshold
 * @param threshold the right-hand side
 * @param tolerance the allowed estimation error, strictly between 0 and 1
 * @param text the clause as written
 */
public record Clause(Map<Variable, Double> coefficients, Comparison comparison, double threshold, double tolerance, String text) {
    public Clause {
        requireNonNull(coefficients, "coefficients is null");
        requireNonNull(comparison, "comparison is null");
        requireNonNull(text, "text is null");
        if (coefficients.isEmpty()) {
            throw StewardException.invalid("condition", "a clause needs at least one variable (n, o or d): " + text);
        }
        EnumMap<Variable, Double> copy = new EnumMap<>(Variable.class);
        coefficients.forEach((variable, coefficient) -> {
            requireNonNull(variable, "variable is null");
            requireNonNull(coefficient, "coefficient is null");
            if (coefficient == 0 || !Double.isFinite(coefficient)) {
                throw StewardException.invalid("condition", "the coefficient of " + variable.symbol() + " must be a non-zero number, not "
                        + coefficient + ": " + text);
            }
            copy.put(variable, coefficient);
        });
        coefficients = Collections.unmodifiableMap(copy);
        if (!Double.isFinite(threshold)) {
            throw StewardException.invalid("condition", "the threshold must be a number, not " + threshold + ": " + text);
        }
        if (!(tolerance > 0 && tolerance < 1)) {
            throw StewardException.invalid("condition", "the tolerance must lie strictly between 0 and 1, not " + tolerance + ": " + text);
        }
    }

    /** The variables the clause uses, in {@link Variable} order. */
    public Set<Variable> variables() {
        return coefficients.keySet();
    }

    /** The coefficient of a variable; 0 when the clause does not use it. */
    public double coefficient(Variable variable) {
        return coefficients.getOrDefault(variable, 0.0);
    }

    /** Whether deciding the clause needs labelled rows: it does unless it uses only {@code d}. */
    public boolean needsLabels() {
        return variables().stream().anyMatch(Variable::needsLabels);
    }

    /** The left-hand side evaluated at the given estimates. */
    public double value(Estimates estimates) {
        requireNonNull(estimates, "estimates is null");
        double sum = 0;
        for (Map.Entry<Variable, Double> term : coefficients.entrySet()) {
            sum += term.getValue() * estimates.value(term.getKey());
        }
        return sum;
    }

    /**
     * Whether the left-hand side is a multiple of the accuracy difference, {@code c * (n - o)}. Only
     * such clauses profit from a bound on the disagreement (Bennett's inequality): a row where the two
     * models agree contributes 0 to {@code n - o}, so its variance is at most the disagreement rate.
     */
    public boolean isAccuracyDifference() {
        return coefficients.size() == 2 && coefficient(Variable.N) == -coefficient(Variable.O) && coefficient(Variable.N) != 0;
    }

    @Override
    public String toString() {
        return text;
    }
}
