package dev.steward.server.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.steward.spi.StewardException;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Pieces several pages share: fields with their errors, status badges, pagers, charts, empty states. */
final class Widgets {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern POSITION = Pattern.compile("at position (\\d+)");

    private Widgets() {}

    /**
     * A labelled text field; {@code error} is shown under it (and the field marked invalid) when
     * it names this field. For a parse error that names a position, a caret points at it.
     */
    static Html field(String name, String label, String value, String placeholder, Optional<StewardException> error, String hint) {
        Optional<StewardException> mine = error.filter(e -> e.field().map(name::equals).orElse(false));
        Html errorText = mine.map(e -> Html.of("<div class=\"error-text\" id=\"{}-error\">{}{}</div>", name, e.getMessage(), caret(value,
                e.getMessage()))).orElse(Html.EMPTY);
        Html described = mine.isPresent() ? Html.of(" aria-invalid=\"true\" aria-describedby=\"{}-error\"", name)
                : hint.isEmpty() ? Html.EMPTY : Html.of(" aria-describedby=\"{}-hint\"", name);
        return Html.of("""
                <div class="field{}"><label for="{}">{}</label>
                <input id="{}" name="{}" type="text" value="{}" placeholder="{}" spellcheck="false"{}>{}{}</div>""",
                Html.when(mine.isPresent(), Html.of(" invalid")), name, label, name, name, value, placeholder, described,
                Html.when(!hint.isEmpty() && mine.isEmpty(), Html.of("<p class=\"hint\" id=\"{}-hint\">{}</p>", name, hint)), errorText);
    }

    /** The error of a form that names no field of it, shown above the form. */
    static Html formError(Optional<StewardException> error, java.util.Set<String> fields) {
        return error.filter(e -> e.field().map(f -> !fields.contains(f)).orElse(true))
                .map(e -> Html.of("<div class=\"alert error\" role=\"alert\">{}</div>", e.getMessage())).orElse(Html.EMPTY);
    }

    private static Html caret(String value, String message) {
        Matcher m = POSITION.matcher(message);
        if (!m.find() || value.isEmpty()) {
            return Html.EMPTY;
        }
        int position = Math.max(1, Math.min(Integer.parseInt(m.group(1)), value.length() + 1));
        return Html.of("<pre class=\"caret\" aria-hidden=\"true\">{}\n{}^</pre>", value, " ".repeat(position - 1));
    }

    static Html badge(String status) {
        String s = status.toLowerCase(Locale.ROOT);
        return Html.of("<span class=\"badge badge-{}\">{}</span>", s.replaceAll("[^a-z_]", ""), s);
    }

    /** Previous / next links of a paged list; {@code link} builds the URL of a page number. */
    static Html pager(int page, boolean hasNext, java.util.function.IntFunction<String> link) {
        if (page <= 1 && !hasNext) {
            return Html.EMPTY;
        }
        return Html.of("<nav class=\"pager\" aria-label=\"Pages\">{}<span>Page {}</span>{}</nav>",
                page > 1 ? Html.of("<a href=\"{}\" rel=\"prev\">← Previous</a>", link.apply(page - 1)) : Html.of("<span class=\"off\">← Previous</span>"),
                page, hasNext ? Html.of("<a href=\"{}\" rel=\"next\">Next →</a>", link.apply(page + 1)) : Html.of("<span class=\"off\">Next →</span>"));
    }

    static Html empty(String message) {
        return Html.of("<p class=\"empty\">{}</p>", message);
    }

    /**
     * A chart: the ECharts option as JSON in a data attribute (escaped like any attribute), drawn
     * by steward.js; {@code label} describes it for screen readers, as the tables beside it say
     * the same in words.
     */
    static Html chart(Object option, String label, String cssClass) {
        try {
            return Html.of("<div class=\"chart {}\" role=\"img\" aria-label=\"{}\" data-echarts=\"{}\"></div>", cssClass, label,
                    JSON.writeValueAsString(option));
        } catch (IOException e) {
            throw StewardException.internal("writing a chart", e);
        }
    }

    /** Stored JSON (written by Steward) as a tree. */
    static com.fasterxml.jackson.databind.JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw StewardException.internal("reading a stored JSON document", e);
        }
    }

    /** JSON text indented for reading; what is not JSON is shown as it is. */
    static String pretty(String json) {
        try {
            return PRETTY.writeValueAsString(JSON.readTree(json));
        } catch (IOException e) {
            return json;
        }
    }
}
