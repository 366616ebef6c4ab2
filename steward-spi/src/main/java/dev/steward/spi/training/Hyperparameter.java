package dev.steward.spi.training;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A hyperparameter an algorithm accepts: its type, range or choices, and default (used when a spec
 * leaves it out, and recorded in the run's params).
 */
public record Hyperparameter(String name, Type type, double min, double max, List<String> choices, Object defaultValue, String description) {
    public enum Type { INTEGER, NUMBER, CHOICE, BOOLEAN }

    public Hyperparameter {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        choices = List.copyOf(choices);
        requireNonNull(defaultValue, "defaultValue is null");
        requireNonNull(description, "description is null");
    }

    public static Hyperparameter integer(String name, long min, long max, long defaultValue, String description) {
        return new Hyperparameter(name, Type.INTEGER, min, max, List.of(), defaultValue, description);
    }

    public static Hyperparameter number(String name, double min, double max, double defaultValue, String description) {
        return new Hyperparameter(name, Type.NUMBER, min, max, List.of(), defaultValue, description);
    }

    public static Hyperparameter choice(String name, List<String> choices, String defaultValue, String description) {
        return new Hyperparameter(name, Type.CHOICE, 0, 0, choices, defaultValue, description);
    }
}
