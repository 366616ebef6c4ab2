package dev.steward.client;

import java.util.List;
import java.util.Optional;

/** One page of runs and the token of the next. */
public record RunPage(List<RunDetails> runs, Optional<String> nextPageToken) {
    public RunPage {
        runs = runs == null ? List.of() : List.copyOf(runs);
        nextPageToken = nextPageToken == null ? Optional.empty() : nextPageToken;
    }
}
