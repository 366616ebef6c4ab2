package dev.steward.core.serving.log;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.core.serving.LoggedRequest;
import dev.steward.spi.serving.Datatype;
import dev.steward.spi.serving.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * One entry as one line of JSON (format 1): the request's fields, its input and output tensors as
 * the Open Inference Protocol writes them ({@code name}, {@code datatype}, {@code shape}, flat
 * row-major {@code data}; BYTES as strings, NaN and infinities as the strings {@code "NaN"},
 * {@code "Infinity"}, {@code "-Infinity"}), and last {@code "crc32c"}: the CRC32C, in 8 hex digits,
 * of the line's bytes before {@code ,"crc32c":"}. So every line is plain JSON for jq or DuckDB and
 * checks itself: a torn or edited line is found without parsing it.
 *
 * <p>An instance encodes on one thread (the writer's); decoding is thread-safe.
 */
final class EntryFormat {
    static final int FORMAT = 1;
    private static final byte[] CHECKSUM_FIELD = ",\"crc32c\":\"".getBytes(StandardCharsets.US_ASCII);
    /** {@code ,"crc32c":"} + 8 hex digits + {@code "}}. */
    static final int SUFFIX = CHECKSUM_FIELD.length + 8 + 2;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /**
     * Jackson's own shortest-representation writer and parser of floating-point numbers: on Java 17,
     * {@code Double.toString} made encoding a batch of numbers several times slower (the writer's
     * throughput is in docs/benchmarks.md). Both round-trip every value exactly.
     */
    private static final JsonFactory FACTORY = new JsonFactoryBuilder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).disable(StreamWriteFeature.AUTO_CLOSE_TARGET).rootValueSeparator((String) null)
            .build();
    private static final ObjectMapper JSON = new ObjectMapper(FACTORY);

    private final ByteSink line = new ByteSink(1 << 12);
    private final CRC32C crc = new CRC32C();
    private JsonGenerator generator;

    /** The line of an entry, newline included; valid until the next call. */
    ByteSink encode(LoggedRequest entry) throws IOException {
        line.reset();
        if (generator == null) {
            generator = FACTORY.createGenerator(line);
        }
        try {
            write(entry, generator);
            generator.flush();
        } catch (IOException | RuntimeException e) {
            // The generator is left inside the object it was writing: start the next line on a new one.
            generator = null;
            throw e;
        }
        // The checksum covers the object without its closing brace, which is written again after the checksum field.
        int content = line.size() - 1;
        crc.reset();
        crc.update(line.array(), 0, content);
        long value = crc.getValue();
        line.truncate(content);
        line.write(CHECKSUM_FIELD, 0, CHECKSUM_FIELD.length);
        for (int shift = 28; shift >= 0; shift -= 4) {
            line.write(HEX[(int) (value >>> shift) & 0xf]);
        }
        line.write('"');
        line.write('}');
        line.write('\n');
        return line;
    }

    private static void write(LoggedRequest entry, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("request_id", entry.requestId());
        g.writeStringField("deployment", entry.deployment());
        g.writeNumberField("revision", entry.revision());
        g.writeStringField("model", entry.model());
        g.writeNumberField("version", entry.version());
        g.writeStringField("arm", entry.arm());
        g.writeStringField("caller", entry.caller());
        g.writeStringField("protocol", entry.protocol());
        g.writeNumberField("received_ms", entry.receivedAtMillis());
        g.writeNumberField("latency_ns", entry.latencyNanos());
        g.writeNumberField("rows", entry.rows());
        g.writeArrayFieldStart("inputs");
        for (Tensor t : entry.inputs()) {
            write(t.name(), t, g);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("outputs");
        // By name, so that the same answer is always the same line.
        for (Map.Entry<String, Tensor> output : new TreeMap<>(entry.outputs()).entrySet()) {
            write(output.getKey(), output.getValue(), g);
        }
        g.writeEndArray();
        g.writeFieldName("error");
        if (entry.error().isPresent()) {
            g.writeString(entry.error().get());
        } else {
            g.writeNull();
        }
        if (!entry.scores().isEmpty()) {
            // Only when there are some, so that logs without monitoring keep their lines as they were.
            g.writeObjectFieldStart("scores");
            for (Map.Entry<String, Double> score : new TreeMap<>(entry.scores()).entrySet()) {
                g.writeFieldName(score.getKey());
                double value = score.getValue();
                if (Double.isFinite(value)) {
                    g.writeNumber(value);
                } else {
                    g.writeString(Double.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
                }
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void write(String name, Tensor t, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeStringField("datatype", t.datatype().name());
        g.writeArrayFieldStart("shape");
        for (long d : t.shape()) {
            g.writeNumber(d);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("data");
        switch (t.datatype()) {
            case FP32 -> {
                for (float v : t.floats()) {
                    g.writeNumber(v);
                }
            }
            case FP64 -> {
                for (double v : t.doubles()) {
                    g.writeNumber(v);
                }
            }
            case INT32 -> {
                for (int v : t.ints()) {
                    g.writeNumber(v);
                }
            }
            case INT64 -> {
                for (long v : t.longs()) {
                    g.writeNumber(v);
                }
            }
            case BOOL -> {
                for (boolean v : t.booleans()) {
                    g.writeBoolean(v);
                }
            }
            case BYTES -> {
                for (String v : t.strings()) {
                    g.writeString(v);
                }
            }
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** Whether {@code len} bytes at {@code off} (a line without its newline) end in the checksum of what precedes it. */
    static boolean verify(byte[] bytes, int off, int len) {
        if (len < SUFFIX + 1 || bytes[off + len - 1] != '}' || bytes[off + len - 2] != '"') {
            return false;
        }
        int field = off + len - SUFFIX;
        for (int i = 0; i < CHECKSUM_FIELD.length; i++) {
            if (bytes[field + i] != CHECKSUM_FIELD[i]) {
                return false;
            }
        }
        long expected = 0;
        for (int i = field + CHECKSUM_FIELD.length, end = i + 8; i < end; i++) {
            int digit = Character.digit(bytes[i], 16);
            if (digit < 0 || bytes[i] >= 'A' && bytes[i] <= 'F') {
                return false;
            }
            expected = expected << 4 | digit;
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, off, len - SUFFIX);
        return crc.getValue() == expected;
    }

    /** The {@code received_ms} of a verified line, read without building the entry; {@code 0} when it has none. */
    static long receivedMillis(byte[] bytes, int off, int len) {
        try (JsonParser p = FACTORY.createParser(bytes, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return 0;
            }
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("received_ms") && value == JsonToken.VALUE_NUMBER_INT) {
                    return p.getLongValue();
                }
                p.skipChildren();
            }
            return 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** The entry of a verified line. */
    static LoggedRequest decode(byte[] bytes, int off, int len) throws IOException {
        JsonNode n = JSON.readTree(bytes, off, len);
        if (n == null || !n.isObject()) {
            throw new IOException("not a JSON object");
        }
        List<Tensor> inputs = new ArrayList<>();
        for (JsonNode t : array(n, "inputs")) {
            inputs.add(tensor(t));
        }
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        for (JsonNode t : array(n, "outputs")) {
            Tensor tensor = tensor(t);
            outputs.put(tensor.name(), tensor);
        }
        JsonNode error = n.path("error");
        Map<String, Double> scores = new TreeMap<>();
        JsonNode scoreNode = n.path("scores");
        if (scoreNode.isObject()) {
            var fields = scoreNode.fields();
            while (fields.hasNext()) {
                var score = fields.next();
                JsonNode v = score.getValue();
                if (v.isNumber()) {
                    scores.put(score.getKey(), v.asDouble());
                } else if (v.isTextual() && (v.asText().equals("NaN") || v.asText().equals("Infinity") || v.asText().equals("-Infinity"))) {
                    scores.put(score.getKey(), Double.parseDouble(v.asText()));
                } else {
                    throw new IOException("score " + score.getKey() + " is not a number");
                }
            }
        } else if (!scoreNode.isMissingNode()) {
            throw new IOException("scores is not an object");
        }
        return new LoggedRequest(text(n, "request_id"), text(n, "deployment"), integer(n, "revision"), text(n, "model"), integer(n, "version"),
                text(n, "arm"), text(n, "caller"), text(n, "protocol"), number(n, "received_ms").asLong(), number(n, "latency_ns").asLong(),
                integer(n, "rows"), inputs, outputs, error.isTextual() ? Optional.of(error.asText()) : Optional.empty(), scores);
    }

    private static Tensor tensor(JsonNode t) throws IOException {
        String name = text(t, "name");
        String type = text(t, "datatype");
        Datatype datatype = Datatype.ofName(type).orElseThrow(() -> new IOException("tensor " + name + " has an unknown datatype " + type));
        JsonNode shapeNode = array(t, "shape");
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong();
        }
        JsonNode data = array(t, "data");
        Object values = datatype.newArray(data.size());
        for (int i = 0; i < data.size(); i++) {
            JsonNode v = data.get(i);
            switch (datatype) {
                case FP32 -> ((float[]) values)[i] = v.isTextual() ? Float.parseFloat(v.asText()) : v.floatValue();
                case FP64 -> ((double[]) values)[i] = v.isTextual() ? Double.parseDouble(v.asText()) : v.doubleValue();
                case INT32 -> ((int[]) values)[i] = v.intValue();
                case INT64 -> ((long[]) values)[i] = v.longValue();
                case BOOL -> ((boolean[]) values)[i] = v.booleanValue();
                case BYTES -> ((String[]) values)[i] = v.asText();
            }
        }
        try {
            return new Tensor(name, datatype, shape, values);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static JsonNode array(JsonNode n, String field) throws IOException {
        JsonNode v = n.get(field);
        if (v == null || !v.isArray()) {
            throw new IOException("no array " + field);
        }
        return v;
    }

    private static String text(JsonNode n, String field) throws IOException {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IOException("no string " + field);
        }
        return v.asText();
    }

    private static JsonNode number(JsonNode n, String field) throws IOException {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber()) {
            throw new IOException("no integer " + field);
        }
        return v;
    }

    private static int integer(JsonNode n, String field) throws IOException {
        JsonNode v = number(n, field);
        if (!v.canConvertToInt()) {
            throw new IOException(field + " is out of range");
        }
        return v.intValue();
    }
}
