package dev.steward.core.feasibility;

/**
 * A least-squares fit {@code error ≈ a + b·ln(n)} of an error measured at growing training sizes
 * {@code n}. Linear in {@code ln n} rather than a power law ({@code ln error} against {@code ln n}):
 * a power law says the error goes to 0 with enough data, which is exactly what a Bayes error
 * above 0 denies, and it cannot take an error of 0 at all; over the one or two decades a study
 * measures, the straight line in {@code ln n} fits as well, needs no floor to be guessed, and its
 * slope reads directly as "points of error per doubling".
 *
 * <p>Extrapolations start from the error measured at the largest size (all sizes share the
 * held-out rows, and the largest is the best measured) and follow the fitted slope, a rising slope
 * counting as flat: the points may rise by chance, but that is no reason to expect more data to
 * make things worse. They are clamped at 0.
 *
 * @param slopeError the standard error of the slope (0 with fewer than three points)
 */
record LearningCurve(int[] sizes, double[] errors, double intercept, double slope, double slopeError) {
    /** Less than this change of the error from 10 times the data counts as flat: one point of accuracy. */
    static final double FLAT_GAIN = 0.01;

    LearningCurve {
        sizes = sizes.clone();
        errors = errors.clone();
    }

    /** Whether more data of the same kind is likely to lower the error. */
    enum Verdict {
        /** The error falls clearly (the slope is negative beyond twice its standard error) and by more than {@link #FLAT_GAIN} at 10 times the data. */
        MORE_DATA_HELPS,
        /** The extrapolated error falls by less than {@link #FLAT_GAIN} from 10 times the data (or the points rise). */
        FLAT,
        /** Neither: the points are too few or too noisy to tell. */
        UNCLEAR
    }

    static LearningCurve fit(int[] sizes, double[] errors) {
        int n = sizes.length;
        if (n == 0 || errors.length != n) {
            throw new IllegalArgumentException("a learning curve needs one error per size");
        }
        double meanX = 0;
        double meanY = 0;
        for (int i = 0; i < n; i++) {
            meanX += Math.log(sizes[i]);
            meanY += errors[i];
        }
        meanX /= n;
        meanY /= n;
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < n; i++) {
            double dx = Math.log(sizes[i]) - meanX;
            sxx += dx * dx;
            sxy += dx * (errors[i] - meanY);
        }
        double slope = sxx == 0 ? 0 : sxy / sxx;
        double intercept = meanY - slope * meanX;
        double slopeError = 0;
        if (n > 2 && sxx > 0) {
            double residuals = 0;
            for (int i = 0; i < n; i++) {
                double r = errors[i] - intercept - slope * Math.log(sizes[i]);
                residuals += r * r;
            }
            slopeError = Math.sqrt(residuals / (n - 2) / sxx);
        }
        return new LearningCurve(sizes, errors, intercept, slope, slopeError);
    }

    /** The error extrapolated to {@code n} training rows from the largest size measured, at least 0. */
    double predict(double n) {
        int last = sizes.length - 1;
        return Math.max(0, errors[last] + Math.min(0, slope) * Math.log(n / sizes[last]));
    }

    /** The fitted change of the error when the data doubles (negative when it falls). */
    double perDoubling() {
        return slope * Math.log(2);
    }

    Verdict verdict() {
        double largest = sizes[sizes.length - 1];
        double gain = predict(largest) - predict(10 * largest);
        if (gain < FLAT_GAIN && sizes.length > 1) {
            return Verdict.FLAT;
        }
        if (gain >= FLAT_GAIN && sizes.length > 2 && slope < -2 * slopeError) {
            return Verdict.MORE_DATA_HELPS;
        }
        return Verdict.UNCLEAR;
    }
}
