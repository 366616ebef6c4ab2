package dev.steward.store.jdbc;

import dev.steward.spi.webhooks.WebhookAttempt;
import dev.steward.spi.webhooks.WebhookDelivery;
import dev.steward.spi.webhooks.WebhookEvent;
import dev.steward.spi.webhooks.WebhookRepository;
import dev.steward.spi.webhooks.WebhookSubscription;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/** Webhook subscriptions, events, deliveries and attempts in the tables of migration V8. */
final class JdbcWebhookRepository implements WebhookRepository {
    private static final String SUBSCRIPTION_COLUMNS = "id, url, description, secret, created_at, created_by, deactivated_at";
    private static final String DELIVERY_COLUMNS = "id, subscription_id, event_id, seq, status, attempts, created_at, next_attempt_at,"
            + " ended_at, owner";
    /** Bound lists stay well below SQLite's limit of host parameters per statement. */
    private static final int IN_LIST_CHUNK = 500;

    private final Handle handle;

    JdbcWebhookRepository(JdbcContext context) {
        this.handle = context.handle();
    }

    @Override
    public void insertSubscription(WebhookSubscription s) {
        handle.createUpdate("INSERT INTO webhook_subscription (" + SUBSCRIPTION_COLUMNS + ")"
                        + " VALUES (:id, :url, :description, :secret, :created, :by, :deactivated)")
                .bind("id", s.id()).bind("url", s.url()).bind("description", s.description()).bind("secret", s.secret())
                .bind("created", s.createdAt()).bind("by", s.createdBy()).bind("deactivated", s.deactivatedAt().orElse(null)).execute();
        for (String type : s.events()) {
            handle.createUpdate("INSERT INTO webhook_subscription_event (subscription_id, event_type) VALUES (:id, :type)")
                    .bind("id", s.id()).bind("type", type).execute();
        }
    }

    @Override
    public Optional<WebhookSubscription> findSubscription(String id) {
        return withEvents(handle.createQuery("SELECT " + SUBSCRIPTION_COLUMNS + " FROM webhook_subscription WHERE id = :id")
                .bind("id", id).map(JdbcWebhookRepository::subscription).list()).stream().findFirst();
    }

    @Override
    public List<WebhookSubscription> listSubscriptions() {
        return withEvents(handle.createQuery("SELECT " + SUBSCRIPTION_COLUMNS + " FROM webhook_subscription ORDER BY created_at DESC, id DESC")
                .map(JdbcWebhookRepository::subscription).list());
    }

    @Override
    public List<WebhookSubscription> subscribersOf(String eventType) {
        return withEvents(handle.createQuery("SELECT " + SUBSCRIPTION_COLUMNS + " FROM webhook_subscription s WHERE deactivated_at IS NULL"
                        + " AND EXISTS (SELECT 1 FROM webhook_subscription_event e WHERE e.subscription_id = s.id"
                        + " AND e.event_type IN (:type, :all)) ORDER BY id")
                .bind("type", eventType).bind("all", WebhookSubscription.ALL_EVENTS).map(JdbcWebhookRepository::subscription).list());
    }

    @Override
    public boolean deactivate(String id, long time) {
        return handle.createUpdate("UPDATE webhook_subscription SET deactivated_at = :time WHERE id = :id AND deactivated_at IS NULL")
                .bind("time", time).bind("id", id).execute() == 1;
    }

    @Override
    public int cancelPending(String subscriptionId, long time) {
        return handle.createUpdate("UPDATE webhook_delivery SET status = :cancelled, ended_at = :time"
                        + " WHERE subscription_id = :id AND status = :pending")
                .bind("cancelled", WebhookDelivery.CANCELLED).bind("time", time).bind("id", subscriptionId)
                .bind("pending", WebhookDelivery.PENDING).execute();
    }

    @Override
    public void insertEvent(WebhookEvent e) {
        handle.createUpdate("INSERT INTO webhook_event (id, event_type, object_type, object_id, payload, created_at)"
                        + " VALUES (:id, :type, :objectType, :objectId, :payload, :created)")
                .bind("id", e.id()).bind("type", e.type()).bind("objectType", e.objectType()).bind("objectId", e.objectId())
                .bind("payload", e.payload()).bind("created", e.createdAt()).execute();
    }

    @Override
    public Optional<WebhookEvent> findEvent(String id) {
        return handle.createQuery("SELECT id, event_type, object_type, object_id, payload, created_at FROM webhook_event WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> new WebhookEvent(rs.getString("id"), rs.getString("event_type"), rs.getString("object_type"),
                        rs.getString("object_id"), rs.getString("payload"), rs.getLong("created_at")))
                .findOne();
    }

    @Override
    public WebhookDelivery enqueue(String id, String subscriptionId, String eventId, long createdAt) {
        // Safe without a lock of its own: callers serialise every enqueue (see the port).
        long seq = handle.createQuery("SELECT COALESCE(MAX(seq), 0) + 1 FROM webhook_delivery").mapTo(Long.class).one();
        WebhookDelivery delivery = new WebhookDelivery(id, subscriptionId, eventId, seq, WebhookDelivery.PENDING, 0, createdAt, createdAt,
                Optional.empty(), Optional.empty());
        handle.createUpdate("INSERT INTO webhook_delivery (" + DELIVERY_COLUMNS + ") VALUES (:id, :subscription, :event, :seq, :status, 0,"
                        + " :created, :created, NULL, NULL)")
                .bind("id", id).bind("subscription", subscriptionId).bind("event", eventId).bind("seq", seq)
                .bind("status", WebhookDelivery.PENDING).bind("created", createdAt).execute();
        return delivery;
    }

    @Override
    public Optional<WebhookDelivery> findDelivery(String id) {
        return handle.createQuery("SELECT " + DELIVERY_COLUMNS + " FROM webhook_delivery WHERE id = :id").bind("id", id)
                .map(JdbcWebhookRepository::delivery).findOne();
    }

    @Override
    public List<WebhookDelivery> deliveries(String subscriptionId, long beforeSeq, int limit) {
        return handle.createQuery("SELECT " + DELIVERY_COLUMNS + " FROM webhook_delivery WHERE subscription_id = :id AND seq < :before"
                        + " ORDER BY seq DESC LIMIT :limit")
                .bind("id", subscriptionId).bind("before", beforeSeq).bind("limit", limit).map(JdbcWebhookRepository::delivery).list();
    }

    @Override
    public List<WebhookAttempt> attempts(Collection<String> deliveryIds) {
        List<String> ids = List.copyOf(deliveryIds);
        List<WebhookAttempt> found = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += IN_LIST_CHUNK) {
            found.addAll(handle.createQuery("SELECT delivery_id, attempt, started_at, duration_ms, http_status, error FROM webhook_attempt"
                            + " WHERE delivery_id IN (<ids>) ORDER BY delivery_id, attempt")
                    .bindList("ids", ids.subList(from, Math.min(ids.size(), from + IN_LIST_CHUNK)))
                    .map(JdbcWebhookRepository::attempt).list());
        }
        return found;
    }

    @Override
    public List<WebhookDelivery> due(long now, int limit) {
        return handle.createQuery("SELECT " + prefixed("d.") + " FROM webhook_delivery d"
                        + " JOIN (SELECT subscription_id, MIN(seq) AS head FROM webhook_delivery WHERE status = :pending"
                        + " GROUP BY subscription_id) h ON d.seq = h.head"
                        + " WHERE d.next_attempt_at <= :now AND (d.lease_until IS NULL OR d.lease_until < :now)"
                        + " ORDER BY d.next_attempt_at, d.seq LIMIT :limit")
                .bind("pending", WebhookDelivery.PENDING).bind("now", now).bind("limit", limit).map(JdbcWebhookRepository::delivery).list();
    }

    @Override
    public boolean claim(String deliveryId, String owner, long now, long leaseUntil) {
        return handle.createUpdate("UPDATE webhook_delivery SET owner = :owner, lease_until = :lease WHERE id = :id AND status = :pending"
                        + " AND next_attempt_at <= :now AND (lease_until IS NULL OR lease_until < :now)")
                .bind("owner", owner).bind("lease", leaseUntil).bind("id", deliveryId).bind("pending", WebhookDelivery.PENDING)
                .bind("now", now).execute() == 1;
    }

    @Override
    public int renewLeases(String owner, Collection<String> deliveryIds, long leaseUntil) {
        List<String> ids = List.copyOf(deliveryIds);
        int renewed = 0;
        for (int from = 0; from < ids.size(); from += IN_LIST_CHUNK) {
            renewed += handle.createUpdate("UPDATE webhook_delivery SET lease_until = :lease WHERE owner = :owner AND status = :pending"
                            + " AND id IN (<ids>)")
                    .bind("lease", leaseUntil).bind("owner", owner).bind("pending", WebhookDelivery.PENDING)
                    .bindList("ids", ids.subList(from, Math.min(ids.size(), from + IN_LIST_CHUNK))).execute();
        }
        return renewed;
    }

    @Override
    public int releaseLeases(String owner) {
        return handle.createUpdate("UPDATE webhook_delivery SET owner = NULL, lease_until = NULL WHERE owner = :owner")
                .bind("owner", owner).execute();
    }

    @Override
    public int releaseAllLeases() {
        return handle.createUpdate("UPDATE webhook_delivery SET owner = NULL, lease_until = NULL WHERE owner IS NOT NULL").execute();
    }

    @Override
    public boolean recordAttempt(WebhookAttempt attempt, String owner, String status, long nextAttemptAt) {
        // A delivery that stays pending has no end; one cancelled meanwhile keeps its status and end.
        Long endedAt = status.equals(WebhookDelivery.PENDING) ? null : attempt.startedAt() + attempt.durationMs();
        int updated = handle.createUpdate("UPDATE webhook_delivery SET attempts = :attempt, owner = NULL, lease_until = NULL,"
                        + " next_attempt_at = :next,"
                        + " ended_at = CASE WHEN status = :pending THEN :ended ELSE ended_at END,"
                        + " status = CASE WHEN status = :pending THEN :status ELSE status END"
                        + " WHERE id = :id AND owner = :owner AND attempts = :previous")
                .bind("attempt", attempt.attempt()).bind("next", nextAttemptAt).bind("pending", WebhookDelivery.PENDING)
                .bind("ended", endedAt).bind("status", status).bind("id", attempt.deliveryId())
                .bind("owner", owner).bind("previous", attempt.attempt() - 1).execute();
        if (updated != 1) {
            return false;
        }
        handle.createUpdate("INSERT INTO webhook_attempt (delivery_id, attempt, started_at, duration_ms, http_status, error)"
                        + " VALUES (:id, :attempt, :started, :duration, :status, :error)")
                .bind("id", attempt.deliveryId()).bind("attempt", attempt.attempt()).bind("started", attempt.startedAt())
                .bind("duration", attempt.durationMs()).bind("status", attempt.httpStatus().orElse(null))
                .bind("error", attempt.error().orElse(null)).execute();
        return true;
    }

    /** Adds each subscription's event types, read in one query. */
    private List<WebhookSubscription> withEvents(List<WebhookSubscription> bare) {
        if (bare.isEmpty()) {
            return bare;
        }
        Map<String, List<String>> events = new HashMap<>();
        List<String> ids = bare.stream().map(WebhookSubscription::id).toList();
        for (int from = 0; from < ids.size(); from += IN_LIST_CHUNK) {
            handle.createQuery("SELECT subscription_id, event_type FROM webhook_subscription_event WHERE subscription_id IN (<ids>)"
                            + " ORDER BY subscription_id, event_type")
                    .bindList("ids", ids.subList(from, Math.min(ids.size(), from + IN_LIST_CHUNK)))
                    .map((rs, ctx) -> Map.entry(rs.getString("subscription_id"), rs.getString("event_type")))
                    .forEach(entry -> events.computeIfAbsent(entry.getKey(), k -> new ArrayList<>()).add(entry.getValue()));
        }
        return bare.stream().map(s -> new WebhookSubscription(s.id(), s.url(), events.getOrDefault(s.id(), List.of()), s.description(),
                s.secret(), s.createdAt(), s.createdBy(), s.deactivatedAt())).toList();
    }

    private static String prefixed(String alias) {
        return alias + DELIVERY_COLUMNS.replace(", ", ", " + alias);
    }

    /** Without its event types, which {@link #withEvents} adds. */
    private static WebhookSubscription subscription(ResultSet rs, StatementContext ctx) throws SQLException {
        long deactivated = rs.getLong("deactivated_at");
        Optional<Long> deactivatedAt = rs.wasNull() ? Optional.empty() : Optional.of(deactivated);
        return new WebhookSubscription(rs.getString("id"), rs.getString("url"), List.of(), rs.getString("description"), rs.getString("secret"),
                rs.getLong("created_at"), rs.getString("created_by"), deactivatedAt);
    }

    private static WebhookDelivery delivery(ResultSet rs, StatementContext ctx) throws SQLException {
        long ended = rs.getLong("ended_at");
        Optional<Long> endedAt = rs.wasNull() ? Optional.empty() : Optional.of(ended);
        return new WebhookDelivery(rs.getString("id"), rs.getString("subscription_id"), rs.getString("event_id"), rs.getLong("seq"),
                rs.getString("status"), rs.getInt("attempts"), rs.getLong("created_at"), rs.getLong("next_attempt_at"), endedAt,
                Optional.ofNullable(rs.getString("owner")));
    }

    private static WebhookAttempt attempt(ResultSet rs, StatementContext ctx) throws SQLException {
        int status = rs.getInt("http_status");
        Optional<Integer> httpStatus = rs.wasNull() ? Optional.empty() : Optional.of(status);
        return new WebhookAttempt(rs.getString("delivery_id"), rs.getInt("attempt"), rs.getLong("started_at"), rs.getLong("duration_ms"),
                httpStatus, Optional.ofNullable(rs.getString("error")));
    }
}
