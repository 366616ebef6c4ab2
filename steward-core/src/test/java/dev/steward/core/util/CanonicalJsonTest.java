package dev.steward.core.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {
    @Test
    void sortsKeysSoInsertionOrderDoesNotMatter() {
        Map<String, String> first = new LinkedHashMap<>();
        first.put("role", "admin");
        first.put("name", "ci");
        Map<String, String> second = new LinkedHashMap<>();
        second.put("name", "ci");
        second.put("role", "admin");

        assertThat(CanonicalJson.of(first)).isEqualTo(CanonicalJson.of(second)).isEqualTo("{\"name\":\"ci\",\"role\":\"admin\"}");
    }

    @Test
    void escapesQuotesBackslashesAndControlCharacters() {
        assertThat(CanonicalJson.of(Map.of("k", "a\"b\\c\nd\u0001é")))
                .isEqualTo("{\"k\":\"a\\\"b\\\\c\\nd\\u0001é\"}");
        assertThat(CanonicalJson.of(Map.of())).isEqualTo("{}");
    }
}
