package dev.steward.server.mlflow;

import static java.util.Objects.requireNonNull;

import dev.steward.server.http.Json;
import dev.steward.server.mlflow.MlflowJson.Tag;
import dev.steward.spi.StewardException;
import dev.steward.spi.tracking.KeyValue;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reading MLflow's requests and writing its responses, shared by the tracking and the registry
 * routes: bodies read leniently (MLflow clients send fields a given server may not know),
 * MLflow's wording for missing and malformed parameters. Thread-safe.
 */
final class MlflowWire {
    private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.UTF_8);

    private final Json json;

    MlflowWire(Json json) {
        this.json = requireNonNull(json, "json is null");
    }

    <T> T read(Context ctx, Class<T> type) {
        byte[] body = ctx.bodyAsBytes();
        // MLflow clients may send an empty body for requests whose fields are all optional.
        return json.readLenient(body.length == 0 ? EMPTY_OBJECT : body, type);
    }

    void ok(Context ctx, Object body) {
        json.respond(ctx, 200, body);
    }

    /** A query parameter MLflow requires; empty counts as missing, as protobuf reads it. */
    static String required(Context ctx, String name) {
        String value = ctx.queryParam(name);
        return present(name, value == null || value.isEmpty() ? null : value);
    }

    static <T> T present(String name, T value) {
        if (value == null) {
            throw StewardException.invalid(name, "Missing value for required parameter '" + name + "'. See the API docs for more"
                    + " information about request parameters.");
        }
        return value;
    }

    static int integer(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw StewardException.invalid(name, "Invalid value '" + value + "' for parameter '" + name + "': expected an integer");
        }
    }

    /** MLflow's key-value lists: the key is required, an absent value is empty (protobuf's default). */
    static List<KeyValue> pairs(List<Tag> tags) {
        if (tags == null) {
            return List.of();
        }
        return tags.stream().map(t -> new KeyValue(present("key", t.key()), t.value() == null ? "" : t.value())).toList();
    }
}
