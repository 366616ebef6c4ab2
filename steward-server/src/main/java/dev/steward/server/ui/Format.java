package dev.steward.server.ui;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How values read on a page: times in UTC to the second, numbers to six significant digits, sizes in binary units. */
final class Format {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private Format() {}

    /** A {@code <time>} element: readable text, the exact instant in its {@code datetime}. */
    static Html time(long epochMillis) {
        Instant instant = Instant.ofEpochMilli(epochMillis);
        return Html.of("<time datetime=\"{}\">{}</time>", instant.toString(), TIME.format(instant));
    }

    static Html time(Instant instant) {
        return time(instant.toEpochMilli());
    }

    /** A number as people read it: up to six significant digits, no exponent for everyday magnitudes. */
    static String number(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "∞" : "-∞";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        double magnitude = Math.abs(value);
        if (magnitude >= 1e-4 && magnitude < 1e15) {
            return new BigDecimal(value).round(new MathContext(6)).stripTrailingZeros().toPlainString();
        }
        return String.format(java.util.Locale.ROOT, "%.5e", value);
    }

    static String duration(long millis) {
        Duration d = Duration.ofMillis(Math.max(0, millis));
        if (d.toSeconds() < 60) {
            return d.toSeconds() + " s";
        }
        if (d.toMinutes() < 60) {
            return d.toMinutes() + " min " + d.toSecondsPart() + " s";
        }
        return d.toHours() + " h " + d.toMinutesPart() + " min";
    }

    static String bytes(long size) {
        if (size < 1024) {
            return size + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = size;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /** The first characters of an id, as the tables show it (the title holds the whole id). */
    static Html shortId(String id) {
        return Html.of("<code title=\"{}\">{}</code>", id, id.length() > 12 ? id.substring(0, 12) : id);
    }
}
