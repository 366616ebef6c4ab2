package dev.steward.core.monitoring;

/**
 * Escaping and shortening of text for the HTML report. Column names, categories, monitor and model
 * names come from users, so every string goes through {@link #escape}: the five markup characters
 * become references, and characters that XML cannot carry (control characters, unpaired
 * surrogates, U+FFFE/U+FFFF) become U+FFFD, so the page stays well-formed whatever the names hold.
 */
final class Markup {
    private Markup() {
    }

    /** {@code text} safe for element content and quoted attribute values. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                case '\t', '\n', '\r' -> out.append(c);
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                        out.append(c).append(text.charAt(++i));
                    } else if (c < 0x20 || Character.isSurrogate(c) || c == '\uFFFE' || c == '\uFFFF') {
                        out.append('\uFFFD');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** {@code text} cut to at most {@code max} code points, an ellipsis marking the cut (not escaped). */
    static String shorten(String text, int max) {
        if (text.codePointCount(0, text.length()) <= max) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, max - 1)) + "…";
    }
}
