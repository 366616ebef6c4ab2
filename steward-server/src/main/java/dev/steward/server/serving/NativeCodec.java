package dev.steward.server.serving;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.core.serving.Prediction;
import dev.steward.core.serving.RequestInput;
import dev.steward.server.http.Json;
import dev.steward.spi.StewardException;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;

/**
 * Steward's records API: {@code {"records": [{column: value}, ...], "parameters": {...}}} in,
 * {@code {"request_id", "deployment", "model", "version", "revision", "arm", "predictions": [...]}}
 * out, each prediction a classifier's {@code label}, {@code probabilities} by class,
 * {@code confidence} and {@code abstained}, or a regression model's {@code prediction}.
 * Thread-safe.
 */
final class NativeCodec {
    private final Json json;

    NativeCodec(Json json) {
        this.json = requireNonNull(json, "json is null");
    }

    RequestInput.Table read(byte[] body) {
        JsonNode root = json.readStrict(body, JsonNode.class);
        if (!root.isObject()) {
            throw StewardException.invalid("records", "the request body must be an object: {\"records\": [{column: value, ...}, ...]}");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!List.of("records", "parameters").contains(name)) {
                throw StewardException.invalid(name, "unknown field '" + name + "'; known fields: parameters, records");
            }
        }
        if (!root.has("records")) {
            throw StewardException.invalid("records", "'records' is required: a list of objects of column names to values");
        }
        return JsonTables.records(root.get("records"), "records", JsonTables.parameters(root.get("parameters"), "parameters"));
    }

    byte[] response(Prediction prediction) {
        ByteArrayBuilder bytes = new ByteArrayBuilder(256);
        try (JsonGenerator g = json.mapper().getFactory().createGenerator(bytes)) {
            g.writeStartObject();
            g.writeStringField("request_id", prediction.requestId());
            g.writeStringField("deployment", prediction.deployment());
            g.writeStringField("model", prediction.model());
            g.writeNumberField("version", prediction.version());
            g.writeNumberField("revision", prediction.revision());
            g.writeStringField("arm", prediction.arm());
            g.writeArrayFieldStart("predictions");
            if (prediction.classification().isPresent()) {
                Prediction.Classification c = prediction.classification().get();
                int k = c.classes().size();
                for (int r = 0; r < prediction.rows(); r++) {
                    g.writeStartObject();
                    if (c.labels()[r] == null) {
                        g.writeNullField("label");
                    } else {
                        g.writeStringField("label", c.labels()[r]);
                    }
                    g.writeObjectFieldStart("probabilities");
                    for (int j = 0; j < k; j++) {
                        g.writeNumberField(c.classes().get(j), c.probabilities()[r * k + j]);
                    }
                    g.writeEndObject();
                    g.writeNumberField("confidence", c.confidence()[r]);
                    g.writeBooleanField("abstained", c.abstained()[r]);
                    g.writeEndObject();
                }
            } else {
                for (double value : prediction.values().orElseThrow(() -> StewardException.invalid("model",
                        "the model has neither a label nor a prediction output to answer with"))) {
                    g.writeStartObject();
                    g.writeNumberField("prediction", value);
                    g.writeEndObject();
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
