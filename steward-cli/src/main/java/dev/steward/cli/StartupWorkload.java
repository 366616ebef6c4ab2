package dev.steward.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the {@code steward} launcher runs once after each build, under
 * {@code -XX:ArchiveClassesAtExit}, to record the classes that commands load in a class-data
 * sharing (AppCDS) archive that later commands map instead of loading and verifying those classes
 * again. It runs the usual client commands in-process against a loopback stub that answers each
 * with a small canned body, so that the archive holds the whole path of a client command (picocli,
 * the HTTP client, Jackson's parsing of the answer, the table) whichever command a user runs first.
 * Nothing of a real server is touched.
 */
final class StartupWorkload {
    private static final String RUN = "{\"id\":\"r1\",\"experiment_id\":\"0\",\"name\":\"run\",\"user_id\":\"u\",\"status\":\"FINISHED\","
            + "\"start_time\":\"2026-01-01T00:00:00Z\",\"end_time\":\"2026-01-01T00:00:01Z\",\"artifact_uri\":\"mlflow-artifacts:/0/r1/artifacts\","
            + "\"lifecycle_stage\":\"active\",\"seal_digest\":\"ab\",\"metrics\":{\"acc\":0.9},\"params\":{\"p\":\"1\"},\"tags\":{\"t\":\"x\"}}";
    private static final Map<String, String> ANSWERS = Map.of(
            "/api/v1/runs", "{\"runs\":[" + RUN + "],\"next_page_token\":null}",
            "/api/v1/runs/r1", RUN,
            "/api/v1/experiments", "{\"experiments\":[{\"id\":\"0\",\"name\":\"Default\",\"artifact_location\":\"mlflow-artifacts:/0\","
                    + "\"lifecycle_stage\":\"active\",\"created_at\":\"2026-01-01T00:00:00Z\",\"updated_at\":\"2026-01-01T00:00:00Z\",\"tags\":{}}]}",
            "/api/v1/datasets", "{\"datasets\":[{\"name\":\"d\",\"version_count\":1,\"latest_version\":1,\"created_at\":\"2026-01-01T00:00:00Z\"}]}",
            "/api/v1/jobs", "{\"jobs\":[{\"id\":\"j\",\"kind\":\"train\",\"status\":\"succeeded\",\"priority\":0,\"attempt\":1,"
                    + "\"created_at\":\"2026-01-01T00:00:00Z\",\"run_id\":null,\"message\":null}]}",
            "/api/v1/tokens", "{\"tokens\":[{\"id\":\"tok\",\"name\":\"admin\",\"role\":\"admin\",\"created_at\":\"2026-01-01T00:00:00Z\","
                    + "\"created_by\":\"system\",\"created_by_name\":\"system\",\"revoked_at\":null,\"active\":true}]}",
            "/api/v1/models", "{\"models\":[{\"id\":\"rm_1\",\"name\":\"m\",\"description\":null,\"created_at\":\"2026-01-01T00:00:00Z\","
                    + "\"created_by\":\"tok\",\"updated_at\":\"2026-01-01T00:00:00Z\",\"tags\":{},\"aliases\":{\"production\":1},"
                    + "\"environments\":{\"production\":1}}]}");
    private static final String[][] CLIENT_COMMANDS = {{"runs", "list"}, {"runs", "list", "--json"}, {"runs", "show", "r1"},
            {"experiments", "list"}, {"data", "list"}, {"jobs", "list"}, {"token", "list"}, {"models", "list"}, {"data", "show", "missing"}};

    private StartupWorkload() {}

    public static void main(String[] args) throws IOException {
        run();
    }

    /** Runs the workload; returns each command line with its exit status (a test checks that they did what they should). */
    static Map<String, Integer> run() throws IOException {
        HttpServer stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        stub.createContext("/", StartupWorkload::answer);
        stub.start();
        Path home = Files.createTempDirectory("steward-startup-");
        PrintWriter discard = new PrintWriter(Writer.nullWriter());
        Map<String, Integer> statuses = new LinkedHashMap<>();
        try {
            statuses.put("--help", Main.execute(new String[] {"--help"}, discard, discard));
            statuses.put("version", Main.execute(new String[] {"version"}, discard, discard));
            String url = "http://127.0.0.1:" + stub.getAddress().getPort();
            for (String[] command : CLIENT_COMMANDS) {
                List<String> line = new ArrayList<>(List.of("--home", home.toString()));
                line.addAll(List.of(command));
                line.addAll(List.of("--url", url, "--token", "stw_startup"));
                statuses.put(String.join(" ", command), Main.execute(line.toArray(String[]::new), discard, discard));
            }
        } finally {
            stub.stop(0);
            Files.delete(home);
        }
        return statuses;
    }

    private static void answer(HttpExchange exchange) throws IOException {
        String body = ANSWERS.get(exchange.getRequestURI().getPath());
        byte[] bytes = (body != null ? body : "{\"error_code\":\"RESOURCE_DOES_NOT_EXIST\",\"message\":\"not here\"}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(body != null ? 200 : 404, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
