package dev.steward.core.data.profile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/** A profile as plain values for APIs and reports. */
public record ProfileView(long rows, List<Column> columns) {
    private static final double[] FRACTIONS = {0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1};
    private static final String[] LABELS = {"p0", "p1", "p5", "p25", "p50", "p75", "p95", "p99", "p100"};
    private static final int BINS = 20;
    private static final int TOP_ITEMS = 10;

    public ProfileView {
        columns = List.copyOf(columns);
    }

    /**
     * @param quantiles KLL estimates; their rank error is {@code quantileRankError}
     * @param histogram equal-width bins between min and max, counts estimated from the KLL sketch
     * @param topItems most frequent values (non-numeric columns), with error bounds
     */
    public record Column(String name, String type, long count, long nulls, double distinctEstimate, double distinctLower,
            double distinctUpper, Optional<Double> mean, Optional<Double> stddev, Optional<Double> min, Optional<Double> max,
            Map<String, Double> quantiles, Optional<Double> quantileRankError, List<Bin> histogram, List<Item> topItems,
            Optional<String> minText, Optional<String> maxText) {}

    public record Bin(double lower, double upper, double count) {}

    public record Item(String value, long estimate, long lowerBound, long upperBound) {}

    public static ProfileView of(DatasetProfile profile) {
        List<Column> columns = new ArrayList<>();
        for (ColumnProfile c : profile.columns()) {
            Map<String, Double> quantiles = new LinkedHashMap<>();
            List<Bin> histogram = new ArrayList<>();
            List<Item> items = new ArrayList<>();
            Optional<Double> rankError = Optional.empty();
            if (c.hasNumbers()) {
                KllDoublesSketch kll = c.quantileSketch();
                double[] values = kll.getQuantiles(FRACTIONS, QuantileSearchCriteria.INCLUSIVE);
                for (int i = 0; i < values.length; i++) {
                    quantiles.put(LABELS[i], values[i]);
                }
                rankError = Optional.of(kll.getNormalizedRankError(false));
                histogram = histogram(kll, c.min(), c.max(), c.count());
            } else if (c.itemSketch() != null && c.count() > 0) {
                ItemsSketch.Row<String>[] rows = c.itemSketch().getFrequentItems(ErrorType.NO_FALSE_NEGATIVES);
                for (int i = 0; i < Math.min(TOP_ITEMS, rows.length); i++) {
                    items.add(new Item(rows[i].getItem(), rows[i].getEstimate(), rows[i].getLowerBound(), rows[i].getUpperBound()));
                }
            }
            boolean numbers = c.hasNumbers();
            columns.add(new Column(c.name(), c.type().name().toLowerCase(java.util.Locale.ROOT), c.count(), c.nulls(), c.distinctEstimate(),
                    c.distinctLowerBound(), c.distinctUpperBound(), numbers ? Optional.of(c.mean()) : Optional.empty(),
                    numbers && c.count() > 1 ? Optional.of(c.stddev()) : Optional.empty(), numbers ? Optional.of(c.min()) : Optional.empty(),
                    numbers ? Optional.of(c.max()) : Optional.empty(), quantiles, rankError, histogram, items,
                    Optional.ofNullable(c.minText()), Optional.ofNullable(c.maxText())));
        }
        return new ProfileView(profile.rows(), columns);
    }

    private static List<Bin> histogram(KllDoublesSketch kll, double min, double max, long count) {
        List<Bin> bins = new ArrayList<>();
        if (max <= min) {
            bins.add(new Bin(min, max, count));
            return bins;
        }
        double width = (max - min) / BINS;
        double[] splits = new double[BINS - 1];
        for (int i = 0; i < splits.length; i++) {
            splits[i] = min + width * (i + 1);
        }
        double[] pmf = kll.getPMF(splits, QuantileSearchCriteria.INCLUSIVE);
        for (int i = 0; i < BINS; i++) {
            bins.add(new Bin(min + width * i, i == BINS - 1 ? max : min + width * (i + 1), pmf[i] * count));
        }
        return bins;
    }
}
