package dev.steward.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A run search: experiments, an MLflow filter string ({@code metrics.acc > 0.9 AND params.x = 'y'}),
 * order-by keys, page size and token.
 */
public record RunSearch(List<String> experimentIds, String filter, List<String> orderBy, Optional<Integer> maxResults,
        Optional<String> pageToken, String view) {
    public RunSearch {
        experimentIds = List.copyOf(experimentIds);
        filter = filter == null ? "" : filter;
        orderBy = List.copyOf(orderBy);
        view = view == null ? "ACTIVE_ONLY" : view;
    }

    public static RunSearch in(String... experimentIds) {
        return new RunSearch(List.of(experimentIds), "", List.of(), Optional.empty(), Optional.empty(), "ACTIVE_ONLY");
    }

    public RunSearch filter(String newFilter) {
        return new RunSearch(experimentIds, newFilter, orderBy, maxResults, pageToken, view);
    }

    public RunSearch orderBy(String... keys) {
        return new RunSearch(experimentIds, filter, List.of(keys), maxResults, pageToken, view);
    }

    public RunSearch maxResults(int max) {
        return new RunSearch(experimentIds, filter, orderBy, Optional.of(max), pageToken, view);
    }

    public RunSearch page(String token) {
        return new RunSearch(experimentIds, filter, orderBy, maxResults, Optional.of(token), view);
    }

    String queryString() {
        List<String> parts = new ArrayList<>();
        experimentIds.forEach(id -> parts.add("experiment_id=" + encode(id)));
        if (!filter.isEmpty()) {
            parts.add("filter=" + encode(filter));
        }
        orderBy.forEach(key -> parts.add("order_by=" + encode(key)));
        maxResults.ifPresent(max -> parts.add("max_results=" + max));
        pageToken.ifPresent(token -> parts.add("page_token=" + encode(token)));
        parts.add("view=" + encode(view));
        return String.join("&", parts);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
