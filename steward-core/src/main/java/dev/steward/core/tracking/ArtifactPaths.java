package dev.steward.core.tracking;

import dev.steward.spi.StewardException;
import dev.steward.spi.tracking.ArtifactFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Paths of the artifact tree: validated, normalised, never escaping the root. */
final class ArtifactPaths {
    private static final int MAX_PATH = 1000;

    private ArtifactPaths() {}

    /** A file path: relative, no empty, '.' or '..' segments. */
    static String file(String path) {
        String clean = directory(path);
        if (clean.isEmpty()) {
            throw StewardException.invalid("path", "an artifact path is required, e.g. 1/<run id>/artifacts/model.onnx");
        }
        return clean;
    }

    /** A directory path; empty for the root. Leading and trailing slashes are dropped. */
    static String directory(String path) {
        if (path == null) {
            return "";
        }
        String trimmed = path;
        while (trimmed.startsWith("/")) {
            trimmed = trimmed.substring(1);
        }
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        if (trimmed.length() > MAX_PATH) {
            throw StewardException.invalid("path", "artifact path is longer than " + MAX_PATH + " characters");
        }
        if (trimmed.isEmpty()) {
            return "";
        }
        for (String segment : trimmed.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.indexOf('\0') >= 0 || segment.indexOf('\\') >= 0) {
                throw StewardException.invalid("path", "Invalid path: '" + path + "': segments must not be empty, '.' or '..'");
            }
        }
        return trimmed;
    }

    /** The tree path of an {@code mlflow-artifacts:} URI, e.g. {@code 1/<run>/artifacts}. */
    static Optional<String> treeRoot(String artifactUri) {
        if (!artifactUri.startsWith(TrackingService.ARTIFACT_SCHEME)) {
            return Optional.empty();
        }
        String rest = artifactUri.substring(TrackingService.ARTIFACT_SCHEME.length());
        if (rest.startsWith("//")) {
            // mlflow-artifacts://host:port/path: the authority names a server, the path is ours.
            int slash = rest.indexOf('/', 2);
            rest = slash < 0 ? "" : rest.substring(slash);
        }
        return Optional.of(directory(rest));
    }

    /** Immediate children of {@code directory} among {@code files} (all of which lie under it). */
    static List<ArtifactEntry> children(String directory, List<ArtifactFile> files) {
        String prefix = directory.isEmpty() ? "" : directory + "/";
        Map<String, ArtifactEntry> entries = new TreeMap<>();
        for (ArtifactFile file : files) {
            String rest = file.path().substring(prefix.length());
            int slash = rest.indexOf('/');
            if (slash < 0) {
                entries.put(rest, new ArtifactEntry(prefix + rest, false, Optional.of(file.size())));
            } else {
                String name = rest.substring(0, slash);
                entries.putIfAbsent(name, new ArtifactEntry(prefix + name, true, Optional.empty()));
            }
        }
        return new ArrayList<>(entries.values());
    }
}
