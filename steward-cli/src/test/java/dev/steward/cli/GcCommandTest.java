package dev.steward.cli;

import static dev.steward.cli.TestServer.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.client.StewardClient;
import dev.steward.client.StewardClientException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code steward gc} on a server holding blobs that nothing refers to, uploaded with the client as a failed registration leaves them. */
class GcCommandTest {
    @TempDir
    static Path home;

    static TestServer server;
    static StewardClient client;

    @BeforeAll
    static void start() {
        server = TestServer.start(home);
        client = StewardClient.create(URI.create(server.url()), server.adminToken());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aDryRunListsOrphansOlderThanTheGraceAndACollectionDeletesThem(@TempDir Path dir) throws IOException {
        List<String> orphans = new ArrayList<>();
        for (int i = 0; i < 22; i++) {
            orphans.add(client.uploadArtifact(Files.writeString(dir.resolve("orphan-" + i), "orphan " + i)).sha256());
        }

        Cli young = ok(server.cli("gc", "--dry-run"));
        assertThat(young.out()).startsWith("dry run, nothing deleted: scanned 22 blobs (").contains("; 0 referenced by nothing and last stored"
                + " before ").doesNotContain(orphans.get(0));
        Cli dryRun = ok(server.cli("gc", "--dry-run", "--older-than", "0"));
        assertThat(dryRun.out()).contains("; 22 referenced by nothing", "; deleted 0 (0 bytes)")
                .containsPattern("ORPHAN SHA256\\s+BYTES\\s+LAST STORED\\n")
                .endsWith("... and 2 more (--json lists them all)\n");
        assertThat(dryRun.out().lines().filter(line -> line.matches("[0-9a-f]{64}\\s+\\d+\\s+\\S+"))).hasSize(20);
        try (InputStream kept = client.downloadArtifact(orphans.get(0))) {
            assertThat(kept.readAllBytes()).as("a dry run deletes nothing").isEqualTo("orphan 0".getBytes(StandardCharsets.UTF_8));
        }

        Cli collected = ok(server.cli("gc", "--older-than", "0", "--json"));
        assertThat(collected.out()).contains("\"dry_run\" : false", "\"deleted\" : 22", "\"sha256\" : \"" + orphans.get(21) + "\"");
        assertThat(ok(server.cli("gc", "--older-than", "30m")).out()).startsWith("scanned 0 blobs");
        assertThatThrownBy(() -> client.downloadArtifact(orphans.get(0))).isInstanceOfSatisfying(StewardClientException.class,
                gone -> assertThat(gone.status()).isEqualTo(404));
    }

    @Test
    void aBadDurationOrTooSmallARoleFailsWithAMessage() {
        for (String duration : List.of("1", "3x", "-1h", "24 h")) {
            Cli bad = server.cli("gc", "--older-than", duration);
            assertThat(bad.status()).as(duration).isEqualTo(Main.FAILED);
            assertThat(bad.err()).as(duration).contains("is not a duration", "30m, 24h, 7d");
        }
        Cli tooLong = server.cli("gc", "--older-than", "99999d");
        assertThat(tooLong.status()).isEqualTo(Main.FAILED);
        assertThat(tooLong.err()).contains("[older_than_seconds]");
        String editor = client.createToken("gc-editor", "editor").secret();
        Cli editorCollects = server.cli("gc", "--dry-run", "--token", editor);
        assertThat(editorCollects.status()).isEqualTo(Main.FAILED);
        assertThat(editorCollects.err()).contains("admin", "HTTP 403");
    }
}
