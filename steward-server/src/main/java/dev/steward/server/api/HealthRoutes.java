package dev.steward.server.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.steward.server.http.Access;
import dev.steward.server.http.Json;
import dev.steward.server.http.Router;
import dev.steward.server.http.Routes;
import dev.steward.spi.StewardException;
import dev.steward.spi.artifact.ArtifactStore;
import dev.steward.spi.store.MetadataStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** {@code /health}, {@code /metrics} and the OpenAPI document: public, so load balancers and Prometheus need no token. */
public final class HealthRoutes implements Routes {
    private final MetadataStore store;
    private final ArtifactStore artifacts;
    private final PrometheusMeterRegistry registry;
    private final Json json;

    public HealthRoutes(MetadataStore store, ArtifactStore artifacts, PrometheusMeterRegistry registry, Json json) {
        this.store = requireNonNull(store, "store is null");
        this.artifacts = requireNonNull(artifacts, "artifacts is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.json = requireNonNull(json, "json is null");
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Check(String status, String dialect, String error) {}

    record Health(String status, Check store, Check artifacts) {}

    @Override
    public void register(Router router) {
        router.get("/health", Access.PUBLIC, ctx -> {
            Check storeCheck = check(() -> store.check(), store.dialect());
            Check artifactCheck = check(() -> artifacts.check(), null);
            boolean ok = storeCheck.error() == null && artifactCheck.error() == null;
            json.respond(ctx, ok ? 200 : 503, new Health(ok ? "ok" : "unavailable", storeCheck, artifactCheck));
        });
        router.get("/api/v1/openapi.json", Access.PUBLIC, ctx -> ctx.contentType("application/json").result(openApi()));
        router.get("/metrics", Access.PUBLIC, ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(registry.scrape()));
    }

    private static byte[] openApi() throws java.io.IOException {
        try (java.io.InputStream in = HealthRoutes.class.getResourceAsStream("/steward/openapi.json")) {
            if (in == null) {
                throw StewardException.internal("the OpenAPI document is missing from the build", new IllegalStateException());
            }
            return in.readAllBytes();
        }
    }

    private static Check check(Runnable probe, String dialect) {
        try {
            probe.run();
            return new Check("ok", dialect, null);
        } catch (StewardException e) {
            return new Check("unavailable", dialect, e.getMessage());
        }
    }
}
