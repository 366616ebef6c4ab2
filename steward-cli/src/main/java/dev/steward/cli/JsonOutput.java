package dev.steward.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.io.PrintWriter;

/** {@code --json} output: the client's records (snake_case, like the API) and the server's JSON as it came. */
final class JsonOutput {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new Jdk8Module())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private JsonOutput() {}

    /** Indented JSON. */
    static void print(PrintWriter out, Object value) {
        out.println(write(MAPPER.writerWithDefaultPrettyPrinter(), value));
        out.flush();
    }

    /** One line of JSON, for output that streams one object a line (JSON Lines). */
    static void printLine(PrintWriter out, Object value) {
        out.println(write(MAPPER.writer(), value));
    }

    private static String write(ObjectWriter writer, Object value) {
        try {
            return writer.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON output", e);
        }
    }
}
