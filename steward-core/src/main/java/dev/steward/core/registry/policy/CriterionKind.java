package dev.steward.core.registry.policy;

import dev.steward.core.jobs.SpecFields;

/** Parses criteria of one kind from a policy document; mistakes are errors naming the field. */
public interface CriterionKind {
    /** The kind's name in policies. */
    String name();

    /**
     * Parses one criterion. {@code fields} holds the item's keys (without {@code kind}); a compact
     * item {@code {name: "text"}} arrives as {@code text} with empty {@code fields}.
     */
    Criterion parse(SpecFields fields, java.util.Optional<String> text, PolicyContext context);
}
