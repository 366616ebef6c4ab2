package dev.steward.server.ui;

import static java.util.Objects.requireNonNull;

import dev.steward.server.http.Authenticator;
import dev.steward.server.http.Requests;
import dev.steward.spi.Actor;
import dev.steward.spi.Caller;
import dev.steward.spi.Role;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** One request of a logged-in user: the Javalin context, the session, and the actor of its token. */
final class UiRequest {
    private final Context ctx;
    private final UiSessions.Session session;
    private final Actor actor;

    UiRequest(Context ctx, UiSessions.Session session, Actor actor) {
        this.ctx = requireNonNull(ctx, "ctx is null");
        this.session = requireNonNull(session, "session is null");
        this.actor = requireNonNull(actor, "actor is null");
    }

    Context ctx() {
        return ctx;
    }

    Actor actor() {
        return actor;
    }

    UiSessions.Session session() {
        return session;
    }

    /** Whether the user's token holds {@code role} (or a higher one): what decides which controls a page shows. */
    boolean can(Role role) {
        return actor.role().includes(role);
    }

    /** The caller of a state-changing request, for the audit log: the actor and a digest of the request. */
    Caller caller() {
        return Authenticator.caller(ctx);
    }

    Optional<String> query(String name) {
        return Requests.query(ctx, name);
    }

    List<String> queries(String name) {
        return ctx.queryParams(name).stream().filter(v -> !v.isEmpty()).toList();
    }

    Optional<String> form(String name) {
        String value = UiRouter.formParam(ctx, name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    /** Whether htmx asked for a part of a page rather than the whole page. */
    boolean partial() {
        return "true".equals(ctx.header("HX-Request"));
    }

    /** The hidden field that carries the session's CSRF token in a form. */
    Html csrfField() {
        return Html.of("<input type=\"hidden\" name=\"_csrf\" value=\"{}\">", session.csrf());
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
