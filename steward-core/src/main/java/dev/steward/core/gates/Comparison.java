package dev.steward.core.gates;

/**
 * The comparison of a clause. {@code >=} and {@code <=} are accepted in conditions and mean the same
 * as {@code >} and {@code <}: a clause is decided on an estimate give or take its tolerance, and the
 * boundary itself carries no weight in that decision.
 */
public enum Comparison {
    /** The left-hand side must exceed the threshold. */
    GREATER(">"),
    /** The left-hand side must stay below the threshold. */
    LESS("<");

    private final String symbol;

    Comparison(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }
}
