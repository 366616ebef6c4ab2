package dev.steward.server.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares responses field by field with the golden MLflow responses in
 * {@code src/test/resources/mlflow/golden} (see its README): a field too many or too few fails,
 * and placeholders stand for what differs on every run, each bound on first sight in {@code vars}.
 */
final class GoldenJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(\\w+)}");

    private GoldenJson() {}

    static JsonNode json(HttpResponse<String> response) {
        try {
            return MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    static void matches(String golden, JsonNode actual, Map<String, String> vars) {
        try (InputStream in = GoldenJson.class.getResourceAsStream("/mlflow/golden/" + golden)) {
            if (in == null) {
                fail("no golden file %s", golden);
            }
            compare(golden, "$", MAPPER.readTree(in), actual, vars);
        } catch (IOException e) {
            throw new AssertionError("cannot read golden file " + golden, e);
        }
    }

    private static void compare(String golden, String path, JsonNode expected, JsonNode actual, Map<String, String> vars) {
        if (actual == null || actual.isMissingNode()) {
            fail("%s: %s is missing (expected %s)", golden, path, expected);
        }
        if (expected.isObject()) {
            assertThat(actual.isObject()).as("%s: %s is an object", golden, path).isTrue();
            assertThat(fieldNames(actual)).as("%s: fields of %s", golden, path).isEqualTo(fieldNames(expected));
            expected.fields().forEachRemaining(e -> compare(golden, path + "." + e.getKey(), e.getValue(), actual.get(e.getKey()), vars));
        } else if (expected.isArray()) {
            assertThat(actual.size()).as("%s: length of %s", golden, path).isEqualTo(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                compare(golden, path + "[" + i + "]", expected.get(i), actual.get(i), vars);
            }
        } else if (expected.isTextual() && expected.asText().contains("${")) {
            placeholder(golden, path, expected.asText(), actual, vars);
        } else {
            assertThat(actual).as("%s: %s", golden, path).isEqualTo(expected);
        }
    }

    private static void placeholder(String golden, String path, String pattern, JsonNode actual, Map<String, String> vars) {
        if (pattern.equals("${time}")) {
            assertThat(actual.isIntegralNumber()).as("%s: %s is epoch milliseconds as a number", golden, path).isTrue();
            return;
        }
        assertThat(actual.isTextual()).as("%s: %s is a string", golden, path).isTrue();
        StringBuilder regex = new StringBuilder();
        List<String> names = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(pattern);
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(pattern.substring(last, m.start())));
            String name = m.group(1);
            regex.append(switch (name) {
                case "run_id" -> "([0-9a-f]{32})";
                case "experiment_id" -> "([0-9]+)";
                case "sha256" -> "([0-9a-f]{64})";
                default -> "(.*)";
            });
            names.add(name);
            last = m.end();
        }
        regex.append(Pattern.quote(pattern.substring(last)));
        Matcher actualMatch = Pattern.compile(regex.toString()).matcher(actual.asText());
        assertThat(actualMatch.matches()).as("%s: %s = %s matches %s", golden, path, actual, pattern).isTrue();
        for (int i = 0; i < names.size(); i++) {
            String value = actualMatch.group(i + 1);
            String known = vars.putIfAbsent(names.get(i), value);
            if (known != null && !names.get(i).equals("any")) {
                assertThat(value).as("%s: %s is the same %s as before", golden, path, names.get(i)).isEqualTo(known);
            }
        }
    }

    private static TreeSet<String> fieldNames(JsonNode node) {
        TreeSet<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
