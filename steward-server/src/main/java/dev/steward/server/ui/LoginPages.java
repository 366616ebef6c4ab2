package dev.steward.server.ui;

import static java.util.Objects.requireNonNull;

import dev.steward.core.auth.TokenService;
import dev.steward.spi.Actor;
import dev.steward.spi.Role;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Login with an API token, and logout. The login form is protected from cross-site posts by a
 * double-submitted token (a cookie of its own that must match the form's field), so no other site
 * can log a browser into an account of its choosing.
 */
final class LoginPages {
    private static final String LOGIN_COOKIE = "steward_login";
    private static final String FALLBACK = "/ui/experiments";

    private final UiSessions sessions;
    private final TokenService tokens;
    private final Layout layout;

    LoginPages(UiSessions sessions, TokenService tokens, Layout layout) {
        this.sessions = requireNonNull(sessions, "sessions is null");
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.layout = requireNonNull(layout, "layout is null");
    }

    void register(UiRouter ui) {
        ui.open("GET", "/ui/login", ctx -> {
            String next = next(ctx.queryParam("next"));
            if (sessions.find(ctx.cookie(UiRouter.SESSION_COOKIE)).flatMap(s -> tokens.authenticate(s.secret())).isPresent()) {
                ctx.redirect(next, HttpStatus.SEE_OTHER);
                return;
            }
            Optional<String> notice = "1".equals(ctx.queryParam("ended")) ? Optional.of("Your session ended. Log in again to go on where you were.")
                    : "1".equals(ctx.queryParam("out")) ? Optional.of("You are logged out.") : Optional.empty();
            form(ctx, 200, next, notice, Optional.empty());
        });
        ui.open("POST", "/ui/login", ctx -> {
            String next = next(UiRouter.formParam(ctx, "next"));
            String expected = ctx.cookie(LOGIN_COOKIE);
            String sent = UiRouter.formParam(ctx, UiRouter.CSRF_FIELD);
            if (expected == null || sent == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                    sent.getBytes(StandardCharsets.UTF_8))) {
                form(ctx, 403, next, Optional.of("This login form has expired or was not sent by Steward. Enter the token again."),
                        Optional.empty());
                return;
            }
            String token = Optional.ofNullable(UiRouter.formParam(ctx, "token")).map(String::trim).orElse("");
            if (token.isEmpty()) {
                form(ctx, 400, next, Optional.empty(), Optional.of("Enter an API token (it starts with stw_)."));
                return;
            }
            Optional<Actor> actor = tokens.authenticate(token);
            if (actor.isEmpty()) {
                form(ctx, 401, next, Optional.empty(), Optional.of("The API token is not valid or has been revoked."));
                return;
            }
            if (!actor.get().role().includes(Role.VIEWER)) {
                form(ctx, 403, next, Optional.empty(), Optional.of("Token '" + actor.get().name() + "' has role '"
                        + actor.get().role().wireName() + "'; the web UI needs role 'viewer' or higher."));
                return;
            }
            // A new id at every login: a session id seen before login is never the one that holds the token.
            sessions.close(ctx.cookie(UiRouter.SESSION_COOKIE));
            UiSessions.Session session = sessions.open(token);
            ctx.cookie(UiRouter.cookie(ctx, UiRouter.SESSION_COOKIE, session.id(), "/ui", -1));
            ctx.cookie(UiRouter.cookie(ctx, LOGIN_COOKIE, "", "/ui/login", 0));
            ctx.redirect(next, HttpStatus.SEE_OTHER);
        });
        ui.action("/ui/logout", Role.VIEWER, request -> {
            sessions.close(request.session().id());
            request.ctx().cookie(UiRouter.cookie(request.ctx(), UiRouter.SESSION_COOKIE, "", "/ui", 0));
            request.ctx().redirect("/ui/login?out=1", HttpStatus.SEE_OTHER);
        });
    }

    private void form(Context ctx, int status, String next, Optional<String> notice, Optional<String> tokenError) {
        String csrf = UiSessions.randomToken();
        ctx.cookie(UiRouter.cookie(ctx, LOGIN_COOKIE, csrf, "/ui/login", 3600));
        ctx.header("Cache-Control", "no-store");
        Html content = Html.of("""
                {}<form method="post" action="/ui/login" class="stack">
                <input type="hidden" name="_csrf" value="{}"><input type="hidden" name="next" value="{}">
                <div class="field{}"><label for="token">API token</label>
                <input id="token" name="token" type="password" autocomplete="off" spellcheck="false" required autofocus{}>
                {}</div>
                <button type="submit" class="primary">Log in</button>
                </form>
                <p class="muted small">Any token works, with what its role allows: create one with <code>steward token create --name NAME --role viewer</code>.
                A new installation's admin token is in <code>$STEWARD_HOME/admin.token</code>.</p>""",
                notice.map(n -> Html.of("<div class=\"alert info\" role=\"status\">{}</div>", n)).orElse(Html.EMPTY), csrf, next,
                Html.when(tokenError.isPresent(), Html.of(" invalid")),
                Html.when(tokenError.isPresent(), Html.of(" aria-invalid=\"true\" aria-describedby=\"token-error\"")),
                tokenError.map(e -> Html.of("<p class=\"error-text\" id=\"token-error\">{}</p>", e)).orElse(Html.EMPTY));
        ctx.status(status).html(layout.bare("Log in", content).toString());
    }

    private static String next(String next) {
        return UiRouter.samePath(next).orElse(FALLBACK);
    }
}
