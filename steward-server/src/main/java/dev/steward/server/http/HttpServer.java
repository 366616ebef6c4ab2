package dev.steward.server.http;

import static java.util.Objects.requireNonNull;

import dev.steward.server.config.ServerConfig;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Javalin server: limits, authentication through {@link Router}, one error mapping, request
 * metrics, and a graceful stop that lets in-flight requests finish. Thread-safe.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    private static final String ERROR_HEADERS = "steward.error-headers";

    private final Javalin app;
    private final ServerConfig config;
    private final List<Route> routes;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();

    private HttpServer(Javalin app, ServerConfig config, List<Route> routes) {
        this.app = app;
        this.config = config;
        this.routes = List.copyOf(routes);
    }

    /** Builds and starts the server with the given resources' routes. */
    public static HttpServer start(ServerConfig config, Json json, Authenticator authenticator, PrometheusMeterRegistry registry,
            List<Routes> resources) {
        requireNonNull(config, "config is null");
        requireNonNull(json, "json is null");
        requireNonNull(authenticator, "authenticator is null");
        requireNonNull(registry, "registry is null");
        HttpMetrics metrics = new HttpMetrics(registry);
        HttpServer[] self = new HttpServer[1];
        List<Route> declared = new ArrayList<>();
        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.host = config.bindAddress();
            cfg.jetty.port = config.port();
            cfg.http.maxRequestSize = config.maxBodyBytes();
            cfg.jetty.modifyServer(server -> {
                server.setStopTimeout(config.shutdownTimeoutMs());
                server.setErrorHandler(new JettyErrorHandler(json));
            });
            cfg.routes.before(ctx -> self[0].enter(ctx, metrics));
            cfg.routes.after(ctx -> self[0].leave(ctx, metrics));
            cfg.routes.exception(StewardException.class, (e, ctx) -> self[0].fail(ctx, json, e));
            cfg.routes.exception(HttpResponseException.class, (e, ctx) -> self[0].fail(ctx, json, ErrorMapper.forStatus(e.getStatus(),
                    e.getStatus() == 413 ? "the request body is larger than " + config.maxBodyBytes() + " bytes (server.max-body-bytes)"
                            : e.getMessage())));
            // Logged once, by fail(), with the stack trace.
            cfg.routes.exception(Exception.class, (e, ctx) -> self[0].fail(ctx, json,
                    StewardException.internal("internal error; the server log has the details", e)));
            cfg.routes.error(404, "*", ctx -> self[0].notMatched(ctx, json, 404));
            cfg.routes.error(405, "*", ctx -> self[0].notMatched(ctx, json, 405));
            Router router = new Router(cfg.routes, authenticator);
            resources.forEach(resource -> resource.register(router));
            declared.addAll(router.routes());
        });
        HttpServer server = new HttpServer(app, config, declared);
        self[0] = server;
        app.start();
        return server;
    }

    public int port() {
        return app.port();
    }

    /**
     * Sets a response header that an error answer keeps too (a request id, {@code Retry-After}):
     * the error mapping drops every other header a handler set.
     */
    public static void headerKeptOnError(Context ctx, String name, String value) {
        ctx.header(name, value);
        Map<String, String> kept = ctx.attribute(ERROR_HEADERS);
        if (kept == null) {
            kept = new LinkedHashMap<>();
            ctx.attribute(ERROR_HEADERS, kept);
        }
        kept.put(name, value);
    }

    /** Every route the resources declared, in declaration order. */
    public List<Route> routes() {
        return routes;
    }

    private void enter(Context ctx, HttpMetrics metrics) {
        inFlight.incrementAndGet();
        metrics.start(ctx);
        if (draining.get()) {
            throw StewardException.of(ErrorCode.TEMPORARILY_UNAVAILABLE, "the server is shutting down; retry on another replica");
        }
    }

    private void leave(Context ctx, HttpMetrics metrics) {
        metrics.finish(ctx);
        inFlight.decrementAndGet();
    }

    private void fail(Context ctx, Json json, StewardException e) {
        if (e.code().category() == dev.steward.spi.ErrorCategory.INTERNAL && e.getCause() != null) {
            logFailure(ctx.method() + " " + ctx.path() + " failed: " + e.getMessage(), e.getCause());
        }
        if (!ctx.res().isCommitted()) {
            // Drop headers a handler set for the success it did not reach (length, caching, ETag), not those meant for errors too.
            ctx.res().reset();
            Map<String, String> kept = ctx.attribute(ERROR_HEADERS);
            if (kept != null) {
                kept.forEach(ctx::header);
            }
        }
        json.respond(ctx, ErrorMapper.status(e, ctx.path()), ErrorMapper.body(e, ctx.path()));
    }

    /**
     * Logs a request's failure with its stack trace; once the server is stopping, a request that
     * fails was most likely cut off by the stop, which {@link #close()} has already reported once.
     */
    private void logFailure(String what, Throwable cause) {
        if (stopped.get()) {
            LOG.debug("{} while stopping", what, cause);
        } else {
            LOG.error(what, cause);
        }
    }

    private void notMatched(Context ctx, Json json, int status) {
        String contentType = ctx.res().getContentType();
        // A handler that answered the status itself keeps its answer: a JSON error, or a page of the web UI.
        if (contentType != null && (contentType.startsWith("application/json") || contentType.startsWith("text/html"))) {
            return;
        }
        String message = status == 404 ? "no endpoint " + ctx.method() + " " + ctx.path() + "; see /api/v1/openapi.json"
                : "method " + ctx.method() + " is not allowed on " + ctx.path();
        fail(ctx, json, ErrorMapper.forStatus(status, message));
    }

    /**
     * Stops accepting new work (new requests get 503), waits up to the shutdown timeout for
     * in-flight requests to finish, then stops the server. Idempotent.
     */
    @Override
    public void close() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        draining.set(true);
        long deadline = System.nanoTime() + config.shutdownTimeoutMs() * 1_000_000L;
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (inFlight.get() > 0) {
            LOG.warn("stopping with {} requests still in flight after {} ms (server.shutdown-timeout-ms); they are cut off",
                    inFlight.get(), config.shutdownTimeoutMs());
            // Jetty's graceful stop would wait for them as long again, then end in a TimeoutException that
            // Javalin logs with its stack trace and rethrows. After a drain that finished, it stays: it lets
            // the last responses be written out.
            app.jettyServer().server().setStopTimeout(0);
        }
        app.stop();
    }
}
