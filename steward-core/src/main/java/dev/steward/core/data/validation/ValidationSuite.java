package dev.steward.core.data.validation;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * A parsed validation suite.
 *
 * @param quarantineOnFailure when a check of severity {@code error} fails, the version is quarantined
 */
public record ValidationSuite(String name, Optional<String> description, boolean quarantineOnFailure, List<Check> checks) {
    public ValidationSuite {
        requireNonNull(name, "name is null");
        requireNonNull(description, "description is null");
        checks = List.copyOf(checks);
    }
}
