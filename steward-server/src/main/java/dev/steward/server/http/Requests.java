package dev.steward.server.http;

import dev.steward.spi.StewardException;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Function;

/** Reading and checking query parameters. */
public final class Requests {
    private Requests() {}

    public static Optional<String> query(Context ctx, String name) {
        String value = ctx.queryParam(name);
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    public static int intQuery(Context ctx, String name, int defaultValue, int min, int max) {
        Optional<String> text = query(ctx, name);
        if (text.isEmpty()) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(text.get());
            if (value < min || value > max) {
                throw StewardException.invalid(name, "'" + name + "' must be between " + min + " and " + max + ", not " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw StewardException.invalid(name, "'" + name + "' must be a whole number, not '" + text.get() + "'");
        }
    }

    /** A whole number whose range the service checks (with its own wording). */
    public static Optional<Integer> intQuery(Context ctx, String name) {
        return query(ctx, name).map(text -> {
            try {
                return Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw StewardException.invalid(name, "'" + name + "' must be a whole number, not '" + text + "'");
            }
        });
    }

    /** {@code parser} with its errors reported against {@code field}, the name the caller used. */
    public static <T> Function<String, T> parsing(String field, Function<String, T> parser) {
        return text -> {
            try {
                return parser.apply(text);
            } catch (StewardException e) {
                throw e.withField(field);
            }
        };
    }

    public static Optional<Long> longQuery(Context ctx, String name) {
        return query(ctx, name).map(text -> {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw StewardException.invalid(name, "'" + name + "' must be a whole number, not '" + text + "'");
            }
        });
    }

    /** An ISO-8601 instant ({@code 2026-11-24T10:00:00Z}) or epoch milliseconds. */
    public static Optional<Instant> instantQuery(Context ctx, String name) {
        return query(ctx, name).map(text -> {
            try {
                Instant instant = text.chars().allMatch(Character::isDigit) ? Instant.ofEpochMilli(Long.parseLong(text)) : Instant.parse(text);
                // Stores compare epoch milliseconds: an instant beyond them (some 292 million years away) has none.
                instant.toEpochMilli();
                return instant;
            } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
                throw StewardException.invalid(name, "'" + name + "' must be an ISO-8601 instant such as 2026-11-24T10:00:00Z"
                        + " or epoch milliseconds, not '" + text + "'");
            }
        });
    }
}
