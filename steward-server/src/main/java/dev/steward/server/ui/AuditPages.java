package dev.steward.server.ui;

import static java.util.Objects.requireNonNull;

import dev.steward.core.audit.AuditLog;
import dev.steward.core.audit.AuditVerification;
import dev.steward.server.http.Requests;
import dev.steward.spi.ErrorCategory;
import dev.steward.spi.Role;
import dev.steward.spi.StewardException;
import dev.steward.spi.store.AuditEvent;
import dev.steward.spi.store.AuditQuery;
import dev.steward.spi.store.MetadataStore;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /ui/audit} (admin, as the API): the audit events newest first, filtered by object,
 * actor, action and time, each with its details and hashes; and the chain's verification, run
 * when the page has loaded (it reads every event), naming the first bad event when it is broken.
 */
final class AuditPages {
    static final int PAGE_SIZE = 50;
    private static final Set<String> FIELDS = Set.of("object_type", "object_id", "actor", "action", "from", "to");

    private final MetadataStore store;
    private final AuditLog audit;

    AuditPages(MetadataStore store, AuditLog audit) {
        this.store = requireNonNull(store, "store is null");
        this.audit = requireNonNull(audit, "audit is null");
    }

    void register(UiRouter ui) {
        ui.page("/ui/audit", Role.ADMIN, request -> events(ui, request));
        ui.page("/ui/audit/verify", Role.ADMIN, request -> request.ctx().html(verification(audit.verify(store)).toString()));
    }

    private void events(UiRouter ui, UiRequest request) {
        Optional<StewardException> error = Optional.empty();
        List<AuditEvent> events = List.of();
        Optional<Long> cursor = Optional.empty();
        try {
            cursor = Requests.longQuery(request.ctx(), "before");
            events = audit.find(store, new AuditQuery(request.query("object_type"), request.query("object_id"), request.query("actor"),
                    request.query("action"), Requests.instantQuery(request.ctx(), "from"), Requests.instantQuery(request.ctx(), "to"),
                    cursor, true, PAGE_SIZE));
        } catch (StewardException e) {
            if (e.code().category() != ErrorCategory.USER) {
                throw e;
            }
            error = Optional.of(e);
        }
        Optional<StewardException> fieldError = error;
        Html form = Html.of("""
                <form method="get" action="/ui/audit" class="toolbar wrap" role="search">{}{}{}{}{}{}<button type="submit">Filter</button>
                <a href="/ui/audit" class="button-link">Clear</a></form>{}""",
                Widgets.field("object_type", "Object type", request.query("object_type").orElse(""), "run", fieldError, ""),
                Widgets.field("object_id", "Object id", request.query("object_id").orElse(""), "", fieldError, ""),
                Widgets.field("actor", "Actor", request.query("actor").orElse(""), "token name", fieldError, ""),
                Widgets.field("action", "Action", request.query("action").orElse(""), "job.cancel", fieldError, ""),
                Widgets.field("from", "From", request.query("from").orElse(""), "2026-01-31T00:00:00Z", fieldError, ""),
                Widgets.field("to", "To", request.query("to").orElse(""), "2026-12-31T23:59:59Z", fieldError, ""),
                Widgets.formError(error, FIELDS));
        Html rows = Html.each(events, e -> Html.of("""
                <tr id="event-{}"><td class="num">{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{} <code>{}</code></td>
                <td><details><summary>Details</summary><pre class="code small" tabindex="0">{}</pre>
                <p class="small muted">request digest <code>{}</code><br>previous hash <code>{}</code><br>hash <code>{}</code></p></details></td></tr>""",
                e.seq(), e.seq(), Format.time(e.time()), e.actorName(), e.action(), e.objectType(), e.objectId(), Widgets.pretty(e.details()),
                e.requestDigest(), e.prevHash(), e.hash()));
        Html table = events.isEmpty() ? Widgets.empty(error.isPresent() ? "Fix the filter to see events." : "No events match.") : Html.of("""
                <div class="table-wrap"><table><caption class="sr-only">Audit events, newest first</caption>
                <thead><tr><th scope="col" class="num">Seq</th><th scope="col">Time</th><th scope="col">Actor</th><th scope="col">Action</th>
                <th scope="col">Object</th><th scope="col">Details</th></tr></thead><tbody>{}</tbody></table></div>""", rows);
        String query = FIELDS.stream().sorted().map(f -> request.query(f).map(v -> "&" + f + "=" + UiRequest.encode(v)).orElse(""))
                .reduce("", String::concat);
        Html older = events.size() == PAGE_SIZE ? Html.of("<nav class=\"pager\" aria-label=\"Pages\">{}<a href=\"/ui/audit?before={}{}\" rel=\"next\">"
                + "Older events →</a></nav>", Html.when(cursor.isPresent(), Html.of("<a href=\"/ui/audit?{}\">↞ Newest</a>", query.isEmpty() ? ""
                        : query.substring(1))), events.get(events.size() - 1).seq(), query)
                : Html.when(cursor.isPresent(), Html.of("<nav class=\"pager\" aria-label=\"Pages\"><a href=\"/ui/audit?{}\">↞ Newest</a></nav>",
                        query.isEmpty() ? "" : query.substring(1)));
        Html content = Html.of("""
                <div id="chain" class="card chain" hx-get="/ui/audit/verify" hx-trigger="load" hx-swap="innerHTML" aria-live="polite">
                <p class="muted">Verifying the chain…</p></div>{}{}{}""", form, table, older);
        request.ctx().status(error.isPresent() ? 400 : 200).html(ui.layout().page(request, Section.AUDIT, "Audit", content, false).toString());
    }

    private static Html verification(AuditVerification v) {
        if (v.intact()) {
            return Html.of("<p class=\"ok\"><strong>✓ The chain is intact.</strong> {} events checked, each linked to the one before and"
                    + " matching its hash.</p>", v.eventsChecked());
        }
        long bad = v.firstBadSeq().orElse(0L);
        return Html.of("""
                <p class="bad"><strong>✗ The chain is broken at event {}.</strong> {}</p>
                <p>{} events checked. <a href="/ui/audit?before={}">Show the events from {} back</a></p>""", bad, v.reason().orElse(""),
                v.eventsChecked(), bad + 1, bad);
    }
}
