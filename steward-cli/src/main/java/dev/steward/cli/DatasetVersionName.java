package dev.steward.cli;

import dev.steward.spi.StewardException;

/** A dataset version as commands take it: {@code NAME@VERSION}, e.g. {@code penguins@2}. */
record DatasetVersionName(String name, int version) {
    /** {@code value} as given for {@code what} (an option, or the argument's role); an error on {@code field} when it is no NAME@VERSION. */
    static DatasetVersionName parse(String field, String what, String value) {
        int at = value.lastIndexOf('@');
        int version;
        try {
            version = at > 0 ? Integer.parseInt(value.substring(at + 1)) : -1;
        } catch (NumberFormatException e) {
            version = -1;
        }
        if (version < 1) {
            throw StewardException.invalid(field, what + " must be NAME@VERSION, e.g. penguins@1; got '" + value + "'");
        }
        return new DatasetVersionName(value.substring(0, at), version);
    }
}
