package dev.steward.server.serving;

import static dev.steward.server.serving.ServingFixture.json;
import static dev.steward.server.serving.ServingFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MLflow's scoring protocol conformance at {@code /deployments/{name}/invocations}: the request
 * shapes MLflow's documentation gives for {@code mlflow models serve} ({@code dataframe_split},
 * {@code dataframe_records}, {@code instances}, {@code inputs}, CSV with a header) answered with
 * {@code {"predictions": [...]}}, a classifier's labels, as MLflow answers for a scikit-learn
 * classifier; errors in MLflow's {@code {"error_code", "message"}} with its codes and statuses.
 */
class ServingMlflowScoringTest {
    private static final String COLUMNS = "[\"island\", \"beak_length_mm\", \"beak_depth_mm\", \"flipper_length_mm\", \"body_mass_g\", \"sex\"]";
    private static final String ADELIE = "[\"Torgersen\", 39.1, 18.7, 181, 3750, \"MALE\"]";
    private static final String GENTOO = "[\"Biscoe\", 46.1, 13.2, 211, 4500, \"FEMALE\"]";

    static ServingFixture fixture;

    @BeforeAll
    static void start() {
        fixture = ServingFixture.shared();
        fixture.deploy("scoring-api", ServingFixture.rf("", 1, 1));
    }

    private static HttpResponse<String> score(String deployment, String contentType, String body) {
        HttpRequest.Builder request = fixture.http.builder("/deployments/" + deployment + "/invocations", fixture.inference)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return fixture.http.send(request);
    }

    private static JsonNode predictions(String contentType, String body) {
        HttpResponse<String> response = ok(score("scoring-api", contentType, body), 200);
        JsonNode answer = json(response);
        assertThat(answer.size()).as("only predictions: " + response.body()).isEqualTo(1);
        assertThat(response.headers().firstValue("X-Steward-Model")).contains("penguins-rf");
        assertThat(response.headers().firstValue("X-Request-Id")).isPresent();
        return answer.get("predictions");
    }

    private static void error(HttpResponse<String> response, int status, String code, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = json(response);
        assertThat(body.get("error_code").asText()).as(response.body()).isEqualTo(code);
        assertThat(body.get("message").asText()).contains(message);
        assertThat(body.has("field")).as("MLflow's shape has no field").isFalse();
    }

    @Test
    void everyJsonFormatOfTheScoringProtocolIsAnsweredWithTheLabels() {
        String split = "{\"dataframe_split\": {\"columns\": " + COLUMNS + ", \"data\": [" + ADELIE + ", " + GENTOO + "]}}";
        assertThat(predictions("application/json", split).toString()).isEqualTo("[\"Adelie\",\"Gentoo\"]");
        assertThat(predictions("application/json; charset=utf-8", "{\"dataframe_split\": {\"index\": [0], \"columns\": " + COLUMNS
                + ", \"data\": [" + ADELIE + "]}}").toString()).isEqualTo("[\"Adelie\"]");
        String records = "{\"dataframe_records\": [" + ServingFixture.PENGUIN + ", {\"island\": \"Biscoe\", \"beak_length_mm\": 46.1,"
                + " \"beak_depth_mm\": 13.2, \"flipper_length_mm\": 211, \"body_mass_g\": 4500, \"sex\": \"FEMALE\"}]}";
        assertThat(predictions("application/json", records).toString()).isEqualTo("[\"Adelie\",\"Gentoo\"]");
        assertThat(predictions("application/json", "{\"instances\": [" + ServingFixture.PENGUIN + "]}").toString()).isEqualTo("[\"Adelie\"]");
        assertThat(predictions("application/json", "{\"instances\": [" + ADELIE + "]}").toString()).as("rows by position").isEqualTo("[\"Adelie\"]");
        assertThat(predictions("application/json", "{\"inputs\": {\"island\": [\"Torgersen\"], \"beak_length_mm\": [39.1], \"beak_depth_mm\": [18.7],"
                + " \"flipper_length_mm\": [181], \"body_mass_g\": [3750], \"sex\": [\"MALE\"]}, \"params\": {\"note\": \"columns\"}}").toString())
                .isEqualTo("[\"Adelie\"]");
        assertThat(predictions("application/json", "{\"inputs\": [" + ADELIE + ", " + GENTOO + "]}").toString()).isEqualTo("[\"Adelie\",\"Gentoo\"]");
    }

    @Test
    void aCsvBodyWithAHeaderIsScoredWithMissingValuesAsTheModelTakesThem() {
        String csv = "island,beak_length_mm,beak_depth_mm,flipper_length_mm,body_mass_g,sex\r\n"
                + "Torgersen,39.1,18.7,181,3750,MALE\r\n"
                + "\"Biscoe\",46.1,13.2,211,4500,FEMALE\r\n"
                + "Torgersen,,,,,\r\n";

        assertThat(predictions("text/csv", csv).toString()).isEqualTo("[\"Adelie\",\"Gentoo\",\"Adelie\"]");
    }

    @Test
    void requestsTheScoringServerCannotReadAreRefusedInMlflowsShape() {
        error(score("scoring-api", "application/json", "{\"instances\": [], \"inputs\": []}"), 400, "BAD_REQUEST",
                "exactly one of the input fields {dataframe_split, dataframe_records, instances, inputs}. Received dictionary with input fields:"
                        + " [instances, inputs]");
        error(score("scoring-api", "application/json", "{\"data\": []}"), 400, "BAD_REQUEST", "Received dictionary with input fields: [data]");
        error(score("scoring-api", "application/json", "[" + ADELIE + "]"), 400, "BAD_REQUEST", "Received a list");
        error(score("scoring-api", "application/json", "{\"inputs\": "), 400, "BAD_REQUEST", "malformed JSON");
        error(score("scoring-api", "text/plain", "hello"), 415, "UNSUPPORTED_MEDIA_TYPE", "only supports the following content types");
        error(score("scoring-api", null, "{}"), 415, "UNSUPPORTED_MEDIA_TYPE", "Got ''");
        error(score("scoring-api", "application/json; charset=latin1", "{}"), 415, "UNSUPPORTED_MEDIA_TYPE", "UTF-8 only");
        error(score("scoring-api", "text/csv", "island,sex\n\"Biscoe,MALE\n"), 400, "BAD_REQUEST", "ends inside a quoted field");
        error(score("scoring-api", "text/csv", "island,sex\nBiscoe\n"), 400, "BAD_REQUEST", "CSV line 2 has 1 fields; the header names 2 columns");
    }

    @Test
    void inputsThatDoNotFitTheModelAreRefusedNamingTheColumn() {
        error(score("scoring-api", "application/json", "{\"dataframe_split\": {\"columns\": [\"island\"], \"data\": [[\"Biscoe\"]]}}"), 400,
                "INVALID_PARAMETER_VALUE", "needs the columns [beak_length_mm, beak_depth_mm, flipper_length_mm, body_mass_g, sex]");
        error(score("scoring-api", "application/json", "{\"dataframe_records\": [" + ServingFixture.PENGUIN.replace("}", ", \"colour\": \"red\"}")
                + "]}"), 400, "INVALID_PARAMETER_VALUE", "does not read the column 'colour'");
        error(score("scoring-api", "application/json", "{\"dataframe_records\": [" + ServingFixture.PENGUIN.replace("39.1", "\"long\"") + "]}"), 400,
                "INVALID_PARAMETER_VALUE", "the column 'beak_length_mm' takes numbers, not the text \"long\"");
        error(score("scoring-api", "application/json", "{\"instances\": [[\"Biscoe\", 46.1]]}"), 400, "INVALID_PARAMETER_VALUE",
                "each row holds 2 values; model penguins-rf/1 reads 6 columns");
        error(score("scoring-api", "application/json", "{\"dataframe_split\": {\"columns\": " + COLUMNS + ", \"data\": [[\"Biscoe\"]]}}"), 400,
                "INVALID_PARAMETER_VALUE", "row 0 of 'dataframe_split' has 1 values, not 6");
        error(score("nowhere", "application/json", "{\"instances\": []}"), 404, "RESOURCE_DOES_NOT_EXIST", "no deployment named 'nowhere'");
        error(fixture.http.send(fixture.http.builder("/deployments/scoring-api/invocations", null).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))), 401, "UNAUTHENTICATED", "needs an API token");
    }
}
