package dev.steward.server.ui;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.function.Function;

/**
 * A piece of HTML that is safe to send: every value put into it is escaped unless it already is
 * {@code Html}. Pages are built from constant templates with {@code {}} holes ({@link #of}), so
 * that text from the store can never become markup: escaping is by construction, not by habit.
 * Immutable.
 */
final class Html {
    static final Html EMPTY = new Html("");

    private final String markup;

    private Html(String markup) {
        this.markup = markup;
    }

    /**
     * Fills the holes of {@code template} (a constant written by Steward, never data) in order:
     * an {@code Html} argument goes in as it is, anything else as escaped text. Escaping covers
     * both quote characters, so a hole may stand inside a quoted attribute value.
     */
    static Html of(String template, Object... args) {
        StringBuilder out = new StringBuilder(template.length() + 16 * args.length);
        int at = 0;
        int arg = 0;
        while (true) {
            int hole = template.indexOf("{}", at);
            if (hole < 0) {
                break;
            }
            if (arg == args.length) {
                throw new IllegalArgumentException("template has more holes than arguments: " + template);
            }
            out.append(template, at, hole);
            append(out, args[arg++]);
            at = hole + 2;
        }
        if (arg != args.length) {
            throw new IllegalArgumentException("template has fewer holes than arguments: " + template);
        }
        out.append(template, at, template.length());
        return new Html(out.toString());
    }

    /** Text, escaped. */
    static Html text(Object value) {
        StringBuilder out = new StringBuilder();
        append(out, value);
        return new Html(out.toString());
    }

    /** The pieces one after another. */
    static Html join(Collection<Html> pieces) {
        StringBuilder out = new StringBuilder();
        pieces.forEach(p -> out.append(p.markup));
        return new Html(out.toString());
    }

    /** One piece per item, one after another. */
    static <T> Html each(Iterable<T> items, Function<T, Html> render) {
        StringBuilder out = new StringBuilder();
        for (T item : items) {
            out.append(render.apply(item).markup);
        }
        return new Html(out.toString());
    }

    /** {@code piece} when {@code condition} holds, else nothing. */
    static Html when(boolean condition, Html piece) {
        return condition ? requireNonNull(piece, "piece is null") : EMPTY;
    }

    private static void append(StringBuilder out, Object value) {
        if (value instanceof Html html) {
            out.append(html.markup);
            return;
        }
        String text = String.valueOf(requireNonNull(value, "a value of a template is null"));
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
    }

    @Override
    public String toString() {
        return markup;
    }
}
