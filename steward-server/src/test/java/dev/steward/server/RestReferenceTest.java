package dev.steward.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

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
        if (!actual.equals(expected)) {
            fail("docs/rest.md is not what steward-server/src/main/resources/steward/openapi.json gives; regenerate it with\n  "
                + RestReference.REGENERATE + "\nfrom the repository's root (" + firstDifference(expected, actual) + ")");
        }
    }

    @Test
    void everyOperationHasASectionAndARole() {
        String reference = RestReference.render();
        assertThat(reference).contains("### GET /api/v1/runs\n", "### POST /api/v1/tokens\n", "Role: admin", "Role: public (no token)")
                .doesNotContain("Role: any valid token");
    }

    /** Where the file first differs from what it should be, so the failure stays short. */
    static String firstDifference(String expected, String actual) {
        if (actual.isEmpty()) {
            return "the file is missing or empty";
        }
        String[] want = expected.split("\n", -1);
        String[] have = actual.split("\n", -1);
        for (int i = 0; i < Math.min(want.length, have.length); i++) {
            if (!want[i].equals(have[i])) {
                return "line " + (i + 1) + " is \"" + have[i] + "\" but should be \"" + want[i] + "\"";
            }
        }
        return "the file has " + have.length + " lines but should have " + want.length;
    }
}
