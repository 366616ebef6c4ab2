package dev.steward.core.gates;

import dev.steward.spi.StewardException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Tokenizer and recursive-descent parser of the condition language (the grammar is on
 * {@link GateCondition}). One instance parses one text; not thread-safe.
 */
final class ConditionParser {
    private static final int EXCERPT_WIDTH = 72;

    private enum Kind { NUMBER, NAME, PLUS, MINUS, STAR, GREATER, LESS, PLUS_MINUS, AND, END }

    private record Token(Kind kind, int start, int end, String lexeme, double number) {
        boolean isSign() {
            return kind == Kind.PLUS || kind == Kind.MINUS;
        }

        String described() {
            return kind == Kind.END ? "the end of the condition" : "'" + lexeme + "'";
        }
    }

    private final String text;
    private final List<Token> tokens = new ArrayList<>();
    private int next;

    ConditionParser(String text) {
        this.text = text;
    }

    List<Clause> parse() {
        if (text.length() > GateCondition.MAX_LENGTH) {
            throw StewardException.invalid("condition", "the condition has " + text.length() + " characters; at most "
                    + GateCondition.MAX_LENGTH + " are allowed");
        }
        tokenize();
        if (peek().kind == Kind.END) {
            throw error(0, "the condition is empty: write a clause such as 'n - o > 0.02 +/- 0.01'");
        }
        List<Clause> clauses = new ArrayList<>();
        clauses.add(clause());
        while (peek().kind == Kind.AND) {
            advance();
            if (clauses.size() == GateCondition.MAX_CLAUSES) {
                throw error(peek().start, "a condition has at most " + GateCondition.MAX_CLAUSES + " clauses");
            }
            clauses.add(clause());
        }
        Token last = peek();
        if (last.kind != Kind.END) {
            throw error(last.start, "expected '/\\' between clauses or the end of the condition, not " + last.described());
        }
        return clauses;
    }

    // clause = expression , comparison , threshold , "+/-" , tolerance ;
    private Clause clause() {
        Token first = peek();
        Map<Variable, Double> coefficients = new EnumMap<>(Variable.class);
        double sign = 1;
        if (peek().isSign()) {
            sign = advance().kind == Kind.MINUS ? -1 : 1;
        }
        term(sign, coefficients);
        while (peek().isSign()) {
            term(advance().kind == Kind.MINUS ? -1 : 1, coefficients);
        }

        Token comparisonToken = peek();
        Comparison comparison;
        if (comparisonToken.kind == Kind.GREATER) {
            comparison = Comparison.GREATER;
        } else if (comparisonToken.kind == Kind.LESS) {
            comparison = Comparison.LESS;
        } else {
            throw error(comparisonToken.start, "expected a comparison ('>' or '<') after the expression, not " + comparisonToken.described());
        }
        advance();

        double thresholdSign = 1;
        if (peek().isSign()) {
            thresholdSign = advance().kind == Kind.MINUS ? -1 : 1;
        }
        double threshold = thresholdSign * number("a number (the threshold) after '" + comparisonToken.lexeme + "'").number;

        Token plusMinus = peek();
        if (plusMinus.kind != Kind.PLUS_MINUS) {
            throw error(plusMinus.start, "expected '+/-' and a tolerance after the threshold, not " + plusMinus.described());
        }
        advance();
        if (peek().kind == Kind.MINUS) {
            throw error(peek().start, "the tolerance must be a positive number");
        }
        Token tolerance = number("a number (the tolerance) after '+/-'");
        if (!(tolerance.number > 0 && tolerance.number < 1)) {
            throw error(tolerance.start, "the tolerance must lie strictly between 0 and 1, not " + tolerance.lexeme);
        }
        return new Clause(coefficients, comparison, threshold, tolerance.number, text.substring(first.start, tolerance.end));
    }

    // term = [ number , "*" ] , variable | variable , "*" , number ;
    private void term(double sign, Map<Variable, Double> coefficients) {
        Token first = peek();
        double coefficient = sign;
        if (first.kind == Kind.NUMBER) {
            advance();
            Token star = peek();
            if (star.kind == Kind.NAME) {
                throw error(star.start, "expected '*' between the coefficient " + first.lexeme + " and the variable");
            }
            if (star.kind != Kind.STAR) {
                throw error(first.start, "constants belong on the right of the comparison: every term on the left needs a variable (n, o or d)");
            }
            advance();
            coefficient *= first.number;
            if (peek().kind != Kind.NAME) {
                throw error(peek().start, "expected a variable (n, o or d) after '*', not " + peek().described());
            }
        } else if (first.kind != Kind.NAME) {
            String where = first.kind == Kind.GREATER || first.kind == Kind.LESS ? " before the comparison: a clause compares an expression over n, o and d with a threshold"
                    : first.kind == Kind.END || first.kind == Kind.AND ? ", not " + first.described()
                    : " or a coefficient, not " + first.described();
            throw error(first.start, "expected a variable (n, o or d)" + where);
        }
        Token variableToken = advance();
        Variable variable = variable(variableToken);
        if (peek().kind == Kind.STAR) {
            Token star = advance();
            if (first.kind == Kind.NUMBER) {
                throw error(star.start, "a term takes one coefficient: write it once, before the variable");
            }
            coefficient *= number("a number (the coefficient) after '*'").number;
        }
        if (coefficients.containsKey(variable)) {
            throw error(variableToken.start, "variable '" + variable.symbol() + "' appears twice in this clause: combine its terms into one coefficient");
        }
        if (coefficient == 0) {
            throw error(first.start, "a coefficient of 0 removes '" + variable.symbol() + "' from the clause: drop the term");
        }
        coefficients.put(variable, coefficient);
    }

    private Token number(String expected) {
        Token token = peek();
        if (token.kind == Kind.NAME && isNonFinite(token.lexeme)) {
            throw error(token.start, "numbers must be finite, not '" + token.lexeme + "'");
        }
        if (token.kind != Kind.NUMBER) {
            throw error(token.start, "expected " + expected + ", not " + token.described());
        }
        return advance();
    }

    private Variable variable(Token token) {
        for (Variable variable : Variable.values()) {
            if (variable.symbol().equals(token.lexeme)) {
                return variable;
            }
        }
        String name = token.lexeme;
        String lower = name.toLowerCase(Locale.ROOT);
        if (isNonFinite(name)) {
            throw error(token.start, "numbers must be finite, not '" + name + "'");
        }
        if (lower.equals("and")) {
            throw error(token.start, "join clauses with '/\\', not '" + name + "'");
        }
        if (lower.equals("n") || lower.equals("o") || lower.equals("d")) {
            throw error(token.start, "variables are written in lower case: '" + lower + "', not '" + name + "'");
        }
        throw error(token.start, "unknown variable '" + name + "': the variables are n (" + Variable.N.meaning() + "), o ("
                + Variable.O.meaning() + ") and d (" + Variable.D.meaning() + ")");
    }

    private static boolean isNonFinite(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.equals("nan") || lower.equals("inf") || lower.equals("infinity");
    }

    private Token peek() {
        return tokens.get(next);
    }

    private Token advance() {
        Token token = tokens.get(next);
        if (token.kind != Kind.END) {
            next++;
        }
        return token;
    }

    private void tokenize() {
        int length = text.length();
        int i = 0;
        int endOfLastToken = 0;
        while (i < length) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            int start = i;
            if (isDigit(c) || (c == '.' && i + 1 < length && isDigit(text.charAt(i + 1)))) {
                i = endOfNumber(i);
                String lexeme = text.substring(start, i);
                double value = Double.parseDouble(lexeme);
                if (!Double.isFinite(value)) {
                    throw error(start, "the number " + lexeme + " is too large");
                }
                tokens.add(new Token(Kind.NUMBER, start, i, lexeme, value));
            } else if (Character.isLetter(c) || c == '_') {
                while (i < length && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_')) {
                    i++;
                }
                tokens.add(new Token(Kind.NAME, start, i, text.substring(start, i), Double.NaN));
            } else {
                i = symbol(start);
            }
            endOfLastToken = i;
        }
        tokens.add(new Token(Kind.END, endOfLastToken, endOfLastToken, "", Double.NaN));
    }

    /** Adds the operator token starting at {@code start} and returns the index after it. */
    private int symbol(int start) {
        char c = text.charAt(start);
        char following = start + 1 < text.length() ? text.charAt(start + 1) : '\0';
        switch (c) {
            case '+' -> {
                if (text.startsWith("+/-", start)) {
                    return add(Kind.PLUS_MINUS, start, 3);
                }
                return add(Kind.PLUS, start, 1);
            }
            case '\u00b1' -> {
                return add(Kind.PLUS_MINUS, start, 1);
            }
            case '-' -> {
                return add(Kind.MINUS, start, 1);
            }
            case '*' -> {
                return add(Kind.STAR, start, 1);
            }
            case '>' -> {
                return add(Kind.GREATER, start, following == '=' ? 2 : 1);
            }
            case '<' -> {
                return add(Kind.LESS, start, following == '=' ? 2 : 1);
            }
            case '/' -> {
                if (following == '\\') {
                    return add(Kind.AND, start, 2);
                }
                throw error(start, "'/' is not an operator here: the language has no division, and clauses are joined with '/\\'");
            }
            case '\u2227' -> {
                return add(Kind.AND, start, 1);
            }
            case '=', '!' -> throw error(start, "'" + (following == '=' ? c + "=" : String.valueOf(c))
                    + "' is not a comparison: use '>' or '<' (with a tolerance, equality cannot be decided)");
            case '&' -> throw error(start, "join clauses with '/\\', not '&'");
            default -> throw error(start, "unexpected character '" + c + "'");
        }
    }

    private int add(Kind kind, int start, int length) {
        tokens.add(new Token(kind, start, start + length, text.substring(start, start + length), Double.NaN));
        return start + length;
    }

    private int endOfNumber(int start) {
        int i = start;
        int length = text.length();
        while (i < length && isDigit(text.charAt(i))) {
            i++;
        }
        if (i < length && text.charAt(i) == '.') {
            i++;
            while (i < length && isDigit(text.charAt(i))) {
                i++;
            }
        }
        if (i < length && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            int exponent = i + 1;
            if (exponent < length && (text.charAt(exponent) == '+' || text.charAt(exponent) == '-')) {
                exponent++;
            }
            if (exponent < length && isDigit(text.charAt(exponent))) {
                i = exponent;
                while (i < length && isDigit(text.charAt(i))) {
                    i++;
                }
            }
        }
        return i;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private StewardException error(int position, String message) {
        return StewardException.invalid("condition", "at character " + (position + 1) + ": " + message + "\n" + excerpt(position));
    }

    /** The text on one line (at most {@value #EXCERPT_WIDTH} characters of it) with a caret under the position. */
    private String excerpt(int position) {
        String line = text.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
        int from = 0;
        int to = line.length();
        if (line.length() > EXCERPT_WIDTH) {
            from = Math.max(0, Math.min(position - EXCERPT_WIDTH / 2, line.length() - EXCERPT_WIDTH));
            to = Math.min(line.length(), from + EXCERPT_WIDTH);
        }
        String prefix = from > 0 ? "\u2026" : "";
        String suffix = to < line.length() ? "\u2026" : "";
        return "  " + prefix + line.substring(from, to) + suffix + "\n  " + " ".repeat(prefix.length() + position - from) + "^";
    }
}
