package dev.steward.core.monitoring;

import java.util.List;
import java.util.Locale;

/**
 * A small writer of inline SVG for the HTML report: shapes styled by CSS classes of the page (so
 * charts share its colours), coordinates in a view box that scales to the page's width, every text
 * escaped. Markup is XML-compatible. Not thread-safe: one per chart.
 */
final class Svg {
    private final StringBuilder out = new StringBuilder();

    /** A chart of {@code width × height} view-box units, described by {@code label} for screen readers. */
    Svg(double width, double height, String cssClass, String label) {
        out.append("<svg viewBox=\"0 0 ").append(num(width)).append(' ').append(num(height)).append("\" class=\"").append(cssClass)
                .append("\" role=\"img\" aria-label=\"").append(Markup.escape(label)).append("\">");
    }

    Svg rect(double x, double y, double width, double height, String cssClass, String title) {
        out.append("<rect x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" width=\"").append(num(Math.max(0, width)))
                .append("\" height=\"").append(num(Math.max(0, height))).append("\" class=\"").append(cssClass).append('"');
        return closeWithTitle("rect", title);
    }

    Svg line(double x1, double y1, double x2, double y2, String cssClass) {
        out.append("<line x1=\"").append(num(x1)).append("\" y1=\"").append(num(y1)).append("\" x2=\"").append(num(x2)).append("\" y2=\"")
                .append(num(y2)).append("\" class=\"").append(cssClass).append("\"/>");
        return this;
    }

    Svg circle(double cx, double cy, double r, String cssClass, String title) {
        out.append("<circle cx=\"").append(num(cx)).append("\" cy=\"").append(num(cy)).append("\" r=\"").append(num(r)).append("\" class=\"")
                .append(cssClass).append('"');
        return closeWithTitle("circle", title);
    }

    /** A text anchored at {@code start}, {@code middle} or {@code end}; {@code title} (or null) shows the full text on hover. */
    Svg text(double x, double y, String anchor, String cssClass, String text, String title) {
        out.append("<text x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" text-anchor=\"").append(anchor).append("\" class=\"")
                .append(cssClass).append("\">");
        if (title != null) {
            out.append("<title>").append(Markup.escape(title)).append("</title>");
        }
        out.append(Markup.escape(text)).append("</text>");
        return this;
    }

    /** A line through {@code points} ({x, y} pairs). */
    Svg polyline(List<double[]> points, String cssClass) {
        out.append("<polyline points=\"");
        for (int i = 0; i < points.size(); i++) {
            out.append(i == 0 ? "" : " ").append(num(points.get(i)[0])).append(',').append(num(points.get(i)[1]));
        }
        out.append("\" class=\"").append(cssClass).append("\"/>");
        return this;
    }

    String end() {
        return out.append("</svg>").toString();
    }

    private Svg closeWithTitle(String element, String title) {
        if (title == null) {
            out.append("/>");
        } else {
            out.append("><title>").append(Markup.escape(title)).append("</title></").append(element).append('>');
        }
        return this;
    }

    /** A coordinate with at most one decimal: enough on screen, and it keeps the page small. */
    static String num(double value) {
        double rounded = Math.rint(value * 10) / 10;
        if (rounded == Math.rint(rounded)) {
            return Long.toString((long) rounded);
        }
        return String.format(Locale.ROOT, "%.1f", rounded);
    }
}
