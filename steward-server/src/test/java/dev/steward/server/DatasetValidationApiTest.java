package dev.steward.server;

import static dev.steward.server.StewardServerTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.server.config.ConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Validation suites, reports, quarantine by a failed suite, and comparisons of versions over HTTP. */
class DatasetValidationApiTest {
    private static final String QUALITY = """
            name: penguins-quality
            description: what every penguins extract must satisfy
            checks:
              - check: row_count
                min: 100
                max: 1000
              - check: completeness
                column: sex
                min: 0.99
              - check: completeness
                column: species
              - check: allowed_values
                column: species
                values: [Adelie, Chinstrap, Gentoo]
              - check: range
                column: beak_length_mm
                min: 30
                max: 60
              - check: pattern
                column: island
                regex: "[A-Z][a-z]+"
              - check: mean
                column: body_mass_g
                min: 4000
                max: 4400
              - check: quantile
                column: flipper_length_mm
                q: 0.5
                min: 190
                max: 200
              - check: uniqueness
                column: body_mass_g
                severity: warning
              - check: schema
                columns:
                  - {name: species, type: string, nullable: false}
                  - {name: body_mass_g, type: integer}
            """;

    @TempDir
    static Path home;

    static StewardServer server;
    static HttpTestClient http;
    static String admin;
    static byte[] penguins;
    static byte[] gentoo;

    @BeforeAll
    static void start() throws IOException {
        server = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0"))));
        http = new HttpTestClient(server.uri());
        admin = server.createdAdminToken().orElseThrow();
        try (InputStream in = DatasetValidationApiTest.class.getResourceAsStream("/data/penguins.csv")) {
            penguins = in.readAllBytes();
        }
        String text = new String(penguins, StandardCharsets.UTF_8);
        gentoo = text.lines().filter(line -> line.startsWith("species") || line.startsWith("Gentoo"))
                .collect(Collectors.joining("\n", "", "\n")).getBytes(StandardCharsets.UTF_8);
        assertThat(upload("penguins", "penguins.csv", penguins).statusCode()).isEqualTo(201);
        assertThat(upload("penguins", "gentoo.csv", gentoo).statusCode()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aFailedCompletenessCheckNamesTheColumnAndValuesAndQuarantinesTheVersion() {
        HttpResponse<String> added = addSuite(QUALITY);
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        assertThat(json(added).get("version").asInt()).isEqualTo(1);
        assertThat(json(added).get("checks").asInt()).isEqualTo(10);
        assertThat(addSuite(QUALITY).statusCode()).as("the same definition again is not a new version").isEqualTo(200);

        HttpResponse<String> validated = http.post("/api/v1/datasets/penguins/versions/1/validate", admin, "{\"suite\":\"penguins-quality\"}");
        assertThat(validated.statusCode()).as(validated.body()).isEqualTo(200);
        JsonNode report = json(validated);
        assertThat(report.get("passed").asBoolean()).isFalse();
        assertThat(report.get("quarantined").asBoolean()).isTrue();
        Map<String, JsonNode> checks = new java.util.LinkedHashMap<>();
        report.get("checks").forEach(c -> checks.put(c.get("index").asInt() + ":" + c.get("check").asText(), c));
        JsonNode sex = checks.get("1:completeness");
        assertThat(sex.get("passed").asBoolean()).isFalse();
        assertThat(sex.get("column").asText()).isEqualTo("sex");
        assertThat(sex.get("observed").asDouble()).isCloseTo(334.0 / 344, within(1e-12));
        assertThat(sex.get("expected").asText()).isEqualTo(">= 0.99");
        assertThat(sex.get("message").asText()).contains("'sex'", "97.09%", "10 of 344", "99.00%");
        assertThat(checks.values()).filteredOn(c -> !c.get("passed").asBoolean())
                .extracting(c -> c.get("check").asText() + "/" + c.get("severity").asText())
                .containsExactlyInAnyOrder("completeness/error", "uniqueness/warning");
        assertThat(checks.get("6:mean").get("observed").asDouble()).isCloseTo(4201.754385964912, within(1e-9));
        assertThat(checks.get("7:quantile").get("observed").asDouble()).isEqualTo(197.0);
        assertThat(checks.get("3:allowed_values").get("observed").asDouble()).isEqualTo(1.0);

        JsonNode version = json(http.get("/api/v1/datasets/penguins/versions/1", admin));
        assertThat(version.get("status").asText()).isEqualTo("quarantined");
        JsonNode quarantine = json(http.get("/api/v1/audit?action=dataset.version.quarantine", admin)).get("events");
        assertThat(quarantine).anySatisfy(e -> assertThat(e.at("/details/reason").asText())
                .isEqualTo("validation suite penguins-quality@1 failed: completeness(sex)"));
        JsonNode validations = json(http.get("/api/v1/audit?action=dataset.version.validate", admin)).get("events");
        assertThat(validations).anySatisfy(e -> assertThat(e.at("/details/report").asText()).isEqualTo(report.get("id").asText()));

        JsonNode stored = json(http.get("/api/v1/validation-reports/" + report.get("id").asText(), admin));
        assertThat(stored).isEqualTo(report);
        assertThat(json(http.get("/api/v1/datasets/penguins/versions/1/reports", admin)).get("reports")).anySatisfy(r ->
                assertThat(r.get("id").asText()).isEqualTo(report.get("id").asText()));

        HttpResponse<String> released = http.post("/api/v1/datasets/penguins/versions/1/release", admin,
                "{\"reason\":\"sex is optional for this use; reviewed by the data owner\"}");
        assertThat(released.statusCode()).as(released.body()).isEqualTo(200);
    }

    @Test
    void aSuiteWithOnFailureReportLeavesTheVersionActive() {
        String suite = """
                {"name": "report-only", "on_failure": "report",
                 "checks": [{"check": "row_count", "min": 1000}]}
                """;
        assertThat(addSuite(suite).statusCode()).isEqualTo(201);
        JsonNode report = json(http.post("/api/v1/datasets/penguins/versions/2/validate", admin, "{\"suite\":\"report-only\",\"suite_version\":1}"));
        assertThat(report.get("passed").asBoolean()).isFalse();
        assertThat(report.get("quarantined").asBoolean()).isFalse();
        assertThat(report.at("/checks/0/message").asText()).isEqualTo("the version has 124 rows, expected >= 1000");
        assertThat(json(http.get("/api/v1/datasets/penguins/versions/2", admin)).get("status").asText()).isEqualTo("active");
    }

    @Test
    void comparesTwoVersionsWithTheStatisticsOfScipy() {
        HttpResponse<String> response = http.get("/api/v1/datasets/penguins/compare?reference=1&current=2&correction=bonferroni", admin);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode comparison = json(response);
        Map<String, JsonNode> columns = new java.util.HashMap<>();
        comparison.get("columns").forEach(c -> columns.put(c.get("column").asText(), c));
        // Expected values: scipy.stats.ks_2samp / chi2_contingency on the same columns (SciPy 1.10.1).
        assertThat(columns.get("body_mass_g").get("test").asText()).isEqualTo("ks");
        assertThat(columns.get("body_mass_g").get("statistic").asDouble()).isCloseTo(0.5402225074882328, within(1e-12));
        assertThat(columns.get("body_mass_g").get("p_value").asDouble()).isCloseTo(7.096476498818211e-25, within(1e-9));
        assertThat(columns.get("beak_length_mm").get("statistic").asDouble()).isCloseTo(0.40543431750106973, within(1e-12));
        assertThat(columns.get("island").get("test").asText()).isEqualTo("chi2");
        assertThat(columns.get("island").get("statistic").asDouble()).isCloseTo(101.68079006052884, within(1e-9));
        assertThat(columns.get("body_mass_g").get("reference_count").asLong()).isEqualTo(342);
        assertThat(columns.get("body_mass_g").get("reference_missing").asLong()).isEqualTo(2);
        assertThat(columns.get("body_mass_g").get("adjusted_p_value").asDouble())
                .isCloseTo(Math.min(1, 7 * columns.get("body_mass_g").get("p_value").asDouble()), within(1e-15));
        assertThat(comparison.get("tested_columns").asInt()).isEqualTo(7);
        assertThat(comparison.get("drifted").asBoolean()).isTrue();
        assertThat(comparison.at("/schema/domains")).extracting(d -> d.get("column").asText()).contains("species", "island");

        JsonNode same = json(http.get("/api/v1/datasets/penguins/compare?reference=2&current=2", admin));
        assertThat(same.get("drifted_columns").asInt()).isZero();
        assertThat(same.at("/columns/2/p_value").asDouble()).isEqualTo(1.0);
        assertThat(same.at("/columns/2/psi").asDouble()).isZero();
    }

    @Test
    void aDriftCheckFailsWhenColumnsMovedFromTheReference() {
        String suite = """
                name: no-drift
                on_failure: report
                checks:
                  - check: drift
                    reference: 1
                    columns: [body_mass_g, flipper_length_mm]
                """;
        assertThat(addSuite(suite).statusCode()).isEqualTo(201);
        JsonNode report = json(http.post("/api/v1/datasets/penguins/versions/2/validate", admin, "{\"suite\":\"no-drift\"}"));
        assertThat(report.get("passed").asBoolean()).isFalse();
        assertThat(report.at("/checks/0/observed").fieldNames()).toIterable().containsExactly("body_mass_g", "flipper_length_mm");
        assertThat(report.at("/checks/0/message").asText()).startsWith("2 column(s) drifted from version 1");
    }

    @Test
    void theOpenApiDocumentDescribesTheRoutes() {
        assertThat(json(http.get("/api/v1/openapi.json", null)).get("paths").fieldNames()).toIterable().contains(
                "/api/v1/datasets/{name}/compare", "/api/v1/validation-suites", "/api/v1/validation-suites/{name}",
                "/api/v1/datasets/{name}/versions/{version}/validate", "/api/v1/datasets/{name}/versions/{version}/reports",
                "/api/v1/validation-reports/{id}");
    }

    @Test
    void badSuitesAreRejectedWithTheFieldThatIsWrong() {
        assertError(addSuite("name: x\nchecks:\n  - check: completness\n    column: a\n"), 400, "checks[0].check",
                "unknown check 'completness'");
        assertError(addSuite("name: x\nchecks:\n  - check: range\n    column: a\n    min: 5\n    max: 1\n"), 400, "checks[0].min",
                "greater than max");
        assertError(addSuite("name: x\nchecks:\n  - check: pattern\n    column: a\n    regex: \"[a-\"\n"), 400, "checks[0].regex",
                "regular expression is invalid");
        assertError(addSuite("name: x\nchecks:\n  - check: completeness\n    column: a\n    minimum: 0.9\n"), 400, "checks[0].minimum",
                "unknown key");
        assertError(addSuite("name: x\nchecks: []\n"), 400, "checks", "non-empty list");
        assertError(addSuite("name: [unclosed\n"), 400, "suite", "not valid YAML or JSON");
        assertError(addSuite("name: x\nchecks:\n  - check: completeness\n    column: a\n    min: 2\n"), 400, "checks[0].min",
                "between 0 and 1");
        assertError(http.post("/api/v1/datasets/penguins/versions/1/validate", admin, "{\"suite\":\"nope\"}"), 404, null,
                "no validation suite named 'nope'");
        assertError(http.get("/api/v1/datasets/penguins/compare?current=2", admin), 400, "reference", "'reference' is required");
        assertError(http.get("/api/v1/datasets/penguins/compare?reference=1&columns=wings", admin), 400, "columns", "column 'wings'");
        assertError(http.get("/api/v1/datasets/penguins/compare?reference=1&correction=holm", admin), 400, "correction", "unknown correction");
    }

    @Test
    void aCheckOnAMissingOrMistypedColumnFailsWithAClearMessage() {
        String suite = """
                name: wrong-columns
                on_failure: report
                checks:
                  - {check: completeness, column: wings}
                  - {check: mean, column: species, min: 0}
                """;
        assertThat(addSuite(suite).statusCode()).isEqualTo(201);
        JsonNode report = json(http.post("/api/v1/datasets/penguins/versions/2/validate", admin, "{\"suite\":\"wrong-columns\"}"));
        assertThat(report.at("/checks/0/message").asText()).startsWith("there is no column 'wings'; the columns are [species, island");
        assertThat(report.at("/checks/1/message").asText()).isEqualTo("column 'species' is string; a mean check needs numbers");
    }

    private static void assertError(HttpResponse<String> response, int status, String field, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = json(response);
        if (field != null) {
            assertThat(body.get("field").asText()).isEqualTo(field);
        }
        assertThat(body.get("message").asText()).contains(message);
    }

    private static HttpResponse<String> addSuite(String definition) {
        return http.send(HttpRequest.newBuilder(server.uri().resolve("/api/v1/validation-suites"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(definition)));
    }

    private static HttpResponse<String> upload(String dataset, String fileName, byte[] content) {
        return http.send(HttpRequest.newBuilder(server.uri().resolve("/api/v1/datasets/" + dataset + "/versions?file_name=" + fileName))
                .header("Authorization", "Bearer " + admin)
                .POST(HttpRequest.BodyPublishers.ofByteArray(content)));
    }
}
