package dev.steward.core.registry.policy;

/**
 * One condition of a promotion policy, checked by Steward itself at promotion time with stored
 * evidence (never with numbers a training run reported about itself). Implementations are
 * immutable and thread-safe; each kind comes with a {@link CriterionKind} that parses it, so new
 * kinds plug into the policy engine without changing it.
 */
public interface Criterion {
    /** The kind, as policies name it, e.g. {@code metric}. */
    String kind();

    /** What it requires, in one line, e.g. {@code f1_macro >= 0.9 on penguins@3}. */
    String describe();

    CriterionResult evaluate(PromotionContext context);
}
