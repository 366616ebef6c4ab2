package dev.steward.core.eval;

import dev.steward.spi.StewardException;

/** A metric over k folds: each fold's value, their mean and population standard deviation (NumPy's {@code std}). */
public record CrossValidationScore(double[] folds, double mean, double std) {
    public static CrossValidationScore of(double[] folds) {
        if (folds.length == 0) {
            throw StewardException.invalid("folds", "no fold scores");
        }
        double sum = 0;
        for (double f : folds) {
            sum += f;
        }
        double mean = sum / folds.length;
        double squares = 0;
        for (double f : folds) {
            squares += (f - mean) * (f - mean);
        }
        return new CrossValidationScore(folds.clone(), mean, Math.sqrt(squares / folds.length));
    }
}
