package dev.steward.server.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.server.HttpTestClient;
import dev.steward.server.StewardServer;
import dev.steward.testing.TestPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;

/**
 * The store that the landed code of commit 6eb1a9d (schema V12, before V14's integer keys) wrote
 * through the MLflow API, and that server's answers about it, made by
 * {@code src/test/resources/stores/make-landed-store.sh}. Copied into a new home (SQLite) or loaded
 * row by row into a PostgreSQL database migrated to V12, it must open, migrate in place and answer
 * the same.
 */
final class LandedStore {
    static final Path FIXTURE = Path.of("src/test/resources/stores/landed-6eb1a9d");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private LandedStore() {}

    static String adminToken() {
        try {
            return Files.readString(FIXTURE.resolve("admin.token")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The SQLite store as the landed server left it, as the home's store. */
    static void copyInto(Path home) {
        try {
            Files.copy(FIXTURE.resolve("steward.db"), home.resolve("steward.db"));
            Files.copy(FIXTURE.resolve("admin.token"), home.resolve("admin.token"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new PostgreSQL database in the landed schema (V12) holding every row of the landed store; its URL. */
    static String loadIntoPostgres() {
        String url = TestPostgres.newDatabase();
        Flyway.configure().dataSource(url, TestPostgres.user(), null).locations("classpath:db/migration/common")
                .target("12").load().migrate();
        Path copy;
        try {
            // A copy: even a read-only connection leaves SQLite's -shm and -wal files next to the database.
            copy = Files.createTempFile("landed-", ".db");
            Files.copy(FIXTURE.resolve("steward.db"), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (Connection landed = DriverManager.getConnection("jdbc:sqlite:" + copy);
                Connection postgres = DriverManager.getConnection(url, TestPostgres.user(), "")) {
            postgres.setAutoCommit(false);
            List<String> tables = new ArrayList<>();
            try (Statement statement = landed.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                            + " AND name <> 'flyway_schema_history' ORDER BY rowid")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            try (Statement statement = postgres.createStatement()) {
                for (int i = tables.size() - 1; i >= 0; i--) {
                    statement.execute("DELETE FROM " + tables.get(i)); // the rows the migrations seed (the audit head)
                }
            }
            for (String table : tables) {
                copy(landed, postgres, table);
            }
            postgres.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("loading the landed store into " + url, e);
        }
        return url;
    }

    private static void copy(Connection from, Connection to, String table) throws SQLException {
        try (Statement select = from.createStatement(); ResultSet rs = select.executeQuery("SELECT * FROM " + table)) {
            int columns = rs.getMetaData().getColumnCount();
            List<String> names = new ArrayList<>();
            for (int c = 1; c <= columns; c++) {
                names.add(rs.getMetaData().getColumnName(c));
            }
            try (PreparedStatement insert = to.prepareStatement("INSERT INTO " + table + " (" + String.join(", ", names) + ") VALUES ("
                    + String.join(", ", java.util.Collections.nCopies(columns, "?")) + ")")) {
                while (rs.next()) {
                    for (int c = 1; c <= columns; c++) {
                        insert.setObject(c, rs.getObject(c));
                    }
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
    }

    /**
     * Every run of the landed store answers {@code runs/get} and {@code metrics/get-history} (each
     * key) exactly as the landed server did, and two searches over them return the same page; the
     * finished run's seal, computed by the landed code, still verifies, and so does the audit chain.
     */
    static void answersAsTheLandedServerDid(StewardServer server) throws IOException {
        JsonNode answers = MAPPER.readTree(FIXTURE.resolve("answers.json").toFile());
        HttpTestClient http = new HttpTestClient(server.uri());
        String token = adminToken();
        for (Iterator<Map.Entry<String, JsonNode>> runs = answers.get("runs").fields(); runs.hasNext(); ) {
            Map.Entry<String, JsonNode> run = runs.next();
            String runId = run.getKey();
            assertThat(json(http.get("/api/2.0/mlflow/runs/get?run_id=" + runId, token))).as("runs/get of %s", runId)
                    .isEqualTo(run.getValue().get("get"));
            for (Iterator<Map.Entry<String, JsonNode>> keys = run.getValue().get("history").fields(); keys.hasNext(); ) {
                Map.Entry<String, JsonNode> key = keys.next();
                assertThat(json(http.get("/api/2.0/mlflow/metrics/get-history?run_id=" + runId + "&metric_key=" + key.getKey(), token)))
                        .as("history of %s in %s", key.getKey(), runId).isEqualTo(key.getValue());
            }
            if (run.getValue().get("get").get("run").get("info").get("status").asText().equals("FINISHED")) {
                assertThat(server.steward().tracking().verifySeal(runId).intact()).as("the landed seal of %s", runId).isTrue();
            }
        }
        JsonNode search = answers.get("search");
        String experiments = MAPPER.writeValueAsString(search.get("runs").findValues("experiment_id").stream().map(JsonNode::asText)
                .distinct().sorted().toList());
        assertThat(json(http.post("/api/2.0/mlflow/runs/search", token, "{\"experiment_ids\": " + experiments
                + ", \"run_view_type\": \"ALL\", \"order_by\": [\"metrics.loss ASC\"]}"))).isEqualTo(search);
        String tracking = answers.get("search_filtered").get("runs").get(0).get("info").get("experiment_id").asText();
        assertThat(json(http.post("/api/2.0/mlflow/runs/search", token, "{\"experiment_ids\": [\"" + tracking + "\"],"
                + " \"filter\": \"metrics.loss < 0.6 and params.model = 'forest'\"}"))).isEqualTo(answers.get("search_filtered"));
        assertThat(server.steward().audit().verify(server.steward().store()).intact()).isTrue();
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return MAPPER.readTree(response.body());
    }
}
