package dev.steward.core.data.compare;

import static java.util.Objects.requireNonNull;

import dev.steward.core.stats.ChiSquaredTest;
import dev.steward.core.stats.Distances;
import dev.steward.core.stats.KolmogorovSmirnov;
import dev.steward.core.stats.Moments;
import dev.steward.core.stats.QuantileBins;
import dev.steward.core.stats.TestResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeSet;

/**
 * Compares columns of a reference and a current sample: the two-sample Kolmogorov–Smirnov test
 * for numbers, the chi-squared test for categories, PSI and Jensen–Shannon distance over shared
 * bins for both, the normalised Wasserstein distance for numbers, and a multiple-testing
 * correction of the p-values across the columns. Reused by dataset comparisons, validation and
 * monitoring. Stateless.
 */
public final class DriftCalculator {
    private DriftCalculator() {
    }

    /** One column; the p-value is not yet corrected for the other columns. */
    public static ColumnDrift column(ColumnSample reference, ColumnSample current, DriftOptions options) {
        requireNonNull(reference, "reference is null");
        requireNonNull(current, "current is null");
        String kind = reference.numeric() ? "numeric" : "categorical";
        if (reference.numeric() != current.numeric()) {
            return ColumnDrift.skipped(reference.column(), kind, "the column is " + describe(reference) + " in the reference but "
                    + describe(current) + " now");
        }
        if (reference.count() == 0 || current.count() == 0) {
            return ColumnDrift.skipped(reference.column(), kind, "the column has no values in the " + (reference.count() == 0 ? "reference" : "current")
                    + " sample");
        }
        return reference.numeric() ? numeric(reference, current, options) : categorical(reference, current);
    }

    /** Every pair of columns, with the correction applied across the columns that were tested. */
    public static List<ColumnDrift> columns(List<ColumnSample> references, List<ColumnSample> currents, DriftOptions options) {
        if (references.size() != currents.size()) {
            throw new IllegalArgumentException("reference and current need the same columns");
        }
        List<ColumnDrift> drifts = new ArrayList<>();
        for (int i = 0; i < references.size(); i++) {
            drifts.add(column(references.get(i), currents.get(i), options));
        }
        return correct(drifts, options);
    }

    /** Applies the correction across the tested columns of {@code drifts}. */
    public static List<ColumnDrift> correct(List<ColumnDrift> drifts, DriftOptions options) {
        double[] p = drifts.stream().filter(d -> d.pValue().isPresent()).mapToDouble(d -> d.pValue().getAsDouble()).toArray();
        double[] adjusted = options.correction().adjust(p);
        List<ColumnDrift> corrected = new ArrayList<>();
        int next = 0;
        for (ColumnDrift drift : drifts) {
            corrected.add(drift.pValue().isPresent() ? drift.withAdjusted(adjusted[next++], options.alpha()) : drift);
        }
        return corrected;
    }

    private static ColumnDrift numeric(ColumnSample reference, ColumnSample current, DriftOptions options) {
        double[] x = reference.sortedNumbers();
        double[] y = current.sortedNumbers();
        TestResult ks = KolmogorovSmirnov.twoSampleSorted(x, y);
        QuantileBins bins = QuantileBins.fromSorted(x, options.bins());
        long[] referenceHistogram = bins.histogram(x);
        long[] currentHistogram = bins.histogram(y);
        double std = Moments.populationStd(x);
        double distance = Distances.wassersteinSorted(x, y);
        return new ColumnDrift(reference.column(), "numeric", Optional.of("ks"), OptionalDouble.of(ks.statistic()), OptionalDouble.of(ks.pValue()),
                OptionalDouble.empty(), false, OptionalDouble.of(Distances.populationStability(referenceHistogram, currentHistogram)),
                OptionalDouble.of(Distances.jensenShannon(referenceHistogram, currentHistogram)),
                std > 0 ? OptionalDouble.of(distance / std) : OptionalDouble.empty(), x.length, y.length, reference.missing(), current.missing(),
                Optional.empty());
    }

    private static ColumnDrift categorical(ColumnSample reference, ColumnSample current) {
        if (reference.tooManyCategories() || current.tooManyCategories()) {
            return ColumnDrift.skipped(reference.column(), "categorical", "the column has more than " + ColumnSample.MAX_CATEGORIES
                    + " categories: too many to compare as categories");
        }
        Map<String, Long> r = reference.categories();
        Map<String, Long> c = current.categories();
        TreeSet<String> all = new TreeSet<>(r.keySet());
        all.addAll(c.keySet());
        long[] referenceCounts = new long[all.size()];
        long[] currentCounts = new long[all.size()];
        int i = 0;
        for (String category : all) {
            referenceCounts[i] = r.getOrDefault(category, 0L);
            currentCounts[i] = c.getOrDefault(category, 0L);
            i++;
        }
        TestResult chi2 = ChiSquaredTest.contingency(referenceCounts, currentCounts);
        return new ColumnDrift(reference.column(), "categorical", Optional.of("chi2"), OptionalDouble.of(chi2.statistic()),
                OptionalDouble.of(chi2.pValue()), OptionalDouble.empty(), false,
                OptionalDouble.of(Distances.populationStability(referenceCounts, currentCounts)),
                OptionalDouble.of(Distances.jensenShannon(referenceCounts, currentCounts)), OptionalDouble.empty(),
                reference.count(), current.count(), reference.missing(), current.missing(), Optional.empty());
    }

    private static String describe(ColumnSample sample) {
        return sample.numeric() ? "numeric" : "categorical";
    }
}
