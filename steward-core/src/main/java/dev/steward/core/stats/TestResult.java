package dev.steward.core.stats;

/** A test statistic and its p-value. */
public record TestResult(double statistic, double pValue) {
}
