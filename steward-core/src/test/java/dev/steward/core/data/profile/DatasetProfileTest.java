package dev.steward.core.data.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.steward.spi.StewardException;
import dev.steward.spi.data.ColumnType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DatasetProfileTest {
    private static final List<String> NAMES = List.of("species", "island", "beak_length_mm", "beak_depth_mm", "flipper_length_mm",
            "body_mass_g", "sex");
    private static final List<ColumnType> TYPES = List.of(ColumnType.STRING, ColumnType.STRING, ColumnType.FLOAT, ColumnType.FLOAT,
            ColumnType.INTEGER, ColumnType.INTEGER, ColumnType.STRING);
    private static List<Object[]> penguins;

    @BeforeAll
    static void readPenguins() throws IOException {
        penguins = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(DatasetProfileTest.class.getResourceAsStream("/data/penguins.csv"),
                StandardCharsets.UTF_8))) {
            in.readLine();
            String line;
            while ((line = in.readLine()) != null) {
                String[] cells = line.split(",", -1);
                Object[] row = new Object[cells.length];
                for (int i = 0; i < cells.length; i++) {
                    row[i] = cells[i].isEmpty() ? null : TYPES.get(i) == ColumnType.STRING ? cells[i]
                            : TYPES.get(i) == ColumnType.INTEGER ? (Object) Long.parseLong(cells[i]) : (Object) Double.parseDouble(cells[i]);
                }
                penguins.add(row);
            }
        }
    }

    @Test
    void countsNullsAndMomentsMatchPandas() {
        DatasetProfile profile = profile(penguins);

        assertThat(profile.rows()).isEqualTo(344);
        // pandas: df.isna().sum(), df.body_mass_g.mean(), df.body_mass_g.std()
        assertThat(profile.columns()).extracting(ColumnProfile::nulls).containsExactly(0L, 0L, 2L, 2L, 2L, 2L, 10L);
        ColumnProfile mass = profile.columns().get(5);
        assertThat(mass.mean()).isCloseTo(4201.754385964912, offset(1e-9));
        assertThat(mass.stddev()).isCloseTo(801.9545356980954, offset(1e-9));
        assertThat(mass.min()).isEqualTo(2700);
        assertThat(mass.max()).isEqualTo(6300);
        assertThat(profile.columns().get(0).distinctEstimate()).isCloseTo(3, offset(0.01));
    }

    @Test
    void theProfileOfAUnionIsTheMergeOfTheProfilesOfItsParts() {
        DatasetProfile whole = profile(penguins);
        for (long seed = 1; seed <= 5; seed++) {
            Random random = new Random(seed);
            List<Object[]> a = new ArrayList<>();
            List<Object[]> b = new ArrayList<>();
            penguins.forEach(row -> (random.nextDouble() < 0.3 + 0.1 * random.nextInt(4) ? a : b).add(row));
            DatasetProfile merged = profile(a).merge(profile(b));

            assertThat(merged.rows()).isEqualTo(whole.rows());
            for (int i = 0; i < NAMES.size(); i++) {
                ColumnProfile expected = whole.columns().get(i);
                ColumnProfile actual = merged.columns().get(i);
                assertThat(actual.count()).isEqualTo(expected.count());
                assertThat(actual.nulls()).isEqualTo(expected.nulls());
                assertThat(actual.distinctEstimate()).isBetween(expected.distinctLowerBound(), expected.distinctUpperBound());
                if (expected.type().numeric()) {
                    assertThat(actual.mean()).isCloseTo(expected.mean(), offset(Math.abs(expected.mean()) * 1e-9));
                    assertThat(actual.stddev()).isCloseTo(expected.stddev(), offset(expected.stddev() * 1e-9));
                    assertThat(actual.min()).isEqualTo(expected.min());
                    assertThat(actual.max()).isEqualTo(expected.max());
                    assertQuantilesWithinRankError(actual, i);
                } else {
                    assertThat(actual.minText()).isEqualTo(expected.minText());
                    assertThat(actual.maxText()).isEqualTo(expected.maxText());
                    for (var row : expected.itemSketch().getFrequentItems(org.apache.datasketches.frequencies.ErrorType.NO_FALSE_NEGATIVES)) {
                        long truth = penguins.stream().filter(r -> row.getItem().equals(r[NAMES.indexOf(expected.name())])).count();
                        assertThat(truth).isBetween(actual.itemSketch().getLowerBound(row.getItem()),
                                actual.itemSketch().getUpperBound(row.getItem()));
                    }
                }
            }
        }
    }

    @Test
    void mergingManySmallPartsOfALargeColumnStaysWithinTheSketchBounds() {
        Random random = new Random(7);
        DatasetProfile whole = DatasetProfile.empty(List.of("x"), List.of(ColumnType.FLOAT));
        DatasetProfile merged = null;
        List<Double> values = new ArrayList<>();
        for (int part = 0; part < 20; part++) {
            DatasetProfile piece = DatasetProfile.empty(List.of("x"), List.of(ColumnType.FLOAT));
            for (int i = 0; i < 5_000; i++) {
                double x = random.nextGaussian() * 10 + part;
                values.add(x);
                piece.update(new Object[] {x});
                whole.update(new Object[] {x});
            }
            merged = merged == null ? piece : merged.merge(piece);
        }
        ColumnProfile m = merged.columns().get(0);
        ColumnProfile w = whole.columns().get(0);
        assertThat(m.count()).isEqualTo(100_000);
        assertThat(m.mean()).isCloseTo(w.mean(), offset(1e-9));
        assertThat(m.stddev()).isCloseTo(w.stddev(), offset(1e-9));
        assertThat(m.distinctEstimate()).isBetween(w.distinctLowerBound(), w.distinctUpperBound());
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double error = m.quantileSketch().getNormalizedRankError(false);
        for (double fraction : new double[] {0.01, 0.25, 0.5, 0.75, 0.99}) {
            double estimate = m.quantileSketch().getQuantile(fraction, QuantileSearchCriteria.INCLUSIVE);
            double rank = (double) lowerCount(sorted, estimate) / sorted.length;
            assertThat(rank).as("rank of the %s quantile", fraction).isCloseTo(fraction, offset(3 * error));
        }
    }

    @Test
    void aProfileSurvivesSerialisationAndMergesAfterwards() {
        DatasetProfile profile = profile(penguins);
        DatasetProfile copy = DatasetProfile.fromBytes(profile.toBytes());

        assertThat(ProfileView.of(copy)).isEqualTo(ProfileView.of(profile));
        assertThat(copy.merge(copy).rows()).isEqualTo(688);
        assertThat(ProfileView.of(copy).columns().get(5).histogram()).hasSize(20);
        assertThatThrownBy(() -> DatasetProfile.fromBytes(new byte[] {9, 1, 2})).isInstanceOf(StewardException.class)
                .hasMessageContaining("unknown profile format 9");
    }

    @Test
    void profilesOfDifferentSchemasDoNotMerge() {
        DatasetProfile other = DatasetProfile.empty(List.of("x"), List.of(ColumnType.FLOAT));
        assertThatThrownBy(() -> profile(penguins).merge(other)).isInstanceOf(StewardException.class).hasMessageContaining("columns");
    }

    private static void assertQuantilesWithinRankError(ColumnProfile column, int index) {
        double[] sorted = penguins.stream().map(r -> r[index]).filter(v -> v != null).mapToDouble(v -> ((Number) v).doubleValue()).sorted()
                .toArray();
        double error = column.quantileSketch().getNormalizedRankError(false);
        for (double fraction : new double[] {0.1, 0.5, 0.9}) {
            double estimate = column.quantileSketch().getQuantile(fraction, QuantileSearchCriteria.INCLUSIVE);
            double low = (double) lowerCount(sorted, estimate) / sorted.length;
            double high = (double) upperCount(sorted, estimate) / sorted.length;
            assertThat(fraction).isBetween(low - 3 * error, high + 3 * error);
        }
    }

    private static int lowerCount(double[] sorted, double value) {
        int index = Arrays.binarySearch(sorted, value);
        while (index > 0 && sorted[index - 1] == value) {
            index--;
        }
        return index < 0 ? -index - 1 : index;
    }

    private static int upperCount(double[] sorted, double value) {
        int count = 0;
        for (double v : sorted) {
            if (v <= value) {
                count++;
            }
        }
        return count;
    }

    private static DatasetProfile profile(List<Object[]> rows) {
        DatasetProfile profile = DatasetProfile.empty(NAMES, TYPES);
        rows.forEach(profile::update);
        return profile;
    }
}
