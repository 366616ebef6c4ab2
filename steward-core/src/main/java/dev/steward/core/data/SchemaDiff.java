package dev.steward.core.data;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.data.ColumnSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * How the schema of one dataset version differs from another's: columns added, removed or
 * retyped, nullability changes, and categorical values that appeared or disappeared.
 */
public record SchemaDiff(List<String> added, List<String> removed, List<Change> retyped, List<Change> nullability,
        List<DomainChange> domains) {
    public SchemaDiff {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        retyped = List.copyOf(retyped);
        nullability = List.copyOf(nullability);
        domains = List.copyOf(domains);
    }

    /** A column whose type or nullability changed. */
    public record Change(String column, String from, String to) {
        public Change {
            requireNonNull(column, "column is null");
        }
    }

    /** A categorical column whose set of values changed. */
    public record DomainChange(String column, List<String> addedValues, List<String> removedValues) {
        public DomainChange {
            addedValues = List.copyOf(addedValues);
            removedValues = List.copyOf(removedValues);
        }
    }

    public boolean identical() {
        return added.isEmpty() && removed.isEmpty() && retyped.isEmpty() && nullability.isEmpty() && domains.isEmpty();
    }

    public static SchemaDiff between(List<ColumnSummary> from, List<ColumnSummary> to) {
        Map<String, ColumnSummary> before = byName(from);
        Map<String, ColumnSummary> after = byName(to);
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<Change> retyped = new ArrayList<>();
        List<Change> nullability = new ArrayList<>();
        List<DomainChange> domains = new ArrayList<>();
        for (ColumnSummary column : to) {
            if (!before.containsKey(column.name())) {
                added.add(column.name());
            }
        }
        for (ColumnSummary old : from) {
            ColumnSummary now = after.get(old.name());
            if (now == null) {
                removed.add(old.name());
                continue;
            }
            if (old.type() != now.type()) {
                retyped.add(new Change(old.name(), old.type().name(), now.type().name()));
            }
            if (old.nullable() != now.nullable()) {
                nullability.add(new Change(old.name(), old.nullable() ? "nullable" : "not null", now.nullable() ? "nullable" : "not null"));
            }
            domainChange(old.name(), old.domain(), now.domain()).ifPresent(domains::add);
        }
        return new SchemaDiff(added, removed, retyped, nullability, domains);
    }

    private static Optional<DomainChange> domainChange(String column, Optional<List<String>> before, Optional<List<String>> after) {
        if (before.isEmpty() || after.isEmpty()) {
            return Optional.empty();
        }
        TreeSet<String> gained = new TreeSet<>(after.get());
        gained.removeAll(before.get());
        TreeSet<String> lost = new TreeSet<>(before.get());
        lost.removeAll(after.get());
        if (gained.isEmpty() && lost.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new DomainChange(column, List.copyOf(gained), List.copyOf(lost)));
    }

    private static Map<String, ColumnSummary> byName(List<ColumnSummary> columns) {
        Map<String, ColumnSummary> map = new LinkedHashMap<>();
        columns.forEach(c -> map.put(c.name(), c));
        return map;
    }
}
