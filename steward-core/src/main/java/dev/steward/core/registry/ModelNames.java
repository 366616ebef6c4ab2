package dev.steward.core.registry;

import dev.steward.spi.StewardException;
import java.util.regex.Pattern;

/** The rules for the names of registered models, aliases, environments and tags, with errors naming the field. */
public final class ModelNames {
    private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final Pattern ALIAS = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,254}");
    private static final Pattern RESERVED_ALIAS = Pattern.compile("(?i)latest|v\\d+");
    private static final Pattern ENVIRONMENT = Pattern.compile("[a-z][a-z0-9_-]{0,99}");
    static final int MAX_TAG_KEY = 250;
    static final int MAX_TAG_VALUE = 5000;
    static final int MAX_TEXT = 65_536;

    private ModelNames() {
    }

    public static String model(String name) {
        if (name == null || name.isEmpty()) {
            throw StewardException.invalid("name", "Missing value for required parameter 'name'. A model name is 1 to 200 letters, digits, '.',"
                    + " '_' or '-'.");
        }
        if (!MODEL.matcher(name).matches()) {
            throw StewardException.invalid("name", "Invalid model name '" + abbreviate(name) + "': use 1 to 200 letters, digits, '.', '_' or '-',"
                    + " starting with a letter or digit");
        }
        return name;
    }

    public static String alias(String alias) {
        if (alias == null || !ALIAS.matcher(alias).matches()) {
            throw StewardException.invalid("alias", "Invalid alias '" + abbreviate(String.valueOf(alias)) + "': use 1 to 255 letters, digits, '_'"
                    + " or '-', starting with a letter or '_'");
        }
        if (RESERVED_ALIAS.matcher(alias).matches()) {
            throw StewardException.invalid("alias", "'" + alias + "' is reserved (it reads as a version): choose another alias");
        }
        return alias;
    }

    public static String environment(String name) {
        if (name == null || !ENVIRONMENT.matcher(name).matches()) {
            throw StewardException.invalid("environment", "Invalid environment name '" + abbreviate(String.valueOf(name)) + "': use 1 to 100"
                    + " lowercase letters, digits, '_' or '-', starting with a letter");
        }
        return name;
    }

    public static void tag(String key, String value) {
        if (key == null || key.isEmpty() || key.length() > MAX_TAG_KEY || key.indexOf('\0') >= 0) {
            throw StewardException.invalid("key", "a tag key must be 1 to " + MAX_TAG_KEY + " characters (without NUL)");
        }
        if (value == null || value.length() > MAX_TAG_VALUE || value.indexOf('\0') >= 0) {
            throw StewardException.invalid("value", "the value of tag '" + abbreviate(key) + "' must be at most " + MAX_TAG_VALUE
                    + " characters (without NUL)");
        }
    }

    /** Free text (descriptions, reasons, comments): bounded, no NUL. */
    public static String text(String field, String text) {
        if (text.length() > MAX_TEXT || text.indexOf('\0') >= 0) {
            throw StewardException.invalid(field, "'" + field + "' must be at most " + MAX_TEXT + " characters, without NUL");
        }
        return text;
    }

    /** A version number given as text (a path or query value). */
    public static int version(String text) {
        if (text == null || !text.matches("[0-9]{1,9}") || Integer.parseInt(text) < 1) {
            throw StewardException.invalid("version", "'" + abbreviate(String.valueOf(text)) + "' is not a version number (1, 2, 3, ...)");
        }
        return Integer.parseInt(text);
    }

    static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
