package dev.steward.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The core's packages follow the lifecycle and never import "downstream" of themselves: each
 * top-level package may import only those before it in {@link #LAYERS}, so there is no cycle. A
 * new package takes its place in the list (and in docs/architecture.md).
 */
class PackageLayersTest {
    static final List<String> LAYERS = List.of("util", "stats", "eval", "audit", "auth", "tracking", "artifacts", "webhooks", "data", "jobs",
            "training", "feasibility", "gates", "registry", "serving", "monitoring");
    /** Imports and fully qualified names alike (the package line aside). */
    private static final Pattern USE = Pattern.compile("(?<!package )\\bdev\\.steward\\.core\\.([a-z]+)\\.");

    @Test
    void everyPackageImportsOnlyThePackagesUpstreamOfIt() throws IOException {
        Path root = Path.of("src/main/java/dev/steward/core");
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String layer = root.relativize(file).getName(0).toString();
                assertThat(LAYERS).as("the package of " + file + " has a place in the layers").contains(layer);
                Matcher m = USE.matcher(Files.readString(file));
                while (m.find()) {
                    String imported = m.group(1);
                    if (!imported.equals(layer) && LAYERS.indexOf(imported) > LAYERS.indexOf(layer)) {
                        violations.add(root.relativize(file) + " imports core." + imported + ", which is downstream of core." + layer);
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }
}
