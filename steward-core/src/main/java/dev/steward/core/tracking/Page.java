package dev.steward.core.tracking;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/** One page of results and the token of the next, when there may be more. */
public record Page<T>(List<T> items, Optional<String> nextPageToken) {
    public Page {
        items = List.copyOf(items);
        requireNonNull(nextPageToken, "nextPageToken is null");
    }
}
