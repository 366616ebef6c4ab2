package dev.steward.core.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.spi.StewardException;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the fields of a JSON spec, naming each by its path in errors ({@code guardrails.max_trials})
 * and rejecting keys nobody read. Not thread-safe; one per object.
 */
public final class SpecFields {
    private final ObjectNode node;
    private final String prefix;
    private final Set<String> used = new HashSet<>();

    public SpecFields(ObjectNode node, String prefix) {
        this.node = node;
        this.prefix = prefix;
    }

    public StewardException invalid(String key, String message) {
        return StewardException.invalid(prefix + key, prefix + key + ": " + message);
    }

    public Optional<JsonNode> optional(String key) {
        used.add(key);
        JsonNode value = node.get(key);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
    }

    public String requiredText(String key, int maxLength) {
        JsonNode value = optional(key).orElseThrow(() -> invalid(key, "is required"));
        if (!value.isTextual() || value.asText().isBlank()) {
            throw invalid(key, "must be a non-empty string");
        }
        if (value.asText().length() > maxLength) {
            throw invalid(key, "is longer than " + maxLength + " characters");
        }
        return value.asText();
    }

    public Optional<String> optionalText(String key, int maxLength) {
        Optional<JsonNode> value = optional(key);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (!value.get().isTextual() || value.get().asText().isBlank()) {
            throw invalid(key, "must be a non-empty string");
        }
        if (value.get().asText().length() > maxLength) {
            throw invalid(key, "is longer than " + maxLength + " characters");
        }
        return Optional.of(value.get().asText());
    }

    public Optional<Long> optionalLong(String key, long min, long max) {
        Optional<JsonNode> value = optional(key);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        // canConvertToLong: a number beyond a long would otherwise be read as its low 64 bits.
        if (!value.get().isIntegralNumber() || !value.get().canConvertToLong() || value.get().asLong() < min || value.get().asLong() > max) {
            throw invalid(key, "must be a whole number from " + min + " to " + max + ", not " + value.get());
        }
        return Optional.of(value.get().asLong());
    }

    public Optional<ObjectNode> optionalObject(String key) {
        Optional<JsonNode> value = optional(key);
        if (value.isPresent() && !value.get().isObject()) {
            throw invalid(key, "must be a mapping");
        }
        return value.map(ObjectNode.class::cast);
    }

    public SpecFields nested(String key) {
        return optionalObject(key).map(o -> new SpecFields(o, prefix + key + ".")).orElse(null);
    }

    public String path(String key) {
        return prefix + key;
    }

    public void done() {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!used.contains(name)) {
                throw invalid(name, "unknown key");
            }
        }
    }
}
