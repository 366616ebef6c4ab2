package dev.steward.server.serving;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.core.serving.Prediction;
import dev.steward.core.serving.RequestInput;
import dev.steward.core.training.ModelSignature;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import dev.steward.spi.serving.Datatype;
import dev.steward.spi.serving.Tensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Open Inference Protocol's JSON (v2 REST): inference requests read with Jackson's streaming
 * parser straight into typed arrays (tensor data flat or nested, row-major; the datatype and the
 * shape are checked against the data), and responses, metadata and health written with its
 * generator. Every malformed request is refused naming what is wrong. Thread-safe.
 */
final class OipCodec {
    /** What Triton calls an ONNX model served by ONNX Runtime. */
    static final String PLATFORM = "onnxruntime_onnx";
    private static final String REQUEST_FIELDS = "an inference request has the fields id, parameters, inputs and outputs";
    private static final String INPUT_FIELDS = "an input has the fields name, shape, datatype, parameters and data";

    private final JsonFactory factory;
    private final ObjectMapper mapper;

    OipCodec(ObjectMapper mapper) {
        this.mapper = requireNonNull(mapper, "mapper is null");
        this.factory = mapper.getFactory();
    }

    /** An inference request: its optional {@code id} and its tensors. */
    record InferRequest(Optional<String> id, RequestInput.Tensors input) {
    }

    InferRequest read(byte[] body) {
        if (body.length == 0) {
            throw StewardException.of(ErrorCode.MALFORMED_REQUEST, "the request body is empty: send an inference request, a JSON object with"
                    + " 'inputs'");
        }
        try (JsonParser p = factory.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw StewardException.of(ErrorCode.MALFORMED_REQUEST, "the request body must be a JSON object: " + REQUEST_FIELDS);
            }
            Optional<String> id = Optional.empty();
            Map<String, String> parameters = Map.of();
            List<Tensor> inputs = null;
            Optional<Set<String>> outputs = Optional.empty();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "id" -> id = Optional.of(text(p, value, "id"));
                    case "parameters" -> parameters = parameters(p, value, "parameters");
                    case "inputs" -> inputs = inputs(p, value);
                    case "outputs" -> outputs = Optional.of(outputs(p, value));
                    default -> throw StewardException.invalid(field, "unknown field '" + field + "': " + REQUEST_FIELDS);
                }
            }
            if (p.nextToken() != null) {
                throw StewardException.of(ErrorCode.MALFORMED_REQUEST, "the request body holds more than one JSON value");
            }
            if (inputs == null) {
                throw StewardException.invalid("inputs", "'inputs' is required: one tensor per model input, each with name, shape, datatype and data");
            }
            return new InferRequest(id, new RequestInput.Tensors(inputs, outputs, parameters));
        } catch (StreamConstraintsException e) {
            throw StewardException.of(ErrorCode.MALFORMED_REQUEST, "the request exceeds a limit: " + firstLine(e));
        } catch (JsonParseException e) {
            throw StewardException.of(ErrorCode.MALFORMED_REQUEST, "malformed JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": " + firstLine(e));
        } catch (IOException e) {
            throw StewardException.of(ErrorCode.MALFORMED_REQUEST, "cannot read the request: " + firstLine(e));
        }
    }

    private static String text(JsonParser p, JsonToken token, String field) throws IOException {
        if (token != JsonToken.VALUE_STRING) {
            throw StewardException.invalid(field, "'" + field + "' must be a string");
        }
        return p.getText();
    }

    /** Parameters: names to strings, numbers or booleans, kept as text. */
    private static Map<String, String> parameters(JsonParser p, JsonToken token, String field) throws IOException {
        if (token != JsonToken.START_OBJECT) {
            throw StewardException.invalid(field, "'" + field + "' must be an object of names to strings, numbers or booleans");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (!value.isScalarValue() || value == JsonToken.VALUE_NULL) {
                throw StewardException.invalid(field + "." + name, "parameter '" + name + "' must be a string, a number or a boolean");
            }
            parameters.put(name, p.getText());
        }
        return parameters;
    }

    private List<Tensor> inputs(JsonParser p, JsonToken token) throws IOException {
        if (token != JsonToken.START_ARRAY) {
            throw StewardException.invalid("inputs", "'inputs' must be a list of tensors");
        }
        List<Tensor> inputs = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            inputs.add(input(p, "inputs[" + inputs.size() + "]"));
        }
        return inputs;
    }

    private Tensor input(JsonParser p, String where) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw StewardException.invalid(where, where + " must be an object: " + INPUT_FIELDS);
        }
        String name = null;
        long[] shape = null;
        Datatype datatype = null;
        Elements data = null;
        JsonNode early = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "name" -> name = text(p, value, where + ".name");
                case "shape" -> shape = shape(p, value, where + ".shape");
                case "datatype" -> datatype = datatype(text(p, value, where + ".datatype"), where, name);
                case "parameters" -> parameters(p, value, where + ".parameters");
                case "data" -> {
                    if (value != JsonToken.START_ARRAY) {
                        throw StewardException.invalid(where + ".data", "the data of " + describe(where, name) + " must be a list (flat or nested,"
                                + " row-major)");
                    }
                    if (datatype == null) {
                        // The data came before its datatype: kept as a tree and read once the datatype is known.
                        early = mapper.readTree(p);
                    } else {
                        data = elements(p, datatype, where, name);
                    }
                }
                default -> throw StewardException.invalid(where + "." + field, "unknown field '" + field + "' in " + describe(where, name) + ": "
                        + INPUT_FIELDS);
            }
        }
        String missing = name == null ? "name" : shape == null ? "shape" : datatype == null ? "datatype" : data == null && early == null ? "data"
                : null;
        if (missing != null) {
            throw StewardException.invalid(where + "." + missing, describe(where, name) + " lacks '" + missing + "': " + INPUT_FIELDS);
        }
        if (early != null) {
            try (JsonParser tree = early.traverse()) {
                tree.nextToken();
                data = elements(tree, datatype, where, name);
            }
        }
        long expected = 1;
        for (long d : shape) {
            expected *= d;
            if (expected > Integer.MAX_VALUE) {
                throw StewardException.invalid(where + ".shape", "input '" + name + "' has the shape " + Arrays.toString(shape) + ", too many elements");
            }
        }
        if (expected != data.size) {
            throw StewardException.invalid(name, "input '" + name + "' has the shape " + Arrays.toString(shape) + " (" + expected + " elements) but "
                    + data.size + " elements of data");
        }
        return new Tensor(name, datatype, shape, data.array());
    }

    private static String describe(String where, String name) {
        return name == null ? where : "input '" + name + "'";
    }

    private static long[] shape(JsonParser p, JsonToken token, String field) throws IOException {
        if (token != JsonToken.START_ARRAY) {
            throw StewardException.invalid(field, "'shape' must be a list of dimensions, e.g. [1, 4]");
        }
        long[] dims = new long[4];
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER || p.getLongValue() < 0) {
                throw StewardException.invalid(field, "'shape' holds " + p.getText() + ": each dimension is a whole number, 0 or more");
            }
            if (n == dims.length) {
                dims = Arrays.copyOf(dims, n * 2);
            }
            dims[n++] = p.getLongValue();
        }
        return Arrays.copyOf(dims, n);
    }

    private static Datatype datatype(String name, String where, String input) {
        return Datatype.ofName(name).orElseThrow(() -> StewardException.invalid(where + ".datatype", describe(where, input) + " has the datatype '"
                + name + "', which Steward does not serve; it serves " + Arrays.toString(Datatype.values())));
    }

    /** Tensor data read into its datatype's array, flat, whatever the nesting. */
    private static final class Elements {
        private final Datatype datatype;
        private Object array;
        private int capacity = 8;
        private int size;

        Elements(Datatype datatype) {
            this.datatype = datatype;
            this.array = datatype.newArray(capacity);
        }

        /** The index of a new element, growing the array when it is full. */
        int next() {
            if (size == capacity) {
                capacity *= 2;
                Object bigger = datatype.newArray(capacity);
                System.arraycopy(array, 0, bigger, 0, size);
                array = bigger;
            }
            return size++;
        }

        Object array() {
            if (capacity == size) {
                return array;
            }
            Object exact = datatype.newArray(size);
            System.arraycopy(array, 0, exact, 0, size);
            return exact;
        }
    }

    /** Reads the list the parser is at (its START_ARRAY) and every list nested in it. */
    private static Elements elements(JsonParser p, Datatype datatype, String where, String name) throws IOException {
        Elements out = new Elements(datatype);
        int depth = 1;
        while (depth > 0) {
            JsonToken token = p.nextToken();
            if (token == JsonToken.START_ARRAY) {
                depth++;
                continue;
            }
            if (token == JsonToken.END_ARRAY) {
                depth--;
                continue;
            }
            element(p, token, datatype, out, where, name);
        }
        return out;
    }

    private static void element(JsonParser p, JsonToken token, Datatype datatype, Elements out, String where, String name) throws IOException {
        boolean number = token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT;
        switch (datatype) {
            case FP32, FP64 -> {
                if (!number) {
                    throw badElement(p, token, datatype, where, name, "numbers");
                }
                int at = out.next();
                if (datatype == Datatype.FP32) {
                    ((float[]) out.array)[at] = p.getFloatValue();
                } else {
                    ((double[]) out.array)[at] = p.getDoubleValue();
                }
            }
            case INT32, INT64 -> {
                boolean fits = token == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER
                        && (datatype == Datatype.INT64 || p.getNumberType() == JsonParser.NumberType.INT);
                if (!fits) {
                    throw badElement(p, token, datatype, where, name, datatype == Datatype.INT32 ? "whole numbers of 32 bits" : "whole numbers of 64 bits");
                }
                int at = out.next();
                if (datatype == Datatype.INT32) {
                    ((int[]) out.array)[at] = p.getIntValue();
                } else {
                    ((long[]) out.array)[at] = p.getLongValue();
                }
            }
            case BOOL -> {
                if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
                    throw badElement(p, token, datatype, where, name, "true or false");
                }
                ((boolean[]) out.array)[out.next()] = token == JsonToken.VALUE_TRUE;
            }
            case BYTES -> {
                if (token != JsonToken.VALUE_STRING) {
                    throw badElement(p, token, datatype, where, name, "strings");
                }
                ((String[]) out.array)[out.next()] = p.getText();
            }
        }
    }

    private static StewardException badElement(JsonParser p, JsonToken token, Datatype datatype, String where, String name, String wanted)
            throws IOException {
        String seen = token == JsonToken.START_OBJECT ? "an object" : token == JsonToken.VALUE_NULL ? "null" : token == JsonToken.VALUE_STRING
                ? "\"" + p.getText() + "\"" : p.getText();
        return StewardException.invalid(name == null ? where + ".data" : name, "the data of " + describe(where, name) + " (" + datatype + ") holds "
                + seen + ": " + datatype + " data are " + wanted);
    }

    private static Set<String> outputs(JsonParser p, JsonToken token) throws IOException {
        if (token != JsonToken.START_ARRAY) {
            throw StewardException.invalid("outputs", "'outputs' must be a list of objects with a 'name'");
        }
        Set<String> names = new LinkedHashSet<>();
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            String where = "outputs[" + i++ + "]";
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw StewardException.invalid(where, where + " must be an object with a 'name'");
            }
            String name = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "name" -> name = text(p, value, where + ".name");
                    case "parameters" -> parameters(p, value, where + ".parameters");
                    default -> throw StewardException.invalid(where + "." + field, "unknown field '" + field + "' in " + where
                            + ": a requested output has the fields name and parameters");
                }
            }
            if (name == null) {
                throw StewardException.invalid(where + ".name", where + " lacks 'name'");
            }
            if (!names.add(name)) {
                throw StewardException.invalid(where + ".name", "output '" + name + "' is asked for twice");
            }
        }
        return names;
    }

    // ---- responses -------------------------------------------------------------------------------

    /** The inference response: the deployment as model_name, the version's label, the request's id (or the request id), the outputs. */
    byte[] response(Prediction prediction, Optional<String> id) {
        ByteArrayBuilder bytes = new ByteArrayBuilder(256);
        try (JsonGenerator g = factory.createGenerator(bytes)) {
            g.writeStartObject();
            g.writeStringField("model_name", prediction.deployment());
            g.writeStringField("model_version", prediction.versionLabel());
            g.writeStringField("id", id.orElse(prediction.requestId()));
            g.writeObjectFieldStart("parameters");
            g.writeStringField("request_id", prediction.requestId());
            g.writeStringField("registered_model", prediction.model());
            g.writeNumberField("registered_version", prediction.version());
            g.writeNumberField("revision", prediction.revision());
            g.writeStringField("arm", prediction.arm());
            g.writeEndObject();
            g.writeArrayFieldStart("outputs");
            for (Tensor tensor : prediction.outputs().values()) {
                g.writeStartObject();
                g.writeStringField("name", tensor.name());
                g.writeStringField("datatype", tensor.datatype().name());
                g.writeArrayFieldStart("shape");
                for (long d : tensor.shape()) {
                    g.writeNumber(d);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("data");
                data(g, tensor);
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw StewardException.internal("writing an inference response", e);
        }
        return bytes.toByteArray();
    }

    private static void data(JsonGenerator g, Tensor tensor) throws IOException {
        int n = tensor.size();
        switch (tensor.datatype()) {
            case FP32 -> {
                float[] values = tensor.floats();
                for (int i = 0; i < n; i++) {
                    g.writeNumber(values[i]);
                }
            }
            case FP64 -> {
                double[] values = tensor.doubles();
                for (int i = 0; i < n; i++) {
                    g.writeNumber(values[i]);
                }
            }
            case INT32 -> {
                int[] values = tensor.ints();
                for (int i = 0; i < n; i++) {
                    g.writeNumber(values[i]);
                }
            }
            case INT64 -> {
                long[] values = tensor.longs();
                for (int i = 0; i < n; i++) {
                    g.writeNumber(values[i]);
                }
            }
            case BOOL -> {
                boolean[] values = tensor.booleans();
                for (int i = 0; i < n; i++) {
                    g.writeBoolean(values[i]);
                }
            }
            case BYTES -> {
                String[] values = tensor.strings();
                for (int i = 0; i < n; i++) {
                    g.writeString(values[i]);
                }
            }
        }
    }

    /** Model metadata: the deployment's name, its versions, the platform, and the inputs and outputs of the version described. */
    byte[] metadata(String name, List<String> versions, ModelSignature signature) {
        ByteArrayBuilder bytes = new ByteArrayBuilder(512);
        try (JsonGenerator g = factory.createGenerator(bytes)) {
            g.writeStartObject();
            g.writeStringField("name", name);
            g.writeArrayFieldStart("versions");
            for (String version : versions) {
                g.writeString(version);
            }
            g.writeEndArray();
            g.writeStringField("platform", PLATFORM);
            g.writeArrayFieldStart("inputs");
            for (ModelSignature.Input input : signature.inputs()) {
                tensorMetadata(g, input.name(), input.datatype(), input.shape());
            }
            g.writeEndArray();
            g.writeArrayFieldStart("outputs");
            for (ModelSignature.Output output : signature.outputs()) {
                tensorMetadata(g, output.name(), output.datatype(), output.shape());
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw StewardException.internal("writing model metadata", e);
        }
        return bytes.toByteArray();
    }

    private static void tensorMetadata(JsonGenerator g, String name, Datatype datatype, long[] shape) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeStringField("datatype", datatype.name());
        g.writeArrayFieldStart("shape");
        for (long d : shape) {
            g.writeNumber(d);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static String firstLine(Exception e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
