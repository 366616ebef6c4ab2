package dev.steward.store.jdbc;

import dev.steward.spi.tracking.ExperimentQuery;
import dev.steward.spi.tracking.Lifecycle;
import dev.steward.spi.tracking.OrderBy;
import dev.steward.spi.tracking.RunQuery;
import dev.steward.spi.tracking.SearchClause;
import dev.steward.spi.tracking.SearchComparator;
import dev.steward.spi.tracking.SearchEntity;
import dev.steward.spi.tracking.ViewType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.statement.Query;

/**
 * Translates a parsed run or experiment search into the tail of a SQL query (joins, where,
 * order by, limit) with positional arguments. Filters become {@code EXISTS} sub-queries on the
 * indexed key tables, so the database does the filtering, never Java.
 *
 * <p>Ordering follows MLflow: rows missing the ordered value come last (and NaN metrics just
 * before them) in either direction, then start time descending, then run id.
 */
final class SearchSql {
    private static final Map<String, String> RUN_ATTRIBUTES = Map.of(
            "run_id", "r.run_id",
            "run_name", "r.run_name",
            "status", "r.status",
            "artifact_uri", "r.artifact_uri",
            "user_id", "r.user_id",
            "start_time", "r.start_time",
            "end_time", "r.end_time",
            "lifecycle_stage", "r.lifecycle_stage");
    private static final Map<String, String> EXPERIMENT_ATTRIBUTES = Map.of(
            "name", "e.name",
            "experiment_id", "e.experiment_id",
            "creation_time", "e.creation_time",
            "last_update_time", "e.last_update_time");
    /**
     * The experiment id is a number in the table but a string in the search language (as in
     * MLflow's API): filters compare its text, which PostgreSQL will not do implicitly. Ordering
     * stays numeric.
     */
    private static final String EXPERIMENT_ID_TEXT = "CAST(e.experiment_id AS VARCHAR(20))";
    private static final Map<String, String> DATASET_COLUMNS = Map.of(
            "name", "dataset_name",
            "digest", "dataset_digest",
            "context", "context");

    private final Dialect dialect;
    private final StringBuilder joins = new StringBuilder();
    private final List<Object> joinArgs = new ArrayList<>();
    private final StringBuilder where = new StringBuilder(" WHERE 1 = 1");
    private final List<Object> whereArgs = new ArrayList<>();
    private final List<String> order = new ArrayList<>();
    private final List<Object> tailArgs = new ArrayList<>();
    private String tail = "";
    private int aliases;

    private SearchSql(Dialect dialect) {
        this.dialect = dialect;
    }

    static SearchSql runs(RunQuery query, Dialect dialect) {
        SearchSql sql = new SearchSql(dialect);
        if (!query.experimentIds().isEmpty()) {
            sql.where.append(" AND r.experiment_id IN (").append(placeholders(query.experimentIds().size())).append(')');
            query.experimentIds().forEach(id -> sql.whereArgs.add(Long.parseLong(id)));
        }
        sql.lifecycle("r.lifecycle_stage", query.viewType());
        for (SearchClause clause : query.filter()) {
            sql.runClause(clause);
        }
        boolean startTimeOrdered = false;
        for (OrderBy orderBy : query.orderBy()) {
            sql.runOrder(orderBy);
            startTimeOrdered |= orderBy.entity() == SearchEntity.ATTRIBUTE && orderBy.key().equals("start_time");
        }
        if (!startTimeOrdered) {
            sql.order.add("r.start_time DESC");
        }
        sql.order.add("r.run_id");
        sql.page(query.offset(), query.limit());
        return sql;
    }

    static SearchSql experiments(ExperimentQuery query, Dialect dialect) {
        SearchSql sql = new SearchSql(dialect);
        sql.lifecycle("e.lifecycle_stage", query.viewType());
        for (SearchClause clause : query.filter()) {
            if (clause.entity() == SearchEntity.TAG) {
                sql.exists("experiment_tag t", "t.experiment_id = e.experiment_id AND t.tag_key = ?", clause.key(), "t.tag_value", clause);
            } else {
                sql.where.append(" AND ");
                String column = clause.key().equals("experiment_id") ? EXPERIMENT_ID_TEXT : EXPERIMENT_ATTRIBUTES.get(clause.key());
                sql.compare(column, clause, sql.where, sql.whereArgs);
            }
        }
        boolean creationOrdered = false;
        for (OrderBy orderBy : query.orderBy()) {
            String column = EXPERIMENT_ATTRIBUTES.get(orderBy.key());
            sql.order.add(column + (orderBy.ascending() ? " ASC" : " DESC"));
            creationOrdered |= orderBy.key().equals("creation_time");
        }
        if (!creationOrdered) {
            sql.order.add("e.creation_time DESC");
        }
        sql.order.add("e.experiment_id");
        sql.page(query.offset(), query.limit());
        return sql;
    }

    String sql() {
        return joins + where.toString() + " ORDER BY " + String.join(", ", order) + tail;
    }

    void bindTo(Query query) {
        int position = 0;
        for (List<Object> args : List.of(joinArgs, whereArgs, tailArgs)) {
            for (Object arg : args) {
                query.bind(position++, arg);
            }
        }
    }

    private void lifecycle(String column, ViewType viewType) {
        switch (viewType) {
            case ACTIVE_ONLY -> {
                where.append(" AND ").append(column).append(" = ?");
                whereArgs.add(Lifecycle.ACTIVE);
            }
            case DELETED_ONLY -> {
                where.append(" AND ").append(column).append(" = ?");
                whereArgs.add(Lifecycle.DELETED);
            }
            case ALL -> { }
        }
    }

    private void page(int offset, int limit) {
        tail = " LIMIT ? OFFSET ?";
        tailArgs.add(limit);
        tailArgs.add(offset);
    }

    private void runClause(SearchClause clause) {
        switch (clause.entity()) {
            case METRIC -> {
                String alias = alias("m");
                where.append(" AND EXISTS (SELECT 1 FROM latest_metric ").append(alias).append(" WHERE ").append(alias)
                        .append(".run_id = r.run_id AND ").append(alias).append(".metric_key = ? AND ").append(alias)
                        .append(".is_nan = 0 AND ");
                whereArgs.add(clause.key());
                compare(alias + ".value", clause, where, whereArgs);
                where.append(')');
            }
            case PARAM -> exists("run_param p", "p.run_id = r.run_id AND p.param_key = ?", clause.key(), "p.param_value", clause);
            case TAG -> exists("run_tag t", "t.run_id = r.run_id AND t.tag_key = ?", clause.key(), "t.tag_value", clause);
            case DATASET -> exists("run_input d", "d.run_id = r.run_id", null, "d." + DATASET_COLUMNS.get(clause.key()), clause);
            case ATTRIBUTE -> {
                where.append(" AND ");
                compare(RUN_ATTRIBUTES.get(clause.key()), clause, where, whereArgs);
            }
        }
    }

    /** Adds {@code AND EXISTS (SELECT 1 FROM table WHERE link AND column <op> value)}. */
    private void exists(String table, String link, String key, String column, SearchClause clause) {
        String alias = alias(table.substring(table.indexOf(' ') + 1));
        String aliased = table.substring(0, table.indexOf(' ') + 1) + alias;
        String prefix = table.substring(table.indexOf(' ') + 1) + ".";
        where.append(" AND EXISTS (SELECT 1 FROM ").append(aliased).append(" WHERE ").append(link.replace(prefix, alias + "."));
        if (key != null) {
            whereArgs.add(key);
        }
        where.append(" AND ");
        compare(column.replace(prefix, alias + "."), clause, where, whereArgs);
        where.append(')');
    }

    private void compare(String column, SearchClause clause, StringBuilder into, List<Object> args) {
        SearchComparator comparator = clause.comparator();
        switch (comparator) {
            case EQ, NE, GT, GE, LT, LE -> {
                into.append(column).append(' ').append(comparator.symbol()).append(" ?");
                boolean numeric = clause.values().isEmpty();
                args.add(numeric ? (Object) clause.number() : clause.text());
            }
            case LIKE -> {
                into.append(column).append(" LIKE ?");
                args.add(clause.text());
            }
            case ILIKE -> {
                if (dialect == Dialect.POSTGRESQL) {
                    into.append(column).append(" ILIKE ?");
                } else {
                    into.append("LOWER(").append(column).append(") LIKE LOWER(?)");
                }
                args.add(clause.text());
            }
            case IN, NOT_IN -> {
                into.append(column).append(comparator == SearchComparator.IN ? " IN (" : " NOT IN (")
                        .append(placeholders(clause.values().size())).append(')');
                args.addAll(clause.values());
            }
        }
    }

    private void runOrder(OrderBy orderBy) {
        String direction = orderBy.ascending() ? " ASC" : " DESC";
        switch (orderBy.entity()) {
            case ATTRIBUTE -> {
                String column = RUN_ATTRIBUTES.get(orderBy.key());
                order.add("CASE WHEN " + column + " IS NULL THEN 1 ELSE 0 END");
                order.add(column + direction);
            }
            case METRIC -> {
                String alias = alias("om");
                joins.append(" LEFT JOIN latest_metric ").append(alias).append(" ON ").append(alias).append(".run_id = r.run_id AND ")
                        .append(alias).append(".metric_key = ?");
                joinArgs.add(orderBy.key());
                order.add("CASE WHEN " + alias + ".is_nan = 1 THEN 1 WHEN " + alias + ".run_id IS NULL THEN 2 ELSE 0 END");
                order.add(alias + ".value" + direction);
            }
            case PARAM, TAG -> {
                boolean param = orderBy.entity() == SearchEntity.PARAM;
                String alias = alias(param ? "op" : "ot");
                String table = param ? "run_param" : "run_tag";
                String prefix = param ? "param" : "tag";
                joins.append(" LEFT JOIN ").append(table).append(' ').append(alias).append(" ON ").append(alias)
                        .append(".run_id = r.run_id AND ").append(alias).append('.').append(prefix).append("_key = ?");
                joinArgs.add(orderBy.key());
                order.add("CASE WHEN " + alias + "." + prefix + "_value IS NULL THEN 1 ELSE 0 END");
                order.add(alias + "." + prefix + "_value" + direction);
            }
            case DATASET -> throw new IllegalArgumentException("runs cannot be ordered by dataset fields");
        }
    }

    private String alias(String base) {
        return base + (aliases++);
    }

    private static String placeholders(int count) {
        return String.join(", ", java.util.Collections.nCopies(count, "?"));
    }
}
