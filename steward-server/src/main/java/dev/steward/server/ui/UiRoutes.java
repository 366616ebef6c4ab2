package dev.steward.server.ui;

import static java.util.Objects.requireNonNull;

import dev.steward.core.audit.AuditLog;
import dev.steward.core.auth.TokenService;
import dev.steward.core.jobs.JobService;
import dev.steward.core.tracking.TrackingService;
import dev.steward.server.http.Router;
import dev.steward.server.http.Routes;
import dev.steward.spi.Role;
import dev.steward.spi.StewardException;
import dev.steward.spi.store.MetadataStore;
import io.javalin.http.HttpStatus;
import java.time.Clock;

/**
 * The web UI at {@code /ui}: server-rendered pages over the same core services as the API,
 * htmx for the parts that change in place, charts drawn by ECharts, everything served by Steward
 * itself (see {@code docs/ui.md}). {@code /} sends a browser here.
 */
public final class UiRoutes implements Routes {
    private final TokenService tokens;
    private final TrackingService tracking;
    private final JobService jobs;
    private final MetadataStore store;
    private final AuditLog audit;
    private final UiSessions sessions;
    private final Assets assets = new Assets();

    public UiRoutes(TokenService tokens, TrackingService tracking, JobService jobs, MetadataStore store, AuditLog audit, Clock clock) {
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.tracking = requireNonNull(tracking, "tracking is null");
        this.jobs = requireNonNull(jobs, "jobs is null");
        this.store = requireNonNull(store, "store is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.sessions = new UiSessions(requireNonNull(clock, "clock is null"));
    }

    @Override
    public void register(Router router) {
        UiRouter ui = new UiRouter(router, sessions, tokens, new Layout(assets));
        ui.open("GET", "/", ctx -> ctx.redirect("/ui/experiments", HttpStatus.FOUND));
        ui.open("GET", "/ui", ctx -> ctx.redirect("/ui/experiments", HttpStatus.FOUND));
        ui.open("GET", "/ui/assets/{name}", ctx -> assets.serve(ctx, ctx.pathParam("name")));
        new LoginPages(sessions, tokens, ui.layout()).register(ui);
        new ExperimentPages(tracking).register(ui);
        new RunPages(tracking).register(ui);
        new JobPages(jobs).register(ui);
        new AuditPages(store, audit).register(ui);
        // Last: any other path under /ui is a page that does not exist, answered as a page.
        ui.page("/ui/<rest>", Role.VIEWER, request -> {
            throw StewardException.notFound("There is no page at " + request.ctx().path() + ".");
        });
    }
}
