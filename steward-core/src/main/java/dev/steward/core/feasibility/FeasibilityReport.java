package dev.steward.core.feasibility;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a {@link FeasibilityStudy} found, and the sentences that say it. Error rates and accuracies
 * are fractions in [0, 1]. Immutable.
 *
 * @param inputDimensions the width of the encoded features every transformation starts from
 * @param estimate the estimate of the winning transformation on all training rows
 * @param candidates every transformation tried, in the order they were tried
 */
record FeasibilityReport(int classes, int trainRows, int testRows, int inputDimensions, Estimate estimate, List<Candidate> candidates,
        NoiseCheck noise, Curve curve) {
    FeasibilityReport {
        requireNonNull(estimate, "estimate is null");
        candidates = List.copyOf(candidates);
        requireNonNull(noise, "noise is null");
        requireNonNull(curve, "curve is null");
    }

    record Interval(double low, double high) {
    }

    /**
     * The Bayes error estimate: {@code berLower} by Cover and Hart from the 1-NN error, which is
     * itself {@code berUpper}; the intervals are 95% Wilson intervals of the 1-NN error over the
     * held-out rows, the lower one mapped through the bound.
     */
    record Estimate(String transform, double knnError, double berLower, double berUpper, Interval berLowerInterval, Interval berUpperInterval) {
        /** The best accuracy any model can reach, as far as this estimate tells: {@code 1 - berLower}. */
        double maxAccuracy() {
            return 1 - berLower;
        }
    }

    record Evaluation(int trainRows, double knnError, double berLower) {
    }

    /** @param droppedAfter the training size after which successive halving dropped it, 0 when it was not */
    record Candidate(String name, String kind, int dimensions, List<Evaluation> evaluations, boolean selected, int droppedAfter) {
        Candidate {
            evaluations = List.copyOf(evaluations);
        }
    }

    /**
     * The estimates at one noise level and FeeBee's band for it, drawn from the estimates at
     * {@code ρ = 0}; {@code withinBand} says whether the lower estimate is in it (see {@link FeasibilityStudy}).
     */
    record NoiseLevel(double rho, double knnError, double berLower, double bandLower, double bandUpper, boolean withinBand) {
    }

    /**
     * FeeBee's check: the estimates under label noise, the least-squares slope of the lower estimate
     * over {@code ρ} (from 0) and the slope the theory gives it, {@code (C-1)/C - berLower}.
     */
    record NoiseCheck(List<NoiseLevel> levels, double slope, double expectedSlope, boolean behaves) {
        NoiseCheck {
            levels = List.copyOf(levels);
        }
    }

    /** The winning transformation's 1-NN error at growing training sizes, and its fit. */
    record Curve(List<Evaluation> points, LearningCurve fit, double knnErrorAt2x, double knnErrorAt10x, double berLowerAt10x) {
        Curve {
            points = List.copyOf(points);
            requireNonNull(fit, "fit is null");
        }
    }

    /** "no model can exceed about X% accuracy on this data", with the interval of X and what 1-NN reaches. */
    String ceiling() {
        return "no model can exceed about " + percent(estimate.maxAccuracy()) + " accuracy on this data (95% interval "
                + percent(1 - estimate.berLowerInterval().high()) + " to " + percent(1 - estimate.berLowerInterval().low())
                + "; a 1-nearest-neighbour classifier on " + estimate.transform() + " features reaches " + percent(1 - estimate.knnError()) + ")";
    }

    /** Whether an accuracy target is within what the data supports: at most {@link Estimate#maxAccuracy()}. */
    boolean supports(double targetAccuracy) {
        return targetAccuracy <= estimate.maxAccuracy();
    }

    /**
     * "the data supports the target Y" or "the target Y is above what the data can support", saying
     * too when the target lies within the 95% interval of the ceiling (few held-out rows).
     */
    String target(double targetAccuracy) {
        String target = exactPercent(targetAccuracy);
        String sentence;
        if (!supports(targetAccuracy)) {
            sentence = "the target " + target + " is above what the data can support (about " + percent(estimate.maxAccuracy()) + ")";
        } else if (targetAccuracy <= 1 - estimate.knnError()) {
            sentence = "the data supports the target " + target + " (a 1-nearest-neighbour classifier already reaches "
                    + percent(1 - estimate.knnError()) + ")";
        } else {
            sentence = "the data supports the target " + target + " (below the ceiling of about " + percent(estimate.maxAccuracy())
                    + "; a 1-nearest-neighbour classifier reaches " + percent(1 - estimate.knnError()) + ")";
        }
        double low = 1 - estimate.berLowerInterval().high();
        double high = 1 - estimate.berLowerInterval().low();
        if (targetAccuracy >= low && targetAccuracy <= high && low < high) {
            sentence += ", but with " + testRows + " held-out rows the ceiling is only known to lie between " + percent(low) + " and "
                    + percent(high) + " (95%)";
        }
        return sentence;
    }

    /** What FeeBee's self-check says about the estimate on this data. */
    String noiseSentence() {
        String levels = noise.levels().stream().map(l -> trim(l.rho())).collect(Collectors.joining(", "));
        if (noise.behaves()) {
            return "the FeeBee self-check passed: with uniform label noise injected (rho = " + levels + ") the estimates stay within the"
                    + " band the theory allows";
        }
        String failed = noise.levels().stream().filter(l -> !l.withinBand()).map(l -> trim(l.rho())).collect(Collectors.joining(", "));
        return "the FeeBee self-check failed at rho = " + failed + ": with label noise injected the estimates leave the band the theory"
                + " allows, so the estimate is not reliable on this data";
    }

    /** Whether more data is likely to help, with the extrapolated 1-NN accuracy at twice and ten times the data. */
    String curveSentence() {
        String extrapolated = "1-NN accuracy about " + percent(1 - curve.knnErrorAt2x()) + " with twice the data, " + percent(1 - curve
                .knnErrorAt10x()) + " with ten times";
        return switch (curve.fit().verdict()) {
            case MORE_DATA_HELPS -> "more data is likely to help: the 1-NN error falls by about " + points(-curve.fit().perDoubling())
                    + " points per doubling (" + extrapolated + "; the ceiling estimate may then rise to about " + percent(1 - curve
                    .berLowerAt10x()) + ")";
            case FLAT -> "more data of the same kind is unlikely to help: the 1-NN error does not fall with more rows (" + extrapolated + ")";
            case UNCLEAR -> "the learning curve is too noisy to tell whether more data helps (" + extrapolated + ")";
        };
    }

    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }

    private static String points(double fraction) {
        return String.format(Locale.ROOT, "%.1f", 100 * fraction);
    }

    /** A target as given: 0.95 is 95%, 0.975 is 97.5%. */
    private static String exactPercent(double fraction) {
        return trim(BigDecimal.valueOf(fraction).movePointRight(2).setScale(4, RoundingMode.HALF_EVEN).doubleValue()) + "%";
    }

    private static String trim(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
