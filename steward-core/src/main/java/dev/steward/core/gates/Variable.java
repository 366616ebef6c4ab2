package dev.steward.core.gates;

/**
 * The three quantities a release-gate condition speaks about, each a mean over the rows of a test
 * set (so each lies in [0, 1]).
 */
public enum Variable {
    /** The new model's accuracy: the share of labelled rows it predicts correctly. */
    N("n", "the new model's accuracy"),
    /** The old model's accuracy on the same labelled rows. */
    O("o", "the old model's accuracy"),
    /** The disagreement rate: the share of rows on which the two models predict differently. */
    D("d", "the disagreement of the two models");

    private final String symbol;
    private final String meaning;

    Variable(String symbol, String meaning) {
        this.symbol = symbol;
        this.meaning = meaning;
    }

    /** How the variable is written in a condition: {@code n}, {@code o} or {@code d}. */
    public String symbol() {
        return symbol;
    }

    /** What the variable measures, in words. */
    public String meaning() {
        return meaning;
    }

    /**
     * Whether estimating the variable needs labelled rows. Accuracies do; the disagreement compares
     * the two models' predictions only, so unlabelled rows are enough.
     */
    public boolean needsLabels() {
        return this != D;
    }
}
