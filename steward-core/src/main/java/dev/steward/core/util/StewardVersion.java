package dev.steward.core.util;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of Steward that is running, as Maven built it, and the git commit it was built from. */
public final class StewardVersion {
    private static final String VERSION = load("/dev/steward/core/version.properties", "version");
    private static final String COMMIT = load("/dev/steward/core/git.properties", "git.commit.id.full");
    private static final boolean DIRTY = Boolean.parseBoolean(load("/dev/steward/core/git.properties", "git.dirty"));

    private StewardVersion() {
    }

    public static String get() {
        return VERSION;
    }

    /** The full commit id, or {@code unknown} when built outside a git checkout. */
    public static String commit() {
        return COMMIT;
    }

    /** Whether the checkout had uncommitted changes when it was built. */
    public static boolean dirty() {
        return DIRTY;
    }

    private static String load(String resource, String key) {
        try (InputStream in = StewardVersion.class.getResourceAsStream(resource)) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            String value = properties.getProperty(key, "unknown");
            return value.startsWith("${") ? "unknown" : value;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
