package dev.steward.server.http;

import static java.util.Objects.requireNonNull;

import dev.steward.core.util.NulCharacters;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.ArrayList;
import java.util.List;

/**
 * Declares routes, each with the {@link Access} it requires, so that no route can be added
 * without saying who may call it. Remembers what was declared, so that the whole API can be
 * enumerated (by the request fuzzer, for one). Not thread-safe: used while the server is built.
 */
public final class Router {
    private final RoutesConfig routes;
    private final Authenticator authenticator;
    private final List<Route> declared = new ArrayList<>();

    Router(RoutesConfig routes, Authenticator authenticator) {
        this.routes = requireNonNull(routes, "routes is null");
        this.authenticator = requireNonNull(authenticator, "authenticator is null");
    }

    public void get(String path, Access access, Handler handler) {
        routes.get(path, guarded("GET", path, access, handler));
    }

    public void post(String path, Access access, Handler handler) {
        routes.post(path, guarded("POST", path, access, handler));
    }

    public void put(String path, Access access, Handler handler) {
        routes.put(path, guarded("PUT", path, access, handler));
    }

    public void patch(String path, Access access, Handler handler) {
        routes.patch(path, guarded("PATCH", path, access, handler));
    }

    public void delete(String path, Access access, Handler handler) {
        routes.delete(path, guarded("DELETE", path, access, handler));
    }

    /** The routes declared so far, in declaration order. */
    public List<Route> routes() {
        return List.copyOf(declared);
    }

    private Handler guarded(String method, String path, Access access, Handler handler) {
        requireNonNull(handler, "handler is null");
        declared.add(new Route(method, path, access));
        return ctx -> {
            authenticator.authorize(ctx, access);
            refuseNul(ctx);
            handler.handle(ctx);
        };
    }

    /**
     * No path or query value may hold a NUL character, whatever the handler does with it:
     * PostgreSQL cannot store or even compare one, and in a name it only hides what follows.
     */
    private static void refuseNul(Context ctx) {
        ctx.pathParamMap().forEach((name, value) -> refuseNul(name, value));
        ctx.queryParamMap().forEach((name, values) -> {
            refuseNul(name, name);
            values.forEach(value -> refuseNul(name, value));
        });
    }

    private static void refuseNul(String name, String value) {
        String field = name.replace("\0", "\\0");
        NulCharacters.refuse(field, "'" + field + "'", value);
    }
}
