package dev.steward.core.data;

import static java.util.Objects.requireNonNull;

import dev.steward.core.data.validation.ValidationSuite;
import dev.steward.spi.data.ValidationSuiteRecord;

/** A stored suite version, parsed; {@code created} is false when identical content was already stored. */
public record SuiteRegistration(ValidationSuiteRecord record, ValidationSuite suite, boolean created) {
    public SuiteRegistration {
        requireNonNull(record, "record is null");
        requireNonNull(suite, "suite is null");
    }
}
