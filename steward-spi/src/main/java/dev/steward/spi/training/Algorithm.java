package dev.steward.spi.training;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** An algorithm a {@link Trainer} offers: the tasks it can do and the hyperparameters it takes. */
public record Algorithm(String name, Set<Task> tasks, List<Hyperparameter> hyperparameters, String description) {
    public Algorithm {
        requireNonNull(name, "name is null");
        tasks = Set.copyOf(tasks);
        hyperparameters = List.copyOf(hyperparameters);
        requireNonNull(description, "description is null");
    }

    public Optional<Hyperparameter> hyperparameter(String name) {
        return hyperparameters.stream().filter(h -> h.name().equals(name)).findFirst();
    }
}
