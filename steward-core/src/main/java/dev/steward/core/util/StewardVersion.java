package dev.steward.core.util;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of Steward that is running, as Maven built it. */
public final class StewardVersion {
    private static final String VERSION = load();

    private StewardVersion() {
    }

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = StewardVersion.class.getResourceAsStream("/dev/steward/core/version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            String version = properties.getProperty("version", "unknown");
            return version.startsWith("${") ? "unknown" : version;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
