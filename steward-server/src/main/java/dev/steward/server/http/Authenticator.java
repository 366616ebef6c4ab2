package dev.steward.server.http;

import static java.util.Objects.requireNonNull;

import dev.steward.core.auth.TokenService;
import dev.steward.core.util.Digests;
import dev.steward.spi.Actor;
import dev.steward.spi.Caller;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.Role;
import dev.steward.spi.StewardException;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;

/**
 * Checks the bearer token of a request against the route's {@link Access}. Also accepts HTTP Basic
 * credentials whose password is a token, which is what MLflow clients send when only
 * {@code MLFLOW_TRACKING_USERNAME}/{@code PASSWORD} are set. Every request is checked against the
 * store, so a revoked token is refused from the next request on. Thread-safe.
 */
public final class Authenticator {
    private static final String ACTOR = "steward.actor";

    private final TokenService tokens;

    public Authenticator(TokenService tokens) {
        this.tokens = requireNonNull(tokens, "tokens is null");
    }

    /** Authenticates and authorises the request, remembering the actor on the context. */
    public void authorize(Context ctx, Access access) {
        Optional<Role> required = access.role();
        if (required.isEmpty()) {
            return;
        }
        String secret = secret(ctx).orElseThrow(() -> StewardException.of(ErrorCode.UNAUTHENTICATED,
                "this endpoint needs an API token: send 'Authorization: Bearer <token>' (a new installation's admin token"
                        + " is in $STEWARD_HOME/admin.token)"));
        Actor actor = tokens.authenticate(secret).orElseThrow(() -> StewardException.of(ErrorCode.UNAUTHENTICATED,
                "the API token is not valid or has been revoked"));
        if (!actor.role().includes(required.get())) {
            throw StewardException.of(ErrorCode.PERMISSION_DENIED, "this endpoint needs role '" + required.get().wireName()
                    + "' or higher; token '" + actor.name() + "' has role '" + actor.role().wireName() + "'");
        }
        ctx.attribute(ACTOR, actor);
    }

    /**
     * Remembers the actor of a request authenticated another way than by its header (the web UI's
     * session, which holds a token checked through {@link TokenService} too), so that {@link #actor}
     * and {@link #caller} answer for it as for any route.
     */
    public static void remember(Context ctx, Actor actor) {
        ctx.attribute(ACTOR, requireNonNull(actor, "actor is null"));
    }

    /** The actor of an authorised request. */
    public static Actor actor(Context ctx) {
        Actor actor = ctx.attribute(ACTOR);
        if (actor == null) {
            throw new IllegalStateException("route " + ctx.path() + " reads the actor but is not declared with a role");
        }
        return actor;
    }

    /**
     * The caller of a state-changing request: its actor and a SHA-256 over the method, path, query
     * and body. Reads the body, so streaming routes must not call it before consuming the stream.
     */
    public static Caller caller(Context ctx) {
        MessageDigest digest = Digests.newSha256();
        String line = ctx.method().name() + " " + ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString()) + "\n";
        digest.update(line.getBytes(StandardCharsets.UTF_8));
        digest.update(ctx.bodyAsBytes());
        return new Caller(actor(ctx), Digests.hex(digest.digest()));
    }

    /**
     * The caller of a request whose body is a stream the handler consumes itself (an upload): the
     * digest covers method, path and query; the content is identified by its own SHA-256.
     */
    public static Caller streamingCaller(Context ctx) {
        String line = ctx.method().name() + " " + ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString()) + "\n";
        return new Caller(actor(ctx), Digests.sha256Hex(line));
    }

    private static Optional<String> secret(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        header = header.trim();
        if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(header.substring(7).trim());
        }
        if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                return colon < 0 ? Optional.empty() : Optional.of(decoded.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                throw StewardException.of(ErrorCode.UNAUTHENTICATED, "the Basic credentials are not valid base64");
            }
        }
        throw StewardException.of(ErrorCode.UNAUTHENTICATED, "unsupported Authorization scheme: use 'Bearer <token>'");
    }
}
