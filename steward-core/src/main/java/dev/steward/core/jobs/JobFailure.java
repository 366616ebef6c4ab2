package dev.steward.core.jobs;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** A job failed for a reason worth telling its owner; {@code guardrail} names the guardrail that stopped it. */
public final class JobFailure extends Exception {
    private final Optional<String> guardrail;

    public JobFailure(String reason) {
        this(reason, Optional.empty());
    }

    public JobFailure(String reason, Optional<String> guardrail) {
        super(requireNonNull(reason, "reason is null"));
        this.guardrail = requireNonNull(guardrail, "guardrail is null");
    }

    public Optional<String> guardrail() {
        return guardrail;
    }
}
