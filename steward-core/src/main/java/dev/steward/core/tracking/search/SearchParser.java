package dev.steward.core.tracking.search;

import static java.util.Objects.requireNonNull;

import dev.steward.core.util.NulCharacters;
import dev.steward.spi.StewardException;
import dev.steward.spi.tracking.OrderBy;
import dev.steward.spi.tracking.SearchClause;
import dev.steward.spi.tracking.SearchComparator;
import dev.steward.spi.tracking.SearchEntity;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A parser for MLflow's search filter and order-by language:
 *
 * <pre>
 * filter     := clause ( AND clause )*
 * clause     := identifier comparator value
 * identifier := [ entity '.' ] key          entity: metric(s) | param(s) | parameter(s) | tag(s)
 *                                                    | attribute(s) | attr | run | dataset(s)
 * key        := name | `quoted` | "quoted"  a bare identifier is an attribute
 * comparator := = | != | &gt; | &gt;= | &lt; | &lt;= | LIKE | ILIKE | IN | NOT IN
 * value      := number | 'string' | "string" | ( string , ... )
 * order_by   := identifier [ ASC | DESC ]
 * </pre>
 *
 * Errors name the position (1-based character offset) of the problem. Thread-safe (stateless).
 */
public final class SearchParser {
    private static final Set<SearchComparator> NUMERIC = EnumSet.of(SearchComparator.EQ, SearchComparator.NE, SearchComparator.GT,
            SearchComparator.GE, SearchComparator.LT, SearchComparator.LE);
    private static final Set<SearchComparator> STRING = EnumSet.of(SearchComparator.EQ, SearchComparator.NE, SearchComparator.LIKE,
            SearchComparator.ILIKE);
    private static final Set<SearchComparator> STRING_OR_LIST = EnumSet.of(SearchComparator.EQ, SearchComparator.NE,
            SearchComparator.LIKE, SearchComparator.ILIKE, SearchComparator.IN, SearchComparator.NOT_IN);
    private static final Map<String, SearchEntity> ENTITIES = Map.ofEntries(
            Map.entry("metric", SearchEntity.METRIC), Map.entry("metrics", SearchEntity.METRIC),
            Map.entry("param", SearchEntity.PARAM), Map.entry("params", SearchEntity.PARAM),
            Map.entry("parameter", SearchEntity.PARAM), Map.entry("parameters", SearchEntity.PARAM),
            Map.entry("tag", SearchEntity.TAG), Map.entry("tags", SearchEntity.TAG),
            Map.entry("attribute", SearchEntity.ATTRIBUTE), Map.entry("attributes", SearchEntity.ATTRIBUTE),
            Map.entry("attr", SearchEntity.ATTRIBUTE), Map.entry("run", SearchEntity.ATTRIBUTE),
            Map.entry("dataset", SearchEntity.DATASET), Map.entry("datasets", SearchEntity.DATASET));

    /** What may be searched: run search and experiment search differ. */
    public enum Target {
        RUNS(Set.of("run_id", "run_name", "status", "artifact_uri", "user_id", "start_time", "end_time"),
                Set.of("start_time", "end_time"),
                Set.of("run_id", "run_name", "status", "artifact_uri", "user_id", "start_time", "end_time"),
                EnumSet.allOf(SearchEntity.class)),
        EXPERIMENTS(Set.of("name", "creation_time", "last_update_time", "experiment_id"),
                Set.of("creation_time", "last_update_time"),
                Set.of("name", "experiment_id", "creation_time", "last_update_time"),
                EnumSet.of(SearchEntity.ATTRIBUTE, SearchEntity.TAG));

        private final Set<String> attributes;
        private final Set<String> numericAttributes;
        private final Set<String> orderableAttributes;
        private final Set<SearchEntity> entities;

        Target(Set<String> attributes, Set<String> numericAttributes, Set<String> orderableAttributes, Set<SearchEntity> entities) {
            this.attributes = attributes;
            this.numericAttributes = numericAttributes;
            this.orderableAttributes = orderableAttributes;
            this.entities = entities;
        }
    }

    private SearchParser() {}

    /** Parses a filter string; an empty or blank filter matches everything. */
    public static List<SearchClause> parseFilter(String filter, Target target) {
        requireNonNull(filter, "filter is null");
        requireNonNull(target, "target is null");
        NulCharacters.refuse("filter", "The filter", filter);
        if (filter.isBlank()) {
            return List.of();
        }
        Cursor cursor = new Cursor(filter, new Lexer(filter).tokens());
        List<SearchClause> clauses = new ArrayList<>();
        clauses.add(clause(cursor, target));
        while (!cursor.atEnd()) {
            Token token = cursor.next();
            if (token.isKeyword("OR")) {
                throw cursor.error(token, "OR is not supported; combine conditions with AND");
            }
            if (!token.isKeyword("AND")) {
                throw cursor.error(token, "expected AND between conditions, found '" + token.text + "'");
            }
            clauses.add(clause(cursor, target));
        }
        return List.copyOf(clauses);
    }

    /** Parses order-by expressions such as {@code metrics.acc DESC}. */
    public static List<OrderBy> parseOrderBy(List<String> orderBy, Target target) {
        requireNonNull(orderBy, "orderBy is null");
        List<OrderBy> result = new ArrayList<>();
        for (String text : orderBy) {
            NulCharacters.refuse("order_by", "The order_by clause", text);
            Cursor cursor = new Cursor(text, new Lexer(text).tokens(), "order_by");
            if (cursor.atEnd()) {
                throw StewardException.invalid("order_by", "Invalid order_by clause '" + text + "': it is empty");
            }
            Identifier identifier = identifier(cursor, target);
            boolean ascending = true;
            if (!cursor.atEnd()) {
                Token direction = cursor.next();
                if (direction.isKeyword("ASC")) {
                    ascending = true;
                } else if (direction.isKeyword("DESC")) {
                    ascending = false;
                } else {
                    throw cursor.error(direction, "expected ASC or DESC, found '" + direction.text + "'");
                }
            }
            if (!cursor.atEnd()) {
                throw cursor.error(cursor.next(), "unexpected text after the order direction");
            }
            if (identifier.entity == SearchEntity.DATASET) {
                throw StewardException.invalid("order_by", "Invalid order_by clause '" + text + "': cannot order by dataset fields");
            }
            if (identifier.entity == SearchEntity.ATTRIBUTE && !target.orderableAttributes.contains(identifier.key)) {
                throw StewardException.invalid("order_by", "Invalid order_by clause '" + text + "': cannot order by attribute '"
                        + identifier.key + "'; valid attributes are " + sorted(target.orderableAttributes));
            }
            result.add(new OrderBy(identifier.entity, identifier.key, ascending));
        }
        return List.copyOf(result);
    }

    private static SearchClause clause(Cursor cursor, Target target) {
        Identifier identifier = identifier(cursor, target);
        Token operator = cursor.expectPresent("a comparison operator");
        SearchComparator comparator = comparator(cursor, operator);
        Token valueToken = cursor.expectPresent("a value");
        switch (identifier.entity) {
            case METRIC -> {
                require(cursor, operator, comparator, NUMERIC, "metric");
                return SearchClause.numeric(SearchEntity.METRIC, identifier.key, comparator, number(cursor, valueToken,
                        "Expected numeric value type for metric. Found " + valueToken.text));
            }
            case PARAM, TAG -> {
                String kind = identifier.entity == SearchEntity.PARAM ? "param" : "tag";
                require(cursor, operator, comparator, STRING, kind);
                return SearchClause.text(identifier.entity, identifier.key, comparator,
                        List.of(string(cursor, valueToken, "Expected a quoted string value for " + kind + " (e.g. 'my-value'). Got value "
                                + valueToken.text)));
            }
            case DATASET -> {
                require(cursor, operator, comparator, STRING_OR_LIST, "dataset");
                return SearchClause.text(SearchEntity.DATASET, identifier.key, comparator, stringOrList(cursor, comparator, valueToken));
            }
            default -> {
                if (target.numericAttributes.contains(identifier.key)) {
                    require(cursor, operator, comparator, NUMERIC, "numeric attribute");
                    return SearchClause.numeric(SearchEntity.ATTRIBUTE, identifier.key, comparator, number(cursor, valueToken,
                            "Expected numeric value type for numeric attribute: " + identifier.key + ". Found " + valueToken.text));
                }
                require(cursor, operator, comparator, STRING_OR_LIST, "attribute");
                if ((comparator == SearchComparator.IN || comparator == SearchComparator.NOT_IN) && !identifier.key.equals("run_id")) {
                    throw cursor.error(operator, "Only the 'run_id' attribute supports comparison with a list of quoted string values.");
                }
                return SearchClause.text(SearchEntity.ATTRIBUTE, identifier.key, comparator, stringOrList(cursor, comparator, valueToken));
            }
        }
    }

    private static Identifier identifier(Cursor cursor, Target target) {
        Token token = cursor.expectPresent("an identifier such as metrics.accuracy");
        if (token.type != TokenType.IDENTIFIER) {
            throw cursor.error(token, "expected an identifier such as metrics.accuracy, params.alpha or attributes.status, found '"
                    + token.text + "'");
        }
        SearchEntity entity;
        String key;
        if (token.entity == null) {
            entity = SearchEntity.ATTRIBUTE;
            key = token.value;
        } else {
            entity = ENTITIES.get(token.entity);
            if (entity == null) {
                throw cursor.error(token, "Invalid entity type '" + token.entity
                        + "'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']");
            }
            key = token.value;
        }
        if (!target.entities.contains(entity)) {
            throw cursor.error(token, "cannot search " + target.name().toLowerCase(Locale.ROOT) + " by " + entity.name().toLowerCase(Locale.ROOT)
                    + "s; valid are " + target.entities.stream().map(e -> e.name().toLowerCase(Locale.ROOT) + "s").sorted().toList());
        }
        if (entity == SearchEntity.ATTRIBUTE) {
            key = switch (key) {
                case "created", "Created" -> target == Target.RUNS ? "start_time" : key;
                case "run name", "Run name", "Run Name" -> "run_name";
                default -> key;
            };
            if (!target.attributes.contains(key)) {
                throw cursor.error(token, "Invalid attribute key '" + key + "' specified. Valid keys are " + sorted(target.attributes));
            }
        }
        if (entity == SearchEntity.DATASET && !Set.of("name", "digest", "context").contains(key)) {
            throw cursor.error(token, "Invalid dataset key '" + key + "' specified. Valid keys are [context, digest, name]");
        }
        if (key.isEmpty()) {
            throw cursor.error(token, "the key after '" + token.entity + ".' is empty");
        }
        return new Identifier(entity, key);
    }

    private static SearchComparator comparator(Cursor cursor, Token token) {
        if (token.type == TokenType.OPERATOR) {
            return switch (token.text) {
                case "=", "==" -> SearchComparator.EQ;
                case "!=", "<>" -> SearchComparator.NE;
                case ">" -> SearchComparator.GT;
                case ">=" -> SearchComparator.GE;
                case "<" -> SearchComparator.LT;
                case "<=" -> SearchComparator.LE;
                default -> throw cursor.error(token, "unknown operator '" + token.text + "'");
            };
        }
        if (token.isKeyword("LIKE")) {
            return SearchComparator.LIKE;
        }
        if (token.isKeyword("ILIKE")) {
            return SearchComparator.ILIKE;
        }
        if (token.isKeyword("IN")) {
            return SearchComparator.IN;
        }
        if (token.isKeyword("NOT")) {
            Token in = cursor.expectPresent("IN after NOT");
            if (in.isKeyword("IN")) {
                return SearchComparator.NOT_IN;
            }
            throw cursor.error(in, "expected IN after NOT, found '" + in.text + "'");
        }
        throw cursor.error(token, "expected a comparison operator (=, !=, >, >=, <, <=, LIKE, ILIKE, IN, NOT IN), found '" + token.text + "'");
    }

    private static void require(Cursor cursor, Token token, SearchComparator comparator, Set<SearchComparator> allowed, String kind) {
        if (!allowed.contains(comparator)) {
            throw cursor.error(token, "Invalid comparator '" + comparator.symbol() + "' not one of "
                    + allowed.stream().map(SearchComparator::symbol).toList() + " for " + kind + "s");
        }
    }

    private static double number(Cursor cursor, Token token, String message) {
        if (token.type != TokenType.NUMBER) {
            throw cursor.error(token, message);
        }
        return Double.parseDouble(token.text);
    }

    private static String string(Cursor cursor, Token token, String message) {
        if (token.type != TokenType.STRING) {
            throw cursor.error(token, message);
        }
        return token.value;
    }

    private static List<String> stringOrList(Cursor cursor, SearchComparator comparator, Token token) {
        boolean list = comparator == SearchComparator.IN || comparator == SearchComparator.NOT_IN;
        if (!list) {
            return List.of(string(cursor, token, "Expected a quoted string value. Got value " + token.text));
        }
        if (token.type != TokenType.LPAREN) {
            throw cursor.error(token, "expected a parenthesised list of quoted strings after " + comparator.symbol() + ", e.g. ('a', 'b')");
        }
        List<String> values = new ArrayList<>();
        while (true) {
            Token value = cursor.expectPresent("a quoted string");
            values.add(string(cursor, value, "expected a quoted string in the list, found '" + value.text + "'"));
            Token separator = cursor.expectPresent("',' or ')'");
            if (separator.type == TokenType.RPAREN) {
                return values;
            }
            if (separator.type != TokenType.COMMA) {
                throw cursor.error(separator, "expected ',' or ')' in the list, found '" + separator.text + "'");
            }
        }
    }

    private static String sorted(Set<String> values) {
        return values.stream().sorted().toList().toString();
    }

    private record Identifier(SearchEntity entity, String key) {}

    enum TokenType { IDENTIFIER, STRING, NUMBER, OPERATOR, KEYWORD, LPAREN, RPAREN, COMMA }

    /** A token: its type, its source text, its position, and for identifiers the entity and key. */
    record Token(TokenType type, String text, int position, String entity, String value) {
        boolean isKeyword(String keyword) {
            return type == TokenType.KEYWORD && text.equalsIgnoreCase(keyword);
        }
    }

    private static final class Cursor {
        private final String source;
        private final List<Token> tokens;
        private final String field;
        private int index;

        Cursor(String source, List<Token> tokens) {
            this(source, tokens, "filter");
        }

        Cursor(String source, List<Token> tokens, String field) {
            this.source = source;
            this.tokens = tokens;
            this.field = field;
        }

        boolean atEnd() {
            return index >= tokens.size();
        }

        Token next() {
            return tokens.get(index++);
        }

        Token expectPresent(String what) {
            if (atEnd()) {
                throw StewardException.invalid(field, "Error on parsing " + field + " '" + source + "' at position "
                        + (source.length() + 1) + ": expected " + what + " but the text ended");
            }
            return next();
        }

        StewardException error(Token token, String message) {
            return StewardException.invalid(field, "Error on parsing " + field + " '" + source + "' at position " + (token.position + 1)
                    + " ('" + token.text + "'): " + message);
        }
    }

    /** Splits the text into tokens, reporting the position of anything it cannot read. */
    private static final class Lexer {
        private static final Set<String> KEYWORDS = Set.of("AND", "OR", "LIKE", "ILIKE", "IN", "NOT", "ASC", "DESC");
        private final String text;
        private int pos;

        Lexer(String text) {
            this.text = text;
        }

        List<Token> tokens() {
            List<Token> tokens = new ArrayList<>();
            while (true) {
                while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                    pos++;
                }
                if (pos >= text.length()) {
                    return tokens;
                }
                char c = text.charAt(pos);
                int start = pos;
                if (c == '(') {
                    pos++;
                    tokens.add(new Token(TokenType.LPAREN, "(", start, null, null));
                } else if (c == ')') {
                    pos++;
                    tokens.add(new Token(TokenType.RPAREN, ")", start, null, null));
                } else if (c == ',') {
                    pos++;
                    tokens.add(new Token(TokenType.COMMA, ",", start, null, null));
                } else if (c == '\'' || c == '"') {
                    String value = quoted(c);
                    tokens.add(new Token(TokenType.STRING, text.substring(start, pos), start, null, value));
                } else if ("=!<>".indexOf(c) >= 0) {
                    pos++;
                    if (pos < text.length() && (text.charAt(pos) == '=' || (c == '<' && text.charAt(pos) == '>'))) {
                        pos++;
                    }
                    String op = text.substring(start, pos);
                    if (op.equals("!")) {
                        throw error(start, "'!' must be followed by '=' (use != for not equal)");
                    }
                    tokens.add(new Token(TokenType.OPERATOR, op, start, null, null));
                } else if (Character.isDigit(c) || ((c == '-' || c == '+' || c == '.') && pos + 1 < text.length()
                        && (Character.isDigit(text.charAt(pos + 1)) || text.charAt(pos + 1) == '.'))) {
                    tokens.add(number(start));
                } else if (Character.isLetter(c) || c == '_' || c == '`') {
                    tokens.add(identifierOrKeyword(start));
                } else {
                    throw error(start, "unexpected character '" + c + "'");
                }
            }
        }

        private Token number(int start) {
            pos++;
            while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
                pos++;
            }
            if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
                pos++;
                if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
                    pos++;
                }
                while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                    pos++;
                }
            }
            String number = text.substring(start, pos);
            try {
                Double.parseDouble(number);
            } catch (NumberFormatException e) {
                throw error(start, "'" + number + "' is not a number");
            }
            return new Token(TokenType.NUMBER, number, start, null, null);
        }

        private Token identifierOrKeyword(int start) {
            String first = part();
            if (pos < text.length() && text.charAt(pos) == '.') {
                pos++;
                String key;
                if (pos < text.length() && (text.charAt(pos) == '`' || text.charAt(pos) == '"')) {
                    key = quoted(text.charAt(pos));
                } else if (pos < text.length() && text.charAt(pos) == '\'') {
                    key = quoted('\'');
                } else {
                    int keyStart = pos;
                    while (pos < text.length() && isKeyChar(text.charAt(pos))) {
                        pos++;
                    }
                    key = text.substring(keyStart, pos);
                }
                return new Token(TokenType.IDENTIFIER, text.substring(start, pos), start, unquote(first), key);
            }
            String raw = text.substring(start, pos);
            if (!raw.startsWith("`") && KEYWORDS.contains(raw.toUpperCase(Locale.ROOT))) {
                return new Token(TokenType.KEYWORD, raw, start, null, null);
            }
            return new Token(TokenType.IDENTIFIER, raw, start, null, unquote(first));
        }

        private String part() {
            if (text.charAt(pos) == '`') {
                return "`" + quoted('`') + "`";
            }
            int start = pos;
            while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
                pos++;
            }
            return text.substring(start, pos);
        }

        private static String unquote(String part) {
            return part.startsWith("`") ? part.substring(1, part.length() - 1) : part;
        }

        private static boolean isKeyChar(char c) {
            return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-' || c == '/';
        }

        /** Reads a quoted run starting at the quote; a doubled quote stands for itself. */
        private String quoted(char quote) {
            int start = pos;
            pos++;
            StringBuilder value = new StringBuilder();
            while (pos < text.length()) {
                char c = text.charAt(pos++);
                if (c == quote) {
                    if (pos < text.length() && text.charAt(pos) == quote) {
                        value.append(quote);
                        pos++;
                        continue;
                    }
                    return value.toString();
                }
                value.append(c);
            }
            throw error(start, "the quote " + quote + " opened here is never closed");
        }

        private StewardException error(int position, String message) {
            return StewardException.invalid("filter", "Error on parsing '" + text + "' at position " + (position + 1) + ": " + message);
        }
    }
}
