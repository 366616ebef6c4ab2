package dev.steward.server.serving;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.core.serving.Prediction;
import dev.steward.core.serving.RequestInput;
import dev.steward.server.http.Json;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * MLflow's scoring protocol ({@code mlflow models serve}'s {@code /invocations}): a JSON body with
 * exactly one of {@code dataframe_split}, {@code dataframe_records}, {@code instances} and
 * {@code inputs} (and optional {@code params}), or a CSV body with a header row; the answer
 * {@code {"predictions": [...]}}: a classifier's labels, a regression model's values. Errors read
 * as MLflow's ({@code BAD_REQUEST} for what cannot be read, 415 for another content type).
 * Thread-safe.
 */
final class ScoringCodec {
    private static final List<String> FORMATS = List.of("dataframe_split", "dataframe_records", "instances", "inputs");
    private static final String REQUIRED = "The input must be a JSON dictionary with exactly one of the input fields {dataframe_split,"
            + " dataframe_records, instances, inputs}";

    private final Json json;

    ScoringCodec(Json json) {
        this.json = requireNonNull(json, "json is null");
    }

    RequestInput.Table read(byte[] body, String contentType) {
        String[] parts = (contentType == null ? "" : contentType).split(";");
        String mime = parts[0].trim().toLowerCase(Locale.ROOT);
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim().toLowerCase(Locale.ROOT);
            if (parameter.startsWith("charset=") ? !parameter.equals("charset=utf-8") : !parameter.isEmpty()) {
                throw StewardException.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "the scoring server reads UTF-8 only, without other content type"
                        + " parameters; got '" + contentType + "'");
            }
        }
        return switch (mime) {
            case "application/json" -> json(body);
            case "text/csv" -> Csv.read(new String(body, StandardCharsets.UTF_8));
            default -> throw StewardException.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "This predictor only supports the following content types:"
                    + " Types: ['text/csv', 'application/json']. Got '" + (contentType == null ? "" : contentType) + "'.");
        };
    }

    private RequestInput.Table json(byte[] body) {
        JsonNode root = json.readStrict(body, JsonNode.class);
        if (!root.isObject()) {
            throw StewardException.of(ErrorCode.MALFORMED_REQUEST, REQUIRED + ". Received " + (root.isArray() ? "a list" : "a " + root.getNodeType()
                    .name().toLowerCase(Locale.ROOT)) + ".");
        }
        List<String> present = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            keys.add(name);
            if (FORMATS.contains(name)) {
                present.add(name);
            }
        }
        if (present.size() != 1) {
            throw StewardException.of(ErrorCode.MALFORMED_REQUEST, REQUIRED + ". Received dictionary with input fields: " + keys + ".");
        }
        String format = present.get(0);
        Map<String, String> params = JsonTables.parameters(root.get("params"), "params");
        JsonNode data = root.get(format);
        return switch (format) {
            case "dataframe_split" -> split(data, params);
            case "dataframe_records" -> JsonTables.records(data, format, params);
            default -> tensorInput(data, format, params);
        };
    }

    /** pandas' split orient: {@code columns} and row-major {@code data} (an {@code index}, if any, is ignored). */
    private static RequestInput.Table split(JsonNode split, Map<String, String> params) {
        if (!split.isObject()) {
            throw StewardException.invalid("dataframe_split", "'dataframe_split' must be an object with 'columns' and 'data'");
        }
        for (Iterator<String> names = split.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!List.of("columns", "data", "index").contains(name)) {
                throw StewardException.invalid("dataframe_split." + name, "unknown field '" + name + "' in 'dataframe_split': it has columns, data"
                        + " and index");
            }
        }
        List<String> columns = new ArrayList<>();
        JsonNode names = split.path("columns");
        if (!names.isMissingNode()) {
            if (!names.isArray()) {
                throw StewardException.invalid("dataframe_split.columns", "'dataframe_split.columns' must be a list of column names");
            }
            for (JsonNode name : names) {
                if (!name.isTextual()) {
                    throw StewardException.invalid("dataframe_split.columns", "'dataframe_split.columns' holds " + name + ", not a column name");
                }
                columns.add(name.textValue());
            }
        }
        if (!split.has("data")) {
            throw StewardException.invalid("dataframe_split.data", "'dataframe_split' lacks 'data', its rows");
        }
        return JsonTables.rows(split.get("data"), columns, "dataframe_split", params);
    }

    /** TF Serving's forms: a list of records or of rows ({@code instances}, {@code inputs}), or columns by name ({@code inputs}). */
    private static RequestInput.Table tensorInput(JsonNode data, String format, Map<String, String> params) {
        if (data.isObject()) {
            return JsonTables.columns(data, format, params);
        }
        if (data.isArray() && !data.isEmpty() && data.get(0).isObject()) {
            return JsonTables.records(data, format, params);
        }
        return JsonTables.rows(data, List.of(), format, params);
    }

    /** {@code {"predictions": [...]}}: one label (classifier; the fallback, or null, when it abstained) or one value (regression) per row. */
    byte[] response(Prediction prediction) {
        ByteArrayBuilder bytes = new ByteArrayBuilder(64);
        try (JsonGenerator g = json.mapper().getFactory().createGenerator(bytes)) {
            g.writeStartObject();
            g.writeArrayFieldStart("predictions");
            if (prediction.classification().isPresent()) {
                for (String label : prediction.classification().get().labels()) {
                    g.writeString(label);
                }
            } else {
                for (double value : prediction.values().orElseThrow(() -> StewardException.invalid("model",
                        "the model has neither a label nor a prediction output to answer with"))) {
                    g.writeNumber(value);
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw StewardException.internal("writing predictions", e);
        }
        return bytes.toByteArray();
    }
}
