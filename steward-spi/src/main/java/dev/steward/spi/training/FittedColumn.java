package dev.steward.spi.training;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * How one raw input column becomes model features: its fitted steps in order. A numeric column
 * gives one feature (named after the column); a categorical column ends in {@link FittedStep.OneHot}
 * and gives one feature per category ({@code column=category}).
 */
public record FittedColumn(String name, boolean categorical, List<FittedStep> steps) implements java.io.Serializable {
    public FittedColumn {
        requireNonNull(name, "name is null");
        steps = List.copyOf(steps);
        if (categorical && (steps.isEmpty() || !(steps.get(steps.size() - 1) instanceof FittedStep.OneHot))) {
            throw new IllegalArgumentException("categorical column " + name + " must end in a one-hot step");
        }
    }

    /** The names of the features this column produces, in order. */
    public List<String> featureNames() {
        if (!categorical) {
            return List.of(name);
        }
        List<String> names = new ArrayList<>();
        for (String category : ((FittedStep.OneHot) steps.get(steps.size() - 1)).categories()) {
            names.add(name + "=" + category);
        }
        return names;
    }
}
