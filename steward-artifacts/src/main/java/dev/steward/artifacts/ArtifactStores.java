package dev.steward.artifacts;

import dev.steward.spi.StewardException;
import dev.steward.spi.artifact.ArtifactStore;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;

/** Opens the artifact store an {@code artifacts.url} names. */
public final class ArtifactStores {
    private ArtifactStores() {}

    /**
     * Opens the store at {@code url}: a {@code file:} URL or a plain path selects the local
     * filesystem store.
     */
    public static ArtifactStore open(String url) {
        if (url == null || url.isBlank()) {
            throw StewardException.invalid("artifacts.url", "artifacts.url is empty; set it to a directory, e.g. file:/var/lib/steward/artifacts");
        }
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("file:")) {
            try {
                return LocalArtifactStore.open(Path.of(new URI(url)));
            } catch (URISyntaxException | IllegalArgumentException e) {
                throw StewardException.invalid("artifacts.url", "'" + url + "' is not a valid file URL: " + e.getMessage()
                        + "; use file:/absolute/path or a plain path");
            }
        }
        int scheme = lower.indexOf("://");
        if (scheme > 0) {
            throw StewardException.invalid("artifacts.url", "artifact store scheme '" + url.substring(0, scheme)
                    + "' is not supported by this build; use a local directory (file:/path or a plain path)");
        }
        return LocalArtifactStore.open(Path.of(url));
    }
}
