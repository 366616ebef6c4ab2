package dev.steward.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.client.StewardClientException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code steward gate size|check|test-set}: statistically sound release gates (ease.ml/ci). {@code
 * check} is a CI step: exit 0 when the candidate passes (or, with adaptivity none, when the check
 * is recorded and its outcome withheld), 1 when it fails, 2 when the test set cannot judge it (too
 * few labelled rows, or its budget is spent: a fresh test set is needed), 3 for a usage error.
 */
@Command(name = "gate", description = "Statistically sound release gates: sample sizes, checks against a test set with a step budget.",
        subcommands = {GateCommand.Size.class, GateCommand.Check.class, GateCommand.TestSet.class})
final class GateCommand extends CommandGroup {
    /** {@code gate check}'s exit statuses. */
    static final int PASSED = 0;
    static final int NOT_PASSED = 1;
    static final int CANNOT_JUDGE = 2;
    static final int USAGE = 3;

    /** The settings every gate command takes. */
    abstract static class Settings<T> extends ClientCommand<T> {
        @Option(names = "--reliability", paramLabel = "1-δ", description = "The probability that the gate's answer is right (default 0.999).")
        Double reliability;

        @Option(names = "--mode", paramLabel = "MODE", description = "fp-free (default: a pass is never wrong) or fn-free (a fail is never wrong).")
        String mode;

        @Option(names = "--adaptivity", paramLabel = "A", description = "none (outcomes go to administrators only), hybrid (the first pass"
                + " uses the test set up) or full (every outcome is released; default).")
        String adaptivity;

        @Option(names = "--steps", paramLabel = "H", description = "How many candidates one test set may judge (default 32).")
        Integer steps;

        @Option(names = "--disagreement-bound", paramLabel = "P", description = "A known upper bound on d, the rate at which the two models"
                + " disagree: Bennett's inequality then needs fewer labels.")
        Double disagreementBound;

        Map<String, Object> settings(String condition) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("condition", condition);
            put(body, "reliability", reliability);
            put(body, "mode", mode);
            put(body, "adaptivity", adaptivity);
            put(body, "steps", steps);
            put(body, "disagreement_bound", disagreementBound);
            return body;
        }

        static void put(Map<String, Object> body, String key, Object value) {
            if (value != null) {
                body.put(key, value);
            }
        }
    }

    @Command(name = "size", description = "How many labelled test examples a condition needs, by Hoeffding and Bennett.")
    static final class Size extends Settings<JsonNode> {
        @Parameters(index = "0", paramLabel = "CONDITION", description = "e.g. \"n - o > 0.02 +/- 0.01\" (clauses joined with /\\).")
        String condition;

        @Override
        JsonNode request() {
            return client().gateSampleSize(settings(condition));
        }

        @Override
        void print(JsonNode plan, PrintWriter out) {
            out.println(plan.get("condition").asText() + " at reliability " + plan.get("reliability").asText() + ", " + plan.get("mode").asText()
                    + ", " + plan.get("adaptivity").asText() + " adaptivity, " + plan.get("steps").asText() + " steps:");
            Table table = new Table("CLAUSE", "HOEFFDING", "BENNETT", "NEEDED", "METHOD");
            for (JsonNode c : plan.get("clauses")) {
                table.row(c.get("clause").asText(), c.get("hoeffding").asLong(), c.has("bennett") ? c.get("bennett").asText() : "-",
                        c.get("required").asLong(), c.get("method").asText());
            }
            table.print(out);
            out.println("labelled rows needed: " + plan.get("labelled_rows").asLong() + (plan.get("rows").asLong() > plan.get("labelled_rows")
                    .asLong() ? "; rows needed (labels or not): " + plan.get("rows").asLong() : ""));
        }
    }

    @Command(name = "check", description = "Judge a candidate against a baseline on a test set, spending one step of its budget."
            + " Exit 0 pass (or withheld), 1 fail, 2 test set too small or used up, 3 usage error.")
    static final class Check extends Settings<JsonNode> {
        @Option(names = "--model", required = true, paramLabel = "MODEL", description = "The candidate, as a model URI (models:/NAME/VERSION).")
        String model;

        @Option(names = "--against", paramLabel = "MODEL", description = "The model it is compared with (o, d), e.g. models:/NAME@production.")
        String against;

        @Option(names = "--condition", required = true, paramLabel = "CONDITION", description = "e.g. \"n - o > 0.02 +/- 0.01\".")
        String condition;

        @Option(names = "--test-set", required = true, paramLabel = "NAME@VERSION", description = "The dataset version to judge on.")
        String testSet;

        @Option(names = "--override-reason", description = "Use a quarantined test set anyway, for this (audited) reason.")
        String overrideReason;

        private int refused = -1;

        @Override
        JsonNode request() {
            Map<String, Object> body = settings(condition);
            body.put("candidate", model);
            put(body, "against", against);
            body.put("test_set", testSet);
            put(body, "override_reason", overrideReason);
            try {
                return client().gateCheck(body);
            } catch (StewardClientException e) {
                if (e.status() == 0) {
                    throw e;
                }
                refused = "RESOURCE_EXHAUSTED".equals(e.errorCode()) ? CANNOT_JUDGE : USAGE;
                com.fasterxml.jackson.databind.node.ObjectNode error = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
                error.put("outcome", refused == CANNOT_JUDGE ? "cannot_judge" : "error").put("error_code", e.errorCode()).put("message",
                        e.getMessage());
                e.field().ifPresent(f -> error.put("field", f));
                return error;
            }
        }

        @Override
        void print(JsonNode answer, PrintWriter out) {
            if (refused >= 0) {
                err().println((refused == CANNOT_JUDGE ? "cannot judge: " : "error: ") + answer.get("message").asText()
                        + (answer.has("field") ? " [" + answer.get("field").asText() + "]" : ""));
                return;
            }
            out.println(answer.get("outcome").asText().toUpperCase(Locale.ROOT) + ": " + answer.get("message").asText());
            if (answer.has("estimates")) {
                JsonNode e = answer.get("estimates");
                out.println("estimates: n=" + number(e.get("n")) + " o=" + number(e.get("o")) + " d=" + number(e.get("d")) + " on "
                        + e.get("labelled_rows_used").asLong() + " labelled rows of " + e.get("rows").asLong());
                for (JsonNode c : answer.get("clauses")) {
                    out.println("  " + (c.get("passed").asBoolean() ? "pass " : "fail ") + c.get("clause").asText() + ": estimate "
                            + number(c.get("estimate")) + " [" + number(c.get("lower")) + ", " + number(c.get("upper")) + "]");
                }
            }
            if (answer.has("run_id")) {
                out.println("kept as run " + answer.get("run_id").asText());
            }
        }

        @Override
        int status(JsonNode answer) {
            if (refused >= 0) {
                return refused;
            }
            return answer.get("outcome").asText().equals("fail") ? NOT_PASSED : PASSED;
        }

        private static String number(JsonNode value) {
            return value == null || value.isNull() ? "-" : String.format(Locale.ROOT, "%.4f", value.asDouble());
        }
    }

    @Command(name = "test-set", description = "A test set's step budget and the checks that spent it.")
    static final class TestSet extends ClientCommand<JsonNode> {
        @Parameters(index = "0", paramLabel = "NAME@VERSION", description = "The dataset version that serves as a test set.")
        String testSet;

        @Override
        JsonNode request() {
            DatasetVersionName name = DatasetVersionName.parse("test_set", "the test set", testSet);
            return client().gateTestSet(name.name(), name.version());
        }

        @Override
        void print(JsonNode budget, PrintWriter out) {
            out.println(budget.get("test_set").asText() + ": '" + budget.get("condition").asText() + "' at reliability "
                    + budget.get("reliability").asText() + ", " + budget.get("mode").asText() + ", " + budget.get("adaptivity").asText()
                    + " adaptivity; " + budget.get("steps_used").asInt() + " of " + budget.get("steps").asInt() + " steps spent"
                    + (budget.get("retired").asBoolean() ? "; retired: " + budget.get("retired_reason").asText() : ""));
            Table table = new Table("STEP", "CANDIDATE", "AGAINST", "OUTCOME", "RUN");
            for (JsonNode c : budget.get("checks")) {
                table.row(c.get("step").asInt(), c.get("candidate").asText(), c.has("baseline") ? c.get("baseline").asText() : "-",
                        c.get("outcome").asText(), c.has("run_id") ? c.get("run_id").asText() : "-");
            }
            table.print(out);
        }
    }
}
