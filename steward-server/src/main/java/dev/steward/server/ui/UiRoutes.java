package dev.steward.server.ui;

import static java.util.Objects.requireNonNull;

import dev.steward.core.serving.ServingEngine;
import dev.steward.server.Steward;
import dev.steward.server.http.Router;
import dev.steward.server.http.Routes;
import dev.steward.spi.Role;
import dev.steward.spi.StewardException;
import io.javalin.http.HttpStatus;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;

/**
 * The web UI at {@code /ui}: server-rendered pages over the same core services as the API,
 * htmx for the parts that change in place, charts drawn by ECharts, everything served by Steward
 * itself (see {@code docs/ui.md}). {@code /} sends a browser here.
 */
public final class UiRoutes implements Routes {
    private final Steward steward;
    private final ServingEngine serving;
    private final MeterRegistry meters;
    private final UiSessions sessions;
    private final Assets assets = new Assets();

    /**
     * The UI over the services {@code steward} wires (the same the API's routes are given), the
     * serving engine's live figures and the server's meters (latency and batch-size histograms).
     */
    public UiRoutes(Steward steward, ServingEngine serving, MeterRegistry meters, Clock clock) {
        this.steward = requireNonNull(steward, "steward is null");
        this.serving = requireNonNull(serving, "serving is null");
        this.meters = requireNonNull(meters, "meters is null");
        this.sessions = new UiSessions(requireNonNull(clock, "clock is null"));
    }

    @Override
    public void register(Router router) {
        UiRouter ui = new UiRouter(router, sessions, steward.tokens(), new Layout(assets));
        ui.open("GET", "/", ctx -> ctx.redirect("/ui/experiments", HttpStatus.FOUND));
        ui.open("GET", "/ui", ctx -> ctx.redirect("/ui/experiments", HttpStatus.FOUND));
        ui.open("GET", "/ui/assets/{name}", ctx -> assets.serve(ctx, ctx.pathParam("name")));
        new LoginPages(sessions, steward.tokens(), ui.layout()).register(ui);
        new ExperimentPages(steward.tracking()).register(ui);
        new RunPages(steward.tracking()).register(ui);
        new DatasetPages(steward.datasets(), steward.lineage(), steward.deployments()).register(ui);
        new ModelPages(steward.registry(), steward.promotions(), steward.lineage(), steward.deployments(), steward.datasets()).register(ui);
        new DeploymentPages(steward.deployments(), serving, steward.feedback(), steward.reviews(), meters).register(ui);
        new MonitorPages(steward.monitors()).register(ui);
        new JobPages(steward.jobs()).register(ui);
        new AuditPages(steward.store(), steward.audit()).register(ui);
        // Last: any other path under /ui is a page that does not exist, answered as a page.
        ui.page("/ui/<rest>", Role.VIEWER, request -> {
            throw StewardException.notFound("There is no page at " + request.ctx().path() + ".");
        });
    }
}
