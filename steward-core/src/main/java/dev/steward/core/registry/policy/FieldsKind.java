package dev.steward.core.registry.policy;

import static java.util.Objects.requireNonNull;

import dev.steward.core.jobs.SpecFields;
import java.util.Optional;

/** A kind whose criteria are written as a mapping of fields only (no compact text form). */
abstract class FieldsKind implements CriterionKind {
    private final String name;
    private final String example;

    FieldsKind(String name, String example) {
        this.name = requireNonNull(name, "name is null");
        this.example = requireNonNull(example, "example is null");
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Criterion parse(SpecFields fields, Optional<String> text, PolicyContext context) {
        if (text.isPresent()) {
            throw fields.invalid(name, "give " + name + " as a mapping, e.g. " + example);
        }
        Criterion criterion = parse(fields, context);
        fields.done();
        return criterion;
    }

    /** Reads the criterion's fields; unknown ones are refused after it returns. */
    abstract Criterion parse(SpecFields fields, PolicyContext context);
}
