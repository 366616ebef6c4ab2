package dev.steward.core.serving.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.core.serving.LoggedRequest;
import dev.steward.spi.serving.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** One entry per line of plain JSON that checks itself. */
class RequestLogFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LoggedRequest everyDatatype() {
        return new LoggedRequest("req-1", "penguins-api", 7, "penguins", 3, "canary", "tok_abc", "mlflow", 1_767_225_600_123L, 1_234_567, 2,
                List.of(Tensor.of("f32", new long[] {2, 3}, new float[] {1.5f, Float.NaN, Float.POSITIVE_INFINITY, -0.0f, Float.MIN_VALUE, 0.1f}),
                        Tensor.of("f64", new long[] {2}, new double[] {Double.NEGATIVE_INFINITY, 0.1 + 0.2}),
                        Tensor.of("i32", new long[] {2}, new int[] {Integer.MIN_VALUE, 7}),
                        Tensor.of("i64", new long[] {2}, new long[] {Long.MAX_VALUE, -1}),
                        Tensor.of("flag", new long[] {2, 1}, new boolean[] {true, false}),
                        Tensor.of("island", new long[] {2, 1}, new String[] {"Biscoe \"north\"\nshore\t\u00e9\u2028\ud83d\udc27", ""}),
                        Tensor.of("none", new long[] {0, 4}, new double[0])),
                Map.of("label", Tensor.of("label", new long[] {2}, new String[] {"Adelie", "Gentoo"}),
                        "probabilities", Tensor.of("probabilities", new long[] {2, 2}, new double[] {0.9, 0.1, 0.2, 0.8})),
                Optional.of("INVALID_INPUT: input f32 has shape [2, 3], expected [-1, 4]"));
    }

    @Test
    void everyDatatypeComesBackExactlyFromItsLine() throws Exception {
        LoggedRequest entry = everyDatatype();
        byte[] line = line(entry);

        assertThat(line[line.length - 1]).isEqualTo((byte) '\n');
        assertThat(EntryFormat.verify(line, 0, line.length - 1)).isTrue();
        assertThat(EntryFormat.decode(line, 0, line.length - 1)).isEqualTo(entry);
        assertThat(EntryFormat.receivedMillis(line, 0, line.length - 1)).isEqualTo(1_767_225_600_123L);
    }

    @Test
    void aLineIsPlainJsonWithTheTensorsAsTheInferenceProtocolWritesThemAndItsChecksumLast() throws Exception {
        byte[] line = line(everyDatatype());
        JsonNode n = JSON.readTree(line);

        assertThat(n.fieldNames()).toIterable().containsExactly("request_id", "deployment", "revision", "model", "version", "arm", "caller",
                "protocol", "received_ms", "latency_ns", "rows", "inputs", "outputs", "error", "crc32c");
        assertThat(n.get("inputs").get(0).toString())
                .isEqualTo("{\"name\":\"f32\",\"datatype\":\"FP32\",\"shape\":[2,3],\"data\":[1.5,\"NaN\",\"Infinity\",-0.0,1.4E-45,0.1]}");
        assertThat(n.get("outputs").get(0).get("name").asText()).as("outputs by name").isEqualTo("label");
        assertThat(n.get("outputs").get(0).get("data").get(1).asText()).isEqualTo("Gentoo");
        String text = new String(line, StandardCharsets.UTF_8);
        String before = text.substring(0, text.lastIndexOf(",\"crc32c\":\""));
        CRC32C crc = new CRC32C();
        crc.update(before.getBytes(StandardCharsets.UTF_8));
        assertThat(n.get("crc32c").asText()).isEqualTo(String.format("%08x", crc.getValue()));
    }

    @Test
    void anyChangedByteAndAnyTornLineFailTheChecksum() throws Exception {
        byte[] line = line(LogEntries.entry("penguins-api", 42));
        int length = line.length - 1;
        for (int i = 0; i < length; i++) {
            byte[] changed = line.clone();
            changed[i] ^= 0x04;
            assertThat(EntryFormat.verify(changed, 0, length)).as("byte %d changed", i).isFalse();
        }
        for (int torn = 0; torn < length; torn++) {
            assertThat(EntryFormat.verify(Arrays.copyOf(line, torn), 0, torn)).as("torn after %d bytes", torn).isFalse();
        }
    }

    @Test
    void anyDeploymentNameIsASafeDirectoryNameThatReadsBack() {
        for (String name : List.of("penguins-api", "a/b", "..", ".", ".hidden", "x%41", "caf\u00e9 menu", "a\u0000b", "v1.2_final", "CON")) {
            String directory = SegmentFiles.directoryName(name);
            assertThat(directory).as(name).matches("[A-Za-z0-9_%-][A-Za-z0-9._%-]*");
            assertThat(SegmentFiles.deploymentOf(directory)).as(name).contains(name);
        }
        assertThat(SegmentFiles.directoryName("penguins-api")).isEqualTo("penguins-api");
        assertThat(SegmentFiles.deploymentOf("%2")).isEmpty();
        assertThat(SegmentFiles.deploymentOf("%2e")).as("only the form directoryName makes").isEmpty();
        assertThat(SegmentFiles.deploymentOf(".writer.lock")).isEmpty();
    }

    private static byte[] line(LoggedRequest entry) throws Exception {
        ByteSink sink = new EntryFormat().encode(entry);
        return Arrays.copyOf(sink.array(), sink.size());
    }
}
