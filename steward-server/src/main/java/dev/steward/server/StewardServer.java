package dev.steward.server;

import static java.util.Objects.requireNonNull;

import dev.steward.core.registry.ModelStages;
import dev.steward.core.serving.RegistryModelSource;
import dev.steward.core.serving.RequestLog;
import dev.steward.core.serving.ServingEngine;
import dev.steward.core.util.Digests;
import dev.steward.server.api.ArtifactRoutes;
import dev.steward.server.api.AuditRoutes;
import dev.steward.server.api.DeploymentRoutes;
import dev.steward.server.api.MonitorRoutes;
import dev.steward.server.serving.PolicyMeters;
import dev.steward.server.serving.TrafficRoutes;
import dev.steward.server.ui.UiRoutes;
import dev.steward.core.serving.CanaryController;
import dev.steward.core.serving.LiveTraffic;
import dev.steward.core.tracking.TrackingService;
import dev.steward.server.api.FeedbackRoutes;
import dev.steward.server.api.GateRoutes;
import dev.steward.server.api.HealthRoutes;
import dev.steward.server.api.TokenRoutes;
import dev.steward.server.http.Authenticator;
import dev.steward.server.http.HttpServer;
import dev.steward.server.http.Json;
import dev.steward.server.http.Route;
import dev.steward.server.http.Routes;
import dev.steward.server.mlflow.MlflowRegistryRoutes;
import dev.steward.server.mlflow.MlflowRoutes;
import dev.steward.server.serving.OipRoutes;
import dev.steward.server.serving.PredictRoutes;
import dev.steward.server.serving.ScoringRoutes;
import dev.steward.server.serving.ServingMeters;
import dev.steward.server.api.TrackingRoutes;
import dev.steward.server.api.DatasetRoutes;
import dev.steward.server.api.EvaluationRoutes;
import dev.steward.server.api.FeasibilityRoutes;
import dev.steward.server.api.JobRoutes;
import dev.steward.server.api.ModelRoutes;
import dev.steward.server.api.ReviewRoutes;
import dev.steward.server.api.WebhookRoutes;
import dev.steward.spi.Actor;
import dev.steward.spi.Caller;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * A running Steward server over an opened {@link Steward}: all HTTP resources wired to the core
 * services. Closing it stops the HTTP server gracefully, then closes the stores.
 */
public final class StewardServer implements AutoCloseable {
    private final Steward steward;
    private final HomeLock home;
    private final HttpServer http;
    private final ServingEngine serving;
    private final CanaryController canaries;
    private final Optional<String> createdAdminToken;
    private final JvmGcMetrics gcMetrics;

    /** How often canaries and error-rate cut-outs are judged (and the policy gauges refreshed). */
    private static final java.time.Duration CANARY_TICK = java.time.Duration.ofSeconds(1);
    /** How often monitors close due time windows, file waiting labels and look for other replicas' changes. */
    private static final java.time.Duration MONITOR_TICK = java.time.Duration.ofSeconds(1);

    private StewardServer(Steward steward, HomeLock home, HttpServer http, ServingEngine serving, CanaryController canaries,
            Optional<String> createdAdminToken, JvmGcMetrics gcMetrics) {
        this.steward = steward;
        this.home = home;
        this.http = http;
        this.serving = serving;
        this.canaries = canaries;
        this.createdAdminToken = createdAdminToken;
        this.gcMetrics = gcMetrics;
    }

    /**
     * Starts serving; on the first start of an installation also creates its admin token. Takes
     * the home's lock first: a second server on the same home is refused.
     */
    public static StewardServer start(Steward steward) {
        requireNonNull(steward, "steward is null");
        return start(steward, HomeLock.acquire(steward.config().home()));
    }

    /** Starts serving on a home whose lock the caller took (before it opened the stores); the server releases it on close. */
    public static StewardServer start(Steward steward, HomeLock home) {
        requireNonNull(steward, "steward is null");
        requireNonNull(home, "home is null");
        try {
            return serve(steward, home);
        } catch (RuntimeException e) {
            home.close();
            throw e;
        }
    }

    private static StewardServer serve(Steward steward, HomeLock home) {
        Caller system = new Caller(Actor.SYSTEM, Digests.sha256Hex("server bootstrap"));
        Optional<String> adminSecret = steward.tokens().bootstrapAdmin(system).map(issued -> {
            AdminTokenFile.write(steward.config().adminTokenFile(), issued.secret());
            return issued.secret();
        });
        steward.tracking().ensureDefaultExperiment(system);

        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        RequestLog requestLog = steward.requestLog();
        // Monitors see every entry as it is written: scored (outliers, kept in the line) and folded into their windows.
        requestLog.tap(steward.monitorEngine());
        Gauge.builder("steward.request.log.queued", requestLog, RequestLog::queued).description("Request-log entries waiting to be written")
                .register(registry);
        FunctionCounter.builder("steward.request.log.dropped", requestLog, RequestLog::dropped)
                .description("Request-log entries dropped: the queue was full, or they could not be written").register(registry);

        Json json = new Json(steward.config().server().maxJsonDepth(), steward.config().server().maxStringLength());
        LiveTraffic traffic = new LiveTraffic(java.time.Clock.systemUTC());
        ServingEngine serving = new ServingEngine(steward.deployments(), new RegistryModelSource(steward.registry(), steward.artifacts()),
                steward.servingRuntime(), requestLog, steward.feedback(), steward.reviews(), new ServingMeters(registry), traffic);
        // A tripped cut-out stops its deployment as an emergency stop by the system would (audited, sent to webhooks).
        serving.onCutout((name, reason) -> steward.deployments().stop(TrackingService.system(), name, "automatic cut-out: " + reason));
        // Bandits learn from feedback: an explicit reward as given; a label as 1 when the answer was right, else 0.
        steward.feedback().onFeedback(f -> {
            double reward = f.reward().isPresent() ? f.reward().getAsDouble() : f.correct().map(c -> c ? 1.0 : 0.0).orElse(Double.NaN);
            if (Double.isFinite(reward)) {
                serving.reward(f.deployment(), "models:/" + f.model() + "/" + f.version(), reward);
            }
        });
        steward.feedback().onFeedback(steward.monitors()::label);
        CanaryController canaries = new CanaryController(steward.deployments(), traffic, steward.feedback(), java.time.Clock.systemUTC());
        PolicyMeters policyMeters = new PolicyMeters(registry, steward.deployments(), serving);
        String version = Optional.ofNullable(StewardServer.class.getPackage().getImplementationVersion()).orElse("development");
        List<Routes> resources = List.of(
                new HealthRoutes(steward.store(), steward.artifacts(), registry, json),
                new TokenRoutes(steward.tokens(), json),
                new AuditRoutes(steward.store(), steward.audit(), json),
                new ArtifactRoutes(steward.artifacts(), steward.collector(), steward.config().server().maxArtifactBytes(), json),
                new MlflowRoutes(steward.tracking(), json, steward.config().server().maxArtifactBytes()),
                new MlflowRegistryRoutes(steward.registry(), new ModelStages(steward.registry(), steward.promotions()), steward.registration(),
                        steward.tracking(), json),
                new TrackingRoutes(steward.tracking(), json),
                new DatasetRoutes(steward.datasets(), json, steward.config().home().resolve("tmp"),
                        steward.config().server().maxArtifactBytes()),
                new JobRoutes(steward.jobs(), json),
                new EvaluationRoutes(steward.evaluations(), json),
                new FeasibilityRoutes(steward.feasibility(), json),
                new ModelRoutes(steward.registry(), steward.promotions(), steward.lineage(), steward.registration(), json),
                new WebhookRoutes(steward.webhooks(), json),
                new GateRoutes(steward.gates(), steward.registration(), steward.datasets(), json),
                new DeploymentRoutes(steward.deployments(), json),
                new FeedbackRoutes(steward.feedback(), json),
                new ReviewRoutes(steward.reviews(), json),
                new PredictRoutes(serving, json),
                new ScoringRoutes(serving, json),
                new OipRoutes(serving, json, version),
                new TrafficRoutes(steward.deployments(), serving, json),
                new MonitorRoutes(steward.monitors(), json),
                // The web UI last: its catch-all for unknown pages under /ui must come after every other route.
                new UiRoutes(steward, serving, registry, java.time.Clock.systemUTC()));
        // Deployments are loaded (as they were when the server stopped) before the first request, and the live figures with them.
        steward.deployments().start();
        steward.feedback().start();
        steward.reviews().start();
        steward.monitors().start(MONITOR_TICK);
        // Sessions load in the background; /v2/health/ready says when every served version is warm.
        serving.start();
        canaries.start(CANARY_TICK, policyMeters::refresh);
        HttpServer http;
        try {
            http = HttpServer.start(steward.config().server(), json, new Authenticator(steward.tokens()), registry, resources);
        } catch (RuntimeException e) {
            canaries.close();
            serving.close();
            throw e;
        }
        StewardServer server = new StewardServer(steward, home, http, serving, canaries, adminSecret, gcMetrics);
        try {
            steward.jobs().start(server.uri());
            steward.webhookDispatcher().start();
            home.publish(server.uri());
        } catch (RuntimeException e) {
            http.close();
            canaries.close();
            serving.close();
            throw e;
        }
        return server;
    }

    public int port() {
        return http.port();
    }

    /** Every route the server answers, with the access each requires. */
    public List<Route> routes() {
        return http.routes();
    }

    /** The base URL clients use, e.g. {@code http://127.0.0.1:8080}. */
    public URI uri() {
        String host = steward.config().server().bindAddress();
        if (host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        }
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port());
    }

    /** The secret of the admin token created by this start, when this was the first start. */
    public Optional<String> createdAdminToken() {
        return createdAdminToken;
    }

    public Steward steward() {
        return steward;
    }

    /** Moves canaries along and judges error-rate cut-outs, every second. */
    public CanaryController canaries() {
        return canaries;
    }

    /** The engine serving the deployments. */
    public ServingEngine serving() {
        return serving;
    }

    /** Stops gracefully: HTTP first (in-flight requests finish), then webhook deliveries, jobs and stores, then the home is released. */
    @Override
    public void close() {
        try {
            http.close();
            canaries.close();
            serving.close();
            gcMetrics.close();
        } finally {
            try {
                steward.close();
            } finally {
                home.close();
            }
        }
    }
}
