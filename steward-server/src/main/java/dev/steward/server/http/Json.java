package dev.steward.server.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.steward.core.util.NulCharacters;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * JSON reading and writing for the HTTP layer, with the request limits applied while parsing
 * (nesting depth, string length) and every parse failure turned into a clear 4xx error.
 * Field names are snake_case on the wire. A string field takes only a JSON string: a number or a
 * boolean there is refused rather than turned into text (MLflow's protobuf parser refuses it
 * too), and no string may hold a NUL character or an unpaired surrogate (neither can be stored
 * faithfully). The other way round is accepted: protobuf's JSON form, which MLflow's clients send,
 * writes 64-bit integers as strings. A list may not hold null (protobuf's parser refuses that
 * too). Thread-safe.
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
        mapper.registerModule(new SimpleModule("steward-strings").addDeserializer(String.class, new StorableStringDeserializer()));
        mapper.configOverride(List.class).setSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL));
        for (CoercionInputShape scalar : new CoercionInputShape[] {CoercionInputShape.Integer, CoercionInputShape.Float,
                CoercionInputShape.Boolean}) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(scalar, CoercionAction.Fail);
        }
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
        } catch (UnstorableStringException e) {
            String path = path(e);
            String field = path.isEmpty() ? "body" : path;
            if (e.nul) {
                throw NulCharacters.error(field, "field '" + field + "'");
            }
            throw StewardException.invalid(field, "field '" + field + "' is not valid Unicode: it holds an unpaired surrogate");
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
            if (e instanceof InvalidNullException) {
                throw StewardException.invalid(field, "field '" + field + "' is null: expected " + describe(e.getTargetType()));
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
            if (e.getCause() instanceof InputCoercionException outOfRange && !field.isEmpty()) {
                throw StewardException.invalid(field, "field '" + field + "' is out of range: " + firstLine(outOfRange));
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

    /**
     * Strings as Jackson reads them, refusing what no store keeps faithfully: a NUL (PostgreSQL
     * cannot store one, and in a name it only hides what follows) and an unpaired surrogate (a JSON
     * escape of half a surrogate pair; it would be stored as '?').
     */
    private static final class StorableStringDeserializer extends StringDeserializer {
        private static final long serialVersionUID = 1L;

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String value = super.deserialize(p, ctxt);
            if (value == null) {
                return null;
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '\0') {
                    throw new UnstorableStringException(p, true);
                }
                if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    throw new UnstorableStringException(p, false);
                }
            }
            return value;
        }
    }

    private static final class UnstorableStringException extends MismatchedInputException {
        private static final long serialVersionUID = 1L;
        private final boolean nul;

        UnstorableStringException(JsonParser p, boolean nul) {
            super(p, nul ? "a string holds a NUL character" : "a string holds an unpaired surrogate", String.class);
            this.nul = nul;
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
