package dev.steward.server.ui;

import static java.util.Objects.requireNonNull;

import dev.steward.core.auth.TokenService;
import dev.steward.server.http.Access;
import dev.steward.server.http.Authenticator;
import dev.steward.server.http.ErrorMapper;
import dev.steward.server.http.Router;
import dev.steward.spi.Actor;
import dev.steward.spi.ErrorCategory;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.Role;
import dev.steward.spi.StewardException;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;
import java.net.URI;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Declares the UI's routes behind its session guard. To the API's {@link Router} they are public
 * (no bearer token is asked of a browser); the guard here asks for a live session instead, checks
 * its token through {@link TokenService} on every request (a revoked token ends the session),
 * the role each page or action needs, and on every POST the session's CSRF token. Errors become
 * pages, never JSON or a stack trace. Not thread-safe while routes are declared; the handlers are.
 */
final class UiRouter {
    static final String SESSION_COOKIE = "steward_session";
    static final String CSRF_HEADER = "X-CSRF-Token";
    static final String CSRF_FIELD = "_csrf";
    private static final Logger LOG = LoggerFactory.getLogger(UiRouter.class);
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none';"
            + " frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

    /** What a page or action does once the guard let the request through. */
    interface Handler {
        void handle(UiRequest request) throws Exception;
    }

    private final Router router;
    private final UiSessions sessions;
    private final TokenService tokens;
    private final Layout layout;

    UiRouter(Router router, UiSessions sessions, TokenService tokens, Layout layout) {
        this.router = requireNonNull(router, "router is null");
        this.sessions = requireNonNull(sessions, "sessions is null");
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.layout = requireNonNull(layout, "layout is null");
    }

    Layout layout() {
        return layout;
    }

    /** A page: a GET for users whose token holds {@code role}. */
    void page(String path, Role role, Handler handler) {
        router.get(path, Access.PUBLIC, ctx -> guard(ctx, role, false, handler));
    }

    /** An action: a POST with the session's CSRF token, for users whose token holds {@code role}. */
    void action(String path, Role role, Handler handler) {
        router.post(path, Access.PUBLIC, ctx -> guard(ctx, role, true, handler));
    }

    /** A route outside the session (login, assets): errors still become pages. */
    void open(String method, String path, io.javalin.http.Handler handler) {
        io.javalin.http.Handler safe = ctx -> {
            securityHeaders(ctx);
            try {
                handler.handle(ctx);
            } catch (Exception e) {
                error(ctx, Optional.empty(), e);
            }
        };
        if (method.equals("GET")) {
            router.get(path, Access.PUBLIC, safe);
        } else {
            router.post(path, Access.PUBLIC, safe);
        }
    }

    private void guard(Context ctx, Role role, boolean post, Handler handler) {
        long started = System.nanoTime();
        securityHeaders(ctx);
        ctx.header("Cache-Control", "no-store");
        Optional<UiRequest> request = Optional.empty();
        try {
            String id = ctx.cookie(SESSION_COOKIE);
            Optional<UiSessions.Session> session = sessions.find(id);
            Optional<Actor> actor = session.flatMap(s -> tokens.authenticate(s.secret()));
            if (actor.isEmpty()) {
                session.ifPresent(s -> sessions.close(s.id()));
                toLogin(ctx, post, id != null);
                return;
            }
            request = Optional.of(new UiRequest(ctx, session.get(), actor.get()));
            if (post) {
                String sent = Optional.ofNullable(ctx.header(CSRF_HEADER)).orElseGet(() -> formParam(ctx, CSRF_FIELD));
                if (!session.get().csrfMatches(sent)) {
                    throw StewardException.of(ErrorCode.PERMISSION_DENIED, "This form did not come from a page of this session (its CSRF"
                            + " token is missing or wrong), so nothing was changed. Reload the page and try again.");
                }
            }
            if (!actor.get().role().includes(role)) {
                throw StewardException.of(ErrorCode.PERMISSION_DENIED, "This needs role '" + role.wireName() + "' or higher; token '"
                        + actor.get().name() + "' has role '" + actor.get().role().wireName() + "'.");
            }
            Authenticator.remember(ctx, actor.get());
            handler.handle(request.get());
            // How long the server took to build the answer (the body is written after the handler returns), for the browser's tools and the benchmark.
            ctx.header("Server-Timing", String.format(java.util.Locale.ROOT, "page;dur=%.1f", (System.nanoTime() - started) / 1e6));
        } catch (Exception e) {
            error(ctx, request, e);
        }
    }

    /**
     * Sends a visitor without a live session to the login page, which brings them back here. An
     * htmx request is told to load the login page as a whole page; a POST returns to the page it
     * was sent from, as its action is lost with the session.
     */
    private static void toLogin(Context ctx, boolean post, boolean hadSession) {
        String here = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
        if (post || "true".equals(ctx.header("HX-Request"))) {
            here = samePath(Optional.ofNullable(ctx.header("HX-Current-URL")).orElse(ctx.header("Referer"))).orElse("/ui/experiments");
        }
        String login = "/ui/login?next=" + UiRequest.encode(here) + (hadSession ? "&ended=1" : "");
        if ("true".equals(ctx.header("HX-Request"))) {
            ctx.header("HX-Redirect", login);
            ctx.status(401).html("");
            return;
        }
        ctx.redirect(login, HttpStatus.SEE_OTHER);
    }

    /** The path and query of a URL of the UI, if it is one: never a way to send the user to another site. */
    static Optional<String> samePath(String url) {
        if (url == null || url.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI uri = URI.create(url);
            String path = uri.getRawPath();
            if (path == null || !path.startsWith("/ui/") || path.startsWith("//") || path.startsWith("/ui/login") || path.contains("\\")) {
                return Optional.empty();
            }
            return Optional.of(path + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Renders an error as a page (in the layout when the user is known), with the API's status and message. */
    void error(Context ctx, Optional<UiRequest> request, Exception e) {
        StewardException error = e instanceof StewardException s ? s : StewardException.internal("internal error", e);
        if (error.code().category() == ErrorCategory.INTERNAL) {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
        }
        int status = ErrorMapper.status(error.code().category());
        String title = switch (error.code().category()) {
            case NOT_FOUND -> "Not found";
            case FORBIDDEN -> "Not allowed";
            case INTERNAL -> "Something went wrong";
            default -> "That did not work";
        };
        String message = error.code().category() == ErrorCategory.INTERNAL
                ? "Steward could not answer this request. The server's log has the details." : error.getMessage();
        Html content = Html.of("<div class=\"alert error\" role=\"alert\"><p>{}</p><p class=\"muted\">{}</p></div>"
                + "<p><a href=\"/ui/experiments\">Back to experiments</a></p>", message, error.code().name());
        ctx.header("Cache-Control", "no-store");
        if (request.isPresent() && request.get().partial()) {
            ctx.status(status).html(content.toString());
            return;
        }
        ctx.status(status).html((request.isPresent() ? layout.page(request.get(), null, title, content, false)
                : layout.bare(title, content)).toString());
    }

    /**
     * A field of a posted form. The UI's forms are URL-encoded; a body of any other type has no
     * fields (a multipart body is never parsed, however it is sent).
     */
    static String formParam(Context ctx, String name) {
        String type = ctx.contentType();
        return type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded") ? ctx.formParam(name) : null;
    }

    static void securityHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "same-origin");
    }

    /**
     * A cookie of the UI: HTTP-only, SameSite=Strict, limited to {@code path}, and Secure when the
     * request came over TLS (directly or through a proxy that says so in X-Forwarded-Proto). Over
     * plain HTTP on the loopback address (the default) a Secure cookie would never be sent back.
     */
    static Cookie cookie(Context ctx, String name, String value, String path, int maxAgeSeconds) {
        boolean tls = "https".equalsIgnoreCase(ctx.scheme()) || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
        return new Cookie(name, value, path, maxAgeSeconds, tls, true, null, SameSite.STRICT);
    }
}
