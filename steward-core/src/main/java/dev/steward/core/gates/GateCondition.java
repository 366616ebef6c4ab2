package dev.steward.core.gates;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.StewardException;
import java.util.List;

/**
 * A release-gate condition in the ease.ml/ci condition language (Renggli et al., "Continuous
 * Integration of Machine Learning Models with ease.ml/ci", MLSys 2019): clauses over the new
 * model's accuracy {@code n}, the old model's accuracy {@code o} and their disagreement {@code d},
 * joined with {@code /\} (and), each with its own tolerance:
 *
 * <pre>{@code n - o > 0.02 +/- 0.01 /\ d < 0.1 +/- 0.01}</pre>
 *
 * The grammar, in EBNF ({@code docs/gates.md} has it with examples and the error messages):
 *
 * <pre>{@code
 * condition  = clause , { "/\" , clause } ;
 * clause     = expression , comparison , threshold , "+/-" , tolerance ;
 * expression = [ sign ] , term , { sign , term } ;
 * term       = [ number , "*" ] , variable | variable , "*" , number ;
 * comparison = ">" | "<" | ">=" | "<=" ;
 * threshold  = [ sign ] , number ;
 * tolerance  = number ;                      (* strictly between 0 and 1 *)
 * sign       = "+" | "-" ;
 * variable   = "n" | "o" | "d" ;
 * number     = digits , [ "." , digits ] , [ exponent ] | "." , digits , [ exponent ] ;
 * }</pre>
 *
 * A variable appears at most once in a clause (write {@code -0.05 * o}, not {@code o - 1.05 * o}),
 * constants belong on the right of the comparison, {@code ±} may stand for {@code +/-}, a
 * condition has at most {@value #MAX_CLAUSES} clauses and {@value #MAX_LENGTH} characters.
 *
 * @param text the condition as written
 * @param clauses its clauses, in order
 */
public record GateCondition(String text, List<Clause> clauses) {
    /** The most characters a condition may have. */
    public static final int MAX_LENGTH = 1000;
    /** The most clauses a condition may have. */
    public static final int MAX_CLAUSES = 10;

    public GateCondition {
        requireNonNull(text, "text is null");
        clauses = List.copyOf(requireNonNull(clauses, "clauses is null"));
        if (clauses.isEmpty()) {
            throw StewardException.invalid("condition", "a condition needs at least one clause");
        }
        if (clauses.size() > MAX_CLAUSES) {
            throw StewardException.invalid("condition", "a condition has at most " + MAX_CLAUSES + " clauses, not " + clauses.size());
        }
    }

    /**
     * Parses a condition. Every mistake is a {@link StewardException} for the field {@code condition}
     * whose message gives the 1-based character position, what was expected there, and the text with
     * a caret under the position.
     */
    public static GateCondition parse(String text) {
        requireNonNull(text, "text is null");
        return new GateCondition(text, new ConditionParser(text).parse());
    }

    /** Whether any clause needs labelled rows (see {@link Clause#needsLabels()}). */
    public boolean needsLabels() {
        return clauses.stream().anyMatch(Clause::needsLabels);
    }

    @Override
    public String toString() {
        return text;
    }
}
