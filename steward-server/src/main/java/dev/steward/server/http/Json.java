package dev.steward.server.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import java.io.IOException;
import java.util.stream.Collectors;

/**
 * JSON reading and writing for the HTTP layer, with the request limits applied while parsing
 * (nesting depth, string length) and every parse failure turned into a clear 4xx error.
 * Field names are snake_case on the wire. Thread-safe.
 */
public final class Json {
    private final ObjectMapper strict;
    private final ObjectMapper lenient;

    public Json(int maxDepth, int maxStringLength) {
        this.strict = newMapper(maxDepth, maxStringLength, true);
        this.lenient = newMapper(maxDepth, maxStringLength, false);
    }

    private static ObjectMapper newMapper(int maxDepth, int maxStringLength, boolean failOnUnknown) {
        ObjectMapper mapper = new ObjectMapper();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(maxDepth)
                .maxStringLength(maxStringLength)
                .build());
        // MLflow clients may send NaN and Infinity as bare literals (Python's json does).
        mapper.enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS.mappedFeature());
        mapper.registerModule(new Jdk8Module());
        mapper.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        mapper.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, failOnUnknown);
        mapper.configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);
        mapper.configure(DeserializationFeature.ACCEPT_FLOAT_AS_INT, false);
        mapper.configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false);
        mapper.configure(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, false);
        return mapper;
    }

    /** Parses a request body into {@code type}, rejecting fields the type does not declare. */
    public <T> T readStrict(byte[] body, Class<T> type) {
        return read(strict, body, type);
    }

    /** Parses a request body into {@code type}, ignoring fields the type does not declare. */
    public <T> T readLenient(byte[] body, Class<T> type) {
        return read(lenient, body, type);
    }

    public ObjectMapper mapper() {
        return strict;
    }

    /** Writes {@code body} as the JSON response with the given status. */
    public void respond(io.javalin.http.Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(write(body));
    }

    public String write(Object value) {
        try {
            return strict.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw StewardException.internal("writing a JSON response", e);
        }
    }

    private static <T> T read(ObjectMapper mapper, byte[] body, Class<T> type) {
        requireNonNull(body, "body is null");
        if (body.length == 0) {
            throw StewardException.of(ErrorCode.MALFORMED_REQUEST, "the request body is empty: send a JSON object");
        }
        try {
            T value = bindWithinLimits(mapper, body, type);
            if (value == null) {
                throw StewardException.of(ErrorCode.MALFORMED_REQUEST, "the request body is JSON null: send a JSON object");
            }
            return value;
        } catch (StreamConstraintsException e) {
            throw StewardException.of(ErrorCode.MALFORMED_REQUEST, "the request exceeds a limit: " + firstLine(e));
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
            throw StewardException.invalid(e.getPropertyName(), "unknown field '" + e.getPropertyName() + "'"
                    + (known.isEmpty() ? "" : "; known fields: " + known));
        } catch (MismatchedInputException e) {
            String field = path(e);
            if (field.isEmpty()) {
                throw StewardException.of(ErrorCode.MALFORMED_REQUEST, "the request body must be a JSON object");
            }
            throw StewardException.invalid(field, "field '" + field + "' has the wrong type or is missing: expected "
                    + describe(e.getTargetType()));
        } catch (JsonParseException e) {
            throw StewardException.of(ErrorCode.MALFORMED_REQUEST, "malformed JSON at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ": " + firstLine(e));
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof StewardException stewardException) {
                throw stewardException;
            }
            String field = path(e);
            if (e.getCause() instanceof IllegalArgumentException || e.getCause() instanceof NullPointerException) {
                throw StewardException.invalid(field.isEmpty() ? "body" : field, e.getCause().getMessage());
            }
            throw StewardException.of(ErrorCode.MALFORMED_REQUEST, "cannot read the request: " + firstLine(e));
        } catch (IOException e) {
            throw StewardException.of(ErrorCode.MALFORMED_REQUEST, "cannot read the request body: " + firstLine(e));
        }
    }

    /**
     * Binds the body directly (the fast path). When binding fails on a type mismatch it may have
     * stopped before reaching a part of the body that breaks a limit; the body is then parsed as a
     * whole, so that a limit violation is reported as such rather than as a wrong type.
     */
    private static <T> T bindWithinLimits(ObjectMapper mapper, byte[] body, Class<T> type) throws IOException {
        try {
            return mapper.readValue(body, type);
        } catch (MismatchedInputException e) {
            JsonNode tree = mapper.readTree(body);
            if (tree == null || tree.isMissingNode()) {
                throw StewardException.of(ErrorCode.MALFORMED_REQUEST, "the request body is empty: send a JSON object");
            }
            throw e;
        }
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "a whole number";
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type.isRecord() || type == java.util.Map.class) {
            return "an object";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        return type.getSimpleName();
    }

    private static String firstLine(Exception e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
