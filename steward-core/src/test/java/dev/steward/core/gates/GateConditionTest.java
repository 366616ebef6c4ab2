package dev.steward.core.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.within;

import dev.steward.spi.StewardException;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GateConditionTest {

    @Test
    void parsesTheAccuracyDifferenceAndTheDisagreementClausesOfThePaper() {
        GateCondition condition = GateCondition.parse("n - o > 0.02 +/- 0.01 /\\ d < 0.1 +/- 0.01");

        assertThat(condition.clauses()).hasSize(2);
        Clause difference = condition.clauses().get(0);
        assertThat(difference.coefficients()).containsExactly(entry(Variable.N, 1.0), entry(Variable.O, -1.0));
        assertThat(difference.comparison()).isEqualTo(Comparison.GREATER);
        assertThat(difference.threshold()).isEqualTo(0.02);
        assertThat(difference.tolerance()).isEqualTo(0.01);
        assertThat(difference.text()).isEqualTo("n - o > 0.02 +/- 0.01");
        assertThat(difference.isAccuracyDifference()).isTrue();
        Clause disagreement = condition.clauses().get(1);
        assertThat(disagreement.coefficients()).containsExactly(entry(Variable.D, 1.0));
        assertThat(disagreement.comparison()).isEqualTo(Comparison.LESS);
        assertThat(disagreement.needsLabels()).isFalse();
        assertThat(disagreement.text()).isEqualTo("d < 0.1 +/- 0.01");
        assertThat(condition.needsLabels()).isTrue();
    }

    @Test
    void readsCoefficientsWrittenBeforeOrAfterTheVariable() {
        assertThat(single("1.1 * o - n < 0.01 +/- 0.01").coefficients()).containsExactly(entry(Variable.N, -1.0), entry(Variable.O, 1.1));
        assertThat(single("n - 1.05*o > 0 +/- 0.02").coefficients()).containsExactly(entry(Variable.N, 1.0), entry(Variable.O, -1.05));
        assertThat(single("o * 2 - 0.5 * d > 0.1 +/- 0.05").coefficients())
                .containsExactly(entry(Variable.O, 2.0), entry(Variable.D, -0.5));
        assertThat(single("-o + n > -0.01 +/- 0.01").coefficients()).containsExactly(entry(Variable.N, 1.0), entry(Variable.O, -1.0));
        assertThat(single("-o + n > -0.01 +/- 0.01").threshold()).isEqualTo(-0.01);
        assertThat(single("n > 8e-1 ± .05").threshold()).isEqualTo(0.8);
        assertThat(single("n > 8e-1 ± .05").tolerance()).isEqualTo(0.05);
        assertThat(single("2 * n - 2 * o > 0.04 +/- 0.02").isAccuracyDifference()).isTrue();
        assertThat(single("n - 1.1 * o > 0.01 +/- 0.01").isAccuracyDifference()).isFalse();
    }

    @Test
    void acceptsGreaterOrEqualAsGreaterAndSpacesAnywhereBetweenTokens() {
        Clause clause = single("  n>=0.8+/-0.05\n");
        assertThat(clause.comparison()).isEqualTo(Comparison.GREATER);
        assertThat(clause.text()).isEqualTo("n>=0.8+/-0.05");
        assertThat(single("d <= 0.1 +/- 0.01").comparison()).isEqualTo(Comparison.LESS);
    }

    @Test
    void evaluatesAClauseAtTheEstimates() {
        Estimates estimates = new Estimates(0.9, 0.8, 0.3, 100, 100);
        assertThat(single("n - 1.05 * o > 0 +/- 0.02").value(estimates)).isCloseTo(0.9 - 0.84, within(1e-12));
        assertThat(single("2 * d < 0.7 +/- 0.1").value(estimates)).isEqualTo(0.6);
    }

    @Test
    void acceptsTenClausesAndAThousandCharacters() {
        String clause = "n > 0.5 +/- 0.01";
        String ten = String.join(" /\\ ", Collections.nCopies(10, clause));
        assertThat(GateCondition.parse(ten).clauses()).hasSize(10);
        String padded = clause + " ".repeat(GateCondition.MAX_LENGTH - clause.length());
        assertThat(GateCondition.parse(padded).clauses()).hasSize(1);
    }

    @Test
    void errorsNameTheConditionFieldThePositionAndShowACaret() {
        assertThatThrownBy(() -> GateCondition.parse("n - o > 0.02"))
                .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.field()).contains("condition"))
                .hasMessage("at character 13: expected '+/-' and a tolerance after the threshold, not the end of the condition\n"
                        + "  n - o > 0.02\n"
                        + "              ^");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            n - x > 0.1 +/- 0.1                          | 5  | unknown variable 'x': the variables are n (the new model's accuracy)
            N > 0.1 +/- 0.1                              | 1  | variables are written in lower case: 'n', not 'N'
            n - o > 0.02 +/- 0                           | 18 | the tolerance must lie strictly between 0 and 1, not 0
            n - o > 0.02 +/- 1                           | 18 | the tolerance must lie strictly between 0 and 1, not 1
            n - o > 0.02 +/- 1.5                         | 18 | the tolerance must lie strictly between 0 and 1, not 1.5
            n - o > 0.02 +/- -0.01                       | 18 | the tolerance must be a positive number
            n - o > 0.02 0.01                            | 14 | expected '+/-' and a tolerance after the threshold, not '0.01'
            0.5 > 0.1 +/- 0.1                            | 1  | constants belong on the right of the comparison
            n - o + 0.01 > 0.02 +/- 0.01                 | 9  | constants belong on the right of the comparison
            > 0.1 +/- 0.1                                | 1  | expected a variable (n, o or d) before the comparison
            n - n > 0.1 +/- 0.1                          | 5  | variable 'n' appears twice in this clause
            n = 0.8 +/- 0.1                              | 3  | '=' is not a comparison: use '>' or '<'
            n == 0.8 +/- 0.1                             | 3  | '==' is not a comparison
            n != 0.8 +/- 0.1                             | 3  | '!=' is not a comparison
            n > NaN +/- 0.1                              | 5  | numbers must be finite, not 'NaN'
            n > 0.8 +/- Infinity                         | 13 | numbers must be finite, not 'Infinity'
            n > 1e999 +/- 0.1                            | 5  | the number 1e999 is too large
            n / o > 1 +/- 0.1                            | 3  | '/' is not an operator here
            n > 0.8 +/- 0.1 and d < 0.1 +/- 0.1          | 17 | expected '/\\' between clauses or the end of the condition, not 'and'
            n > 0.8 +/- 0.1 /\\                          | 19 | expected a variable (n, o or d), not the end of the condition
            n > 0.8 +/- 0.1 /\\ /\\ d < 0.1 +/- 0.1      | 20 | expected a variable (n, o or d), not '/\\'
            1.1 o > 0.8 +/- 0.1                          | 5  | expected '*' between the coefficient 1.1 and the variable
            2 * n * 3 > 0.8 +/- 0.1                      | 7  | a term takes one coefficient
            0 * n + o > 0.8 +/- 0.1                      | 1  | a coefficient of 0 removes 'n' from the clause
            n - - o > 0.8 +/- 0.1                        | 5  | expected a variable (n, o or d) or a coefficient, not '-'
            n > 0.8 +/- 0.1 && d < 0.1 +/- 0.1           | 17 | join clauses with '/\\', not '&'
            n # 0.8                                      | 3  | unexpected character '#'
            n >                                          | 4  | expected a number (the threshold) after '>', not the end of the condition
            n                                            | 2  | expected a comparison ('>' or '<') after the expression, not the end of the condition
            """)
    void rejectsMistakesWithThePositionAndWhatWasExpected(String text, int position, String message) {
        assertThatThrownBy(() -> GateCondition.parse(text))
                .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.field()).contains("condition"))
                .hasMessageStartingWith("at character " + position + ": " + message);
    }

    @Test
    void rejectsEmptyAndBlankConditions() {
        for (String text : new String[] {"", "   \n"}) {
            assertThatThrownBy(() -> GateCondition.parse(text))
                    .isInstanceOf(StewardException.class)
                    .hasMessageStartingWith("at character 1: the condition is empty");
        }
    }

    @Test
    void rejectsMoreThanTenClausesAtTheEleventh() {
        String clause = "n > 0.5 +/- 0.01";
        String eleven = String.join(" /\\ ", Collections.nCopies(11, clause));
        int eleventh = eleven.lastIndexOf(clause) + 1;
        assertThatThrownBy(() -> GateCondition.parse(eleven))
                .isInstanceOf(StewardException.class)
                .hasMessageStartingWith("at character " + eleventh + ": a condition has at most 10 clauses");
    }

    @Test
    void rejectsTextOverAThousandCharacters() {
        String text = "n > 0.5 +/- 0.01" + " ".repeat(GateCondition.MAX_LENGTH);
        assertThatThrownBy(() -> GateCondition.parse(text))
                .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.field()).contains("condition"))
                .hasMessage("the condition has 1016 characters; at most 1000 are allowed");
    }

    @Test
    void showsAWindowOfALongConditionWithTheCaretUnderThePosition() {
        String text = String.join(" /\\ ", Collections.nCopies(8, "n - o > 0.02 +/- 0.01")) + " /\\ n > q +/- 0.1";
        int position = text.indexOf('q');
        assertThatThrownBy(() -> GateCondition.parse(text))
                .satisfies(e -> {
                    String[] lines = e.getMessage().split("\n");
                    assertThat(lines[0]).startsWith("at character " + (position + 1) + ": expected a number (the threshold) after '>', not 'q'");
                    assertThat(lines[1].length()).isLessThanOrEqualTo(2 + 72 + 2);
                    assertThat(lines[1].charAt(lines[2].indexOf('^'))).isEqualTo('q');
                });
    }

    private static Clause single(String text) {
        GateCondition condition = GateCondition.parse(text);
        assertThat(condition.clauses()).hasSize(1);
        return condition.clauses().get(0);
    }
}
