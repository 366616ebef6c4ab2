package dev.steward.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Which audit events to list. Immutable; each {@code with} method returns a new filter. */
public final class AuditFilter {
    private final Map<String, String> params;

    private AuditFilter(Map<String, String> params) {
        this.params = Map.copyOf(params);
    }

    public static AuditFilter all() {
        return new AuditFilter(Map.of());
    }

    public AuditFilter objectType(String value) {
        return with("object_type", value);
    }

    public AuditFilter objectId(String value) {
        return with("object_id", value);
    }

    public AuditFilter actor(String value) {
        return with("actor", value);
    }

    public AuditFilter action(String value) {
        return with("action", value);
    }

    /** Events at or after this ISO-8601 instant. */
    public AuditFilter from(String value) {
        return with("from", value);
    }

    /** Events before this ISO-8601 instant. */
    public AuditFilter to(String value) {
        return with("to", value);
    }

    public AuditFilter newestFirst(boolean value) {
        return with("order", value ? "newest" : "oldest");
    }

    public AuditFilter maxResults(int value) {
        return with("max_results", Integer.toString(value));
    }

    public AuditFilter pageToken(String value) {
        return with("page_token", value);
    }

    private AuditFilter with(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(params);
        copy.put(key, value);
        return new AuditFilter(copy);
    }

    String queryString() {
        return params.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
