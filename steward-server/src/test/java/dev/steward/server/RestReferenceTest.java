package dev.steward.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code docs/rest.md} is what {@link RestReference} makes of the OpenAPI document now. */
class RestReferenceTest {
    static final Path FILE = Path.of(System.getProperty("user.dir")).resolve("../docs/rest.md").normalize();

    @Test
    void docsRestMdIsCurrent() throws IOException {
        String expected = RestReference.render();
        if (Boolean.getBoolean("steward.docs.write")) {
            Files.writeString(FILE, expected, StandardCharsets.UTF_8);
        }
        String actual = Files.exists(FILE) ? Files.readString(FILE, StandardCharsets.UTF_8) : "";
        assertThat(actual).as("docs/rest.md is not what steward-server/src/main/resources/steward/openapi.json gives; regenerate it with\n  "
                + RestReference.REGENERATE + "\nfrom the repository's root").isEqualTo(expected);
    }

    @Test
    void everyOperationHasASectionAndARole() {
        String reference = RestReference.render();
        assertThat(reference).contains("### GET /api/v1/runs\n", "### POST /api/v1/tokens\n", "Role: admin", "Role: public (no token)")
                .doesNotContain("Role: any valid token");
    }
}
