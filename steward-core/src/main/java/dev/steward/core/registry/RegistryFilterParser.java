package dev.steward.core.registry;

import dev.steward.spi.StewardException;
import dev.steward.spi.registry.RegistryFilter;
import dev.steward.spi.registry.RegistryQuery;
import dev.steward.spi.tracking.SearchComparator;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * MLflow's registry search language: clauses joined by {@code AND}, e.g.
 * {@code name LIKE '%fraud%' AND tags.team = 'risk'}, {@code run_id IN ('a', 'b')},
 * {@code version_number > 3}. Registered models accept {@code name} and {@code tags.<key>};
 * model versions also {@code run_id}, {@code source_path} and {@code version_number}. Errors say
 * what was expected at which position.
 */
public final class RegistryFilterParser {
    private static final Set<SearchComparator> TEXT = EnumSet.of(SearchComparator.EQ, SearchComparator.NE, SearchComparator.LIKE,
            SearchComparator.ILIKE);
    private static final Set<SearchComparator> RUN_ID = EnumSet.of(SearchComparator.EQ, SearchComparator.NE, SearchComparator.IN,
            SearchComparator.NOT_IN);
    private static final Set<SearchComparator> NUMERIC = EnumSet.of(SearchComparator.EQ, SearchComparator.NE, SearchComparator.GT,
            SearchComparator.GE, SearchComparator.LT, SearchComparator.LE);
    private static final Map<String, SearchComparator> COMPARATORS = Map.of("=", SearchComparator.EQ, "!=", SearchComparator.NE,
            ">", SearchComparator.GT, ">=", SearchComparator.GE, "<", SearchComparator.LT, "<=", SearchComparator.LE);

    private final String text;
    private final boolean versions;
    private int position;

    private RegistryFilterParser(String text, boolean versions) {
        this.text = text;
        this.versions = versions;
    }

    /** The filters of a registered-model search. */
    public static List<RegistryFilter> models(String filter) {
        return parse(filter, false);
    }

    /** The filters of a model-version search. */
    public static List<RegistryFilter> versions(String filter) {
        return parse(filter, true);
    }

    /** {@code order_by} entries such as {@code name ASC}, {@code last_updated_timestamp DESC}, {@code version_number}. */
    public static List<RegistryQuery.Order> order(List<String> orderBy, boolean versions) {
        List<RegistryQuery.Order> order = new ArrayList<>();
        Set<String> fields = versions ? Set.of("name", "version_number", "creation_timestamp", "last_updated_timestamp")
                : Set.of("name", "creation_timestamp", "last_updated_timestamp", "timestamp");
        for (String entry : orderBy) {
            String[] parts = entry.trim().split("\\s+");
            String field = parts[0].toLowerCase(Locale.ROOT);
            if (field.equals("timestamp")) {
                field = "creation_timestamp";
            }
            if (!fields.contains(parts[0].toLowerCase(Locale.ROOT)) || parts.length > 2
                    || (parts.length == 2 && !parts[1].equalsIgnoreCase("ASC") && !parts[1].equalsIgnoreCase("DESC"))) {
                throw StewardException.invalid("order_by", "Invalid order_by clause '" + entry + "': use one of " + new java.util.TreeSet<>(fields)
                        + ", optionally followed by ASC or DESC");
            }
            order.add(new RegistryQuery.Order(field, parts.length == 1 || parts[1].equalsIgnoreCase("ASC")));
        }
        return order;
    }

    private static List<RegistryFilter> parse(String filter, boolean versions) {
        if (filter == null || filter.isBlank()) {
            return List.of();
        }
        if (filter.length() > 10_000) {
            throw StewardException.invalid("filter", "the filter is longer than 10000 characters");
        }
        return new RegistryFilterParser(filter, versions).clauses();
    }

    private List<RegistryFilter> clauses() {
        List<RegistryFilter> clauses = new ArrayList<>();
        while (true) {
            clauses.add(clause());
            skipSpaces();
            if (position == text.length()) {
                return clauses;
            }
            if (!keyword("AND")) {
                throw error("expected AND or the end of the filter");
            }
        }
    }

    private RegistryFilter clause() {
        skipSpaces();
        int start = position;
        String identifier = identifier();
        RegistryFilter.Field field;
        String key = "";
        String lower = identifier.toLowerCase(Locale.ROOT);
        if (lower.startsWith("tags.") || lower.startsWith("tag.")) {
            field = RegistryFilter.Field.TAG;
            key = unquoteKey(identifier.substring(identifier.indexOf('.') + 1), start);
        } else if (lower.equals("name")) {
            field = RegistryFilter.Field.NAME;
        } else if (versions && lower.equals("run_id")) {
            field = RegistryFilter.Field.RUN_ID;
        } else if (versions && lower.equals("source_path")) {
            field = RegistryFilter.Field.SOURCE_PATH;
        } else if (versions && lower.equals("version_number")) {
            field = RegistryFilter.Field.VERSION;
        } else {
            position = start;
            throw error("unknown field '" + identifier + "'; use " + (versions ? "name, run_id, source_path, version_number or tags.<key>"
                    : "name or tags.<key>"));
        }
        skipSpaces();
        int comparatorAt = position;
        SearchComparator comparator = comparator();
        Set<SearchComparator> allowed = switch (field) {
            case RUN_ID -> RUN_ID;
            case VERSION -> NUMERIC;
            default -> TEXT;
        };
        if (!allowed.contains(comparator)) {
            position = comparatorAt;
            throw error("'" + comparator.symbol() + "' cannot compare " + identifier + "; use one of "
                    + allowed.stream().map(SearchComparator::symbol).toList());
        }
        skipSpaces();
        List<String> values = new ArrayList<>();
        if (comparator == SearchComparator.IN || comparator == SearchComparator.NOT_IN) {
            expect('(');
            do {
                skipSpaces();
                values.add(string());
                skipSpaces();
            } while (accept(','));
            expect(')');
        } else if (field == RegistryFilter.Field.VERSION) {
            values.add(number());
        } else {
            values.add(string());
        }
        return new RegistryFilter(field, key, comparator, values);
    }

    private String identifier() {
        int start = position;
        while (position < text.length()) {
            char c = text.charAt(position);
            if (c == '`') {
                int end = text.indexOf('`', position + 1);
                if (end < 0) {
                    throw error("unterminated `quoted` key");
                }
                position = end + 1;
                continue;
            }
            if (Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-') {
                position++;
            } else {
                break;
            }
        }
        if (position == start) {
            throw error("expected a field such as name or tags.<key>");
        }
        return text.substring(start, position);
    }

    private String unquoteKey(String key, int at) {
        String unquoted = key.startsWith("`") && key.endsWith("`") && key.length() >= 2 ? key.substring(1, key.length() - 1) : key;
        if (unquoted.isEmpty()) {
            position = at;
            throw error("a tag key is missing after 'tags.'");
        }
        return unquoted;
    }

    private SearchComparator comparator() {
        for (String symbol : List.of(">=", "<=", "!=", "=", ">", "<")) {
            if (text.startsWith(symbol, position)) {
                position += symbol.length();
                return COMPARATORS.get(symbol);
            }
        }
        if (keyword("LIKE")) {
            return SearchComparator.LIKE;
        }
        if (keyword("ILIKE")) {
            return SearchComparator.ILIKE;
        }
        if (keyword("IN")) {
            return SearchComparator.IN;
        }
        int start = position;
        if (keyword("NOT")) {
            skipSpaces();
            if (keyword("IN")) {
                return SearchComparator.NOT_IN;
            }
            position = start;
        }
        throw error("expected a comparator (=, !=, LIKE, ILIKE, IN, <, >, ...)");
    }

    private String string() {
        if (position >= text.length() || (text.charAt(position) != '\'' && text.charAt(position) != '"')) {
            throw error("expected a quoted string such as 'value'");
        }
        char quote = text.charAt(position);
        StringBuilder value = new StringBuilder();
        position++;
        while (position < text.length()) {
            char c = text.charAt(position++);
            if (c == quote) {
                if (position < text.length() && text.charAt(position) == quote) {
                    value.append(quote);
                    position++;
                    continue;
                }
                return value.toString();
            }
            value.append(c);
        }
        throw error("unterminated string");
    }

    private String number() {
        int start = position;
        while (position < text.length() && Character.isDigit(text.charAt(position))) {
            position++;
        }
        if (position == start || position - start > 9) {
            position = start;
            throw error("expected a version number");
        }
        return text.substring(start, position);
    }

    private boolean keyword(String word) {
        if (text.regionMatches(true, position, word, 0, word.length())
                && (position + word.length() == text.length() || !Character.isLetterOrDigit(text.charAt(position + word.length())))) {
            position += word.length();
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!accept(c)) {
            throw error("expected '" + c + "'");
        }
    }

    private boolean accept(char c) {
        if (position < text.length() && text.charAt(position) == c) {
            position++;
            return true;
        }
        return false;
    }

    private void skipSpaces() {
        while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
            position++;
        }
    }

    private StewardException error(String expected) {
        return StewardException.invalid("filter", "Invalid filter '" + ModelNames.abbreviate(text) + "' at position " + position + ": " + expected);
    }
}
