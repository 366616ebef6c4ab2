package dev.steward.server.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import dev.steward.core.audit.AuditLog;
import dev.steward.core.audit.AuditVerification;
import dev.steward.server.http.Access;
import dev.steward.server.http.Json;
import dev.steward.server.http.Requests;
import dev.steward.server.http.Router;
import dev.steward.server.http.Routes;
import dev.steward.spi.StewardException;
import dev.steward.spi.store.AuditEvent;
import dev.steward.spi.store.AuditQuery;
import dev.steward.spi.store.MetadataStore;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;

/** {@code /api/v1/audit}: filtered, paged listing of the audit chain and its verification (admin only). */
public final class AuditRoutes implements Routes {
    private final MetadataStore store;
    private final AuditLog audit;
    private final Json json;

    public AuditRoutes(MetadataStore store, AuditLog audit, Json json) {
        this.store = requireNonNull(store, "store is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.json = requireNonNull(json, "json is null");
    }

    record EventView(long seq, String time, String actorId, String actorName, String action, String objectType,
            String objectId, String requestDigest, @JsonRawValue String details, String prevHash, String hash) {
        static EventView of(AuditEvent e) {
            return new EventView(e.seq(), e.time().toString(), e.actorId(), e.actorName(), e.action(), e.objectType(),
                    e.objectId(), e.requestDigest(), e.details(), e.prevHash(), e.hash());
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record EventPage(List<EventView> events, String nextPageToken) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record VerificationView(boolean intact, long eventsChecked, Long firstBadSeq, String reason) {
        static VerificationView of(AuditVerification v) {
            return new VerificationView(v.intact(), v.eventsChecked(), v.firstBadSeq().orElse(null), v.reason().orElse(null));
        }
    }

    @Override
    public void register(Router router) {
        router.get("/api/v1/audit", Access.ADMIN, ctx -> {
            AuditQuery query = query(ctx);
            List<AuditEvent> events = audit.find(store, query);
            String next = events.size() == query.limit() ? Long.toString(events.get(events.size() - 1).seq()) : null;
            json.respond(ctx, 200, new EventPage(events.stream().map(EventView::of).toList(), next));
        });
        router.get("/api/v1/audit/verify", Access.ADMIN, ctx -> json.respond(ctx, 200, VerificationView.of(audit.verify(store))));
    }

    private static AuditQuery query(Context ctx) {
        String order = Requests.query(ctx, "order").orElse("oldest");
        if (!order.equals("oldest") && !order.equals("newest")) {
            throw StewardException.invalid("order", "'order' must be 'oldest' or 'newest', not '" + order + "'");
        }
        Optional<Long> cursor = Requests.longQuery(ctx, "page_token");
        return new AuditQuery(Requests.query(ctx, "object_type"), Requests.query(ctx, "object_id"),
                Requests.query(ctx, "actor"), Requests.query(ctx, "action"), Requests.instantQuery(ctx, "from"),
                Requests.instantQuery(ctx, "to"), cursor, order.equals("newest"),
                Requests.intQuery(ctx, "max_results", 100, 1, AuditQuery.MAX_LIMIT));
    }
}
