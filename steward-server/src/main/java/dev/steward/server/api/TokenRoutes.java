package dev.steward.server.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.steward.core.auth.IssuedToken;
import dev.steward.core.auth.TokenService;
import dev.steward.server.http.Access;
import dev.steward.server.http.Authenticator;
import dev.steward.server.http.Json;
import dev.steward.server.http.Router;
import dev.steward.server.http.Routes;
import dev.steward.spi.Actor;
import dev.steward.spi.Caller;
import dev.steward.spi.Role;
import dev.steward.spi.StewardException;
import dev.steward.spi.store.TokenRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** {@code /api/v1/tokens} (admin only) and {@code /api/v1/whoami}. */
public final class TokenRoutes implements Routes {
    private final TokenService tokens;
    private final Json json;

    public TokenRoutes(TokenService tokens, Json json) {
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.json = requireNonNull(json, "json is null");
    }

    record CreateToken(String name, String role) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record TokenView(String id, String name, String role, String createdAt, String createdBy, String createdByName, String revokedAt,
            boolean active) {
        static TokenView of(TokenRecord token, String createdByName) {
            return new TokenView(token.id(), token.name(), token.role().wireName(), token.createdAt().toString(),
                    token.createdBy(), createdByName, token.revokedAt().map(Instant::toString).orElse(null), token.active());
        }
    }

    record Created(TokenView token, String secret) {}

    record TokenList(List<TokenView> tokens) {}

    record WhoAmI(String id, String name, String role) {}

    @Override
    public void register(Router router) {
        router.post("/api/v1/tokens", Access.ADMIN, ctx -> {
            CreateToken request = json.readStrict(ctx.bodyAsBytes(), CreateToken.class);
            if (request.role() == null) {
                throw StewardException.invalid("role", "'role' is required: one of inference, viewer, editor, deployer, admin");
            }
            Caller caller = Authenticator.caller(ctx);
            IssuedToken issued = tokens.create(caller, request.name(), Role.parse(request.role()));
            json.respond(ctx, 201, new Created(TokenView.of(issued.token(), caller.actor().name()), issued.secret()));
        });
        router.get("/api/v1/tokens", Access.ADMIN, ctx -> {
            List<TokenRecord> all = tokens.list();
            Map<String, String> creators = tokens.creatorNames(all);
            json.respond(ctx, 200, new TokenList(all.stream().map(t -> TokenView.of(t, creators.get(t.id()))).toList()));
        });
        router.delete("/api/v1/tokens/{id}", Access.ADMIN, ctx -> {
            TokenRecord revoked = tokens.revoke(Authenticator.caller(ctx), ctx.pathParam("id"));
            json.respond(ctx, 200, TokenView.of(revoked, tokens.creatorNames(List.of(revoked)).get(revoked.id())));
        });
        router.get("/api/v1/whoami", Access.VIEWER, ctx -> {
            Actor actor = Authenticator.actor(ctx);
            json.respond(ctx, 200, new WhoAmI(actor.id(), actor.name(), actor.role().wireName()));
        });
    }
}
