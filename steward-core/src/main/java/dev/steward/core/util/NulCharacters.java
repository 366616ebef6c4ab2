package dev.steward.core.util;

import dev.steward.spi.StewardException;

/**
 * The rule that no stored or looked-up string holds a NUL character: PostgreSQL cannot store or
 * even bind one, and in a name it only hides what follows.
 */
public final class NulCharacters {
    private NulCharacters() {}

    /** Refuses {@code value} when it holds a NUL, as an invalid {@code field}; {@code what} names it in the message. */
    public static void refuse(String field, String what, String value) {
        if (value != null && value.indexOf('\0') >= 0) {
            throw error(field, what);
        }
    }

    /** The error for a NUL found in {@code field}. */
    public static StewardException error(String field, String what) {
        return StewardException.invalid(field, what + " contains a NUL character (\\u0000), which no name or value may hold");
    }
}
