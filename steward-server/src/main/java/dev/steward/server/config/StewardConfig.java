package dev.steward.server.config;

import static java.util.Objects.requireNonNull;

import dev.steward.store.jdbc.JdbcStoreConfig;
import java.nio.file.Path;

/**
 * The whole configuration of a Steward installation, one record per component.
 *
 * @param home the installation's home directory ({@code $STEWARD_HOME})
 * @param server HTTP server settings
 * @param store metadata store settings
 * @param artifactsUrl where artifacts live: a path or {@code file:} URL
 * @param jobs the job queue
 * @param webhooks webhook delivery
 * @param serving model serving
 * @param feedback feedback on predictions and the review queue
 */
public record StewardConfig(Path home, ServerConfig server, JdbcStoreConfig store, String artifactsUrl, JobsConfig jobs,
        WebhooksConfig webhooks, ServingConfig serving, FeedbackConfig feedback) {
    public StewardConfig {
        requireNonNull(home, "home is null");
        requireNonNull(server, "server is null");
        requireNonNull(store, "store is null");
        requireNonNull(artifactsUrl, "artifactsUrl is null");
        requireNonNull(jobs, "jobs is null");
        requireNonNull(webhooks, "webhooks is null");
        requireNonNull(serving, "serving is null");
        requireNonNull(feedback, "feedback is null");
    }

    /** The file holding the admin token created on first start. */
    public Path adminTokenFile() {
        return home.resolve("admin.token");
    }
}
