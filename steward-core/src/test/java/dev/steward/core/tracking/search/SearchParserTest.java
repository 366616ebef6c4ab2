package dev.steward.core.tracking.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.core.tracking.search.SearchParser.Target;
import dev.steward.spi.StewardException;
import dev.steward.spi.tracking.OrderBy;
import dev.steward.spi.tracking.SearchClause;
import dev.steward.spi.tracking.SearchComparator;
import dev.steward.spi.tracking.SearchEntity;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchParserTest {
    @Test
    void parsesEveryEntityPrefixAndComparator() {
        List<SearchClause> clauses = SearchParser.parseFilter(
                "metrics.acc > 0.9 AND params.model = 'forest' and tags.`mlflow.user` LIKE 'a%' AND attributes.status != \"FAILED\""
                        + " AND datasets.name ILIKE 'PEN%' AND run_id IN ('a', 'b') AND attr.run_id NOT IN ('c') AND metric.loss <= -1e-3",
                Target.RUNS);

        assertThat(clauses).containsExactly(
                SearchClause.numeric(SearchEntity.METRIC, "acc", SearchComparator.GT, 0.9),
                SearchClause.text(SearchEntity.PARAM, "model", SearchComparator.EQ, List.of("forest")),
                SearchClause.text(SearchEntity.TAG, "mlflow.user", SearchComparator.LIKE, List.of("a%")),
                SearchClause.text(SearchEntity.ATTRIBUTE, "status", SearchComparator.NE, List.of("FAILED")),
                SearchClause.text(SearchEntity.DATASET, "name", SearchComparator.ILIKE, List.of("PEN%")),
                SearchClause.text(SearchEntity.ATTRIBUTE, "run_id", SearchComparator.IN, List.of("a", "b")),
                SearchClause.text(SearchEntity.ATTRIBUTE, "run_id", SearchComparator.NOT_IN, List.of("c")),
                SearchClause.numeric(SearchEntity.METRIC, "loss", SearchComparator.LE, -1e-3));
    }

    @Test
    void acceptsQuotedKeysWithSpacesAndDottedKeys() {
        assertThat(SearchParser.parseFilter("params.\"learning rate\" = '0.1' AND tags.mlflow.source.git.commit = 'abc'", Target.RUNS))
                .extracting(SearchClause::key).containsExactly("learning rate", "mlflow.source.git.commit");
        assertThat(SearchParser.parseFilter("attributes.created > 5", Target.RUNS)).extracting(SearchClause::key).containsExactly("start_time");
    }

    @Test
    void anEmptyFilterMatchesEverything() {
        assertThat(SearchParser.parseFilter("  ", Target.RUNS)).isEmpty();
    }

    @Test
    void syntaxErrorsNameTheirPosition() {
        assertError("metrics.acc >> 0.9", "position 14");
        assertError("metrics.acc > ", "position 15");
        assertError("metrics.acc > 0.9 OR params.a = 'b'", "OR is not supported");
        assertError("params.model = 'forest", "never closed");
        assertError("metrics.acc > 0.9 params.a = 'b'", "expected AND");
        assertError("metrics.acc ~ 1", "unexpected character '~'");
    }

    @Test
    void valueAndComparatorErrorsUseMlflowsWording() {
        assertError("metrics.acc > 'high'", "Expected numeric value type for metric. Found 'high'");
        assertError("params.model = forest", "Expected a quoted string value for param");
        assertError("params.model > 'a'", "Invalid comparator '>'");
        assertError("models.x = 'a'", "Invalid entity type 'models'");
        assertError("attributes.colour = 'red'", "Invalid attribute key 'colour'");
        assertError("attributes.status IN ('A')", "Only the 'run_id' attribute supports comparison with a list");
    }

    @Test
    void experimentSearchesAllowOnlyNamesTimesAndTags() {
        assertThat(SearchParser.parseFilter("name LIKE 'exp%' AND tags.team = 'x' AND creation_time > 0", Target.EXPERIMENTS)).hasSize(3);
        assertThatThrownBy(() -> SearchParser.parseFilter("metrics.acc > 1", Target.EXPERIMENTS)).isInstanceOf(StewardException.class);
    }

    @Test
    void parsesOrderByWithDirections() {
        assertThat(SearchParser.parseOrderBy(List.of("metrics.acc DESC", "params.`a b`", "attributes.start_time asc"), Target.RUNS))
                .containsExactly(new OrderBy(SearchEntity.METRIC, "acc", false), new OrderBy(SearchEntity.PARAM, "a b", true),
                        new OrderBy(SearchEntity.ATTRIBUTE, "start_time", true));
        assertThatThrownBy(() -> SearchParser.parseOrderBy(List.of("metrics.acc SIDEWAYS"), Target.RUNS))
                .hasMessageContaining("expected ASC or DESC");
    }

    private static void assertError(String filter, String message) {
        assertThatThrownBy(() -> SearchParser.parseFilter(filter, Target.RUNS))
                .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.field()).contains("filter"))
                .hasMessageContaining(message);
    }
}
