package dev.steward.store.jdbc;

import dev.steward.spi.artifact.ArtifactReferences;
import dev.steward.spi.data.DatasetRepository;
import dev.steward.spi.data.ValidationRepository;
import dev.steward.spi.gates.GateRepository;
import dev.steward.spi.jobs.JobRepository;
import dev.steward.spi.monitoring.MonitorRepository;
import dev.steward.spi.registry.RegistryRepository;
import dev.steward.spi.serving.DeploymentRepository;
import dev.steward.spi.serving.FeedbackRepository;
import dev.steward.spi.store.AuditRepository;
import dev.steward.spi.store.TokenRepository;
import dev.steward.spi.tracking.TrackingRepository;
import dev.steward.spi.webhooks.WebhookRepository;
import java.util.Map;
import java.util.function.Function;

/** Which class implements each store port. Each feature adds its ports here. */
final class JdbcRepositories {
    private static final Map<Class<?>, Function<JdbcContext, ?>> FACTORIES = Map.ofEntries(
            Map.entry(AuditRepository.class, JdbcAuditRepository::new),
            Map.entry(TokenRepository.class, JdbcTokenRepository::new),
            Map.entry(TrackingRepository.class, JdbcTrackingRepository::new),
            Map.entry(DatasetRepository.class, JdbcDatasetRepository::new),
            Map.entry(ValidationRepository.class, JdbcValidationRepository::new),
            Map.entry(JobRepository.class, JdbcJobRepository::new),
            Map.entry(ArtifactReferences.class, JdbcArtifactReferences::new),
            Map.entry(RegistryRepository.class, JdbcRegistryRepository::new),
            Map.entry(WebhookRepository.class, JdbcWebhookRepository::new),
            Map.entry(GateRepository.class, JdbcGateRepository::new),
            Map.entry(DeploymentRepository.class, JdbcDeploymentRepository::new),
            Map.entry(FeedbackRepository.class, JdbcFeedbackRepository::new),
            Map.entry(MonitorRepository.class, JdbcMonitorRepository::new));

    private JdbcRepositories() {}

    static Object create(Class<?> type, JdbcContext context) {
        Function<JdbcContext, ?> factory = FACTORIES.get(type);
        if (factory == null) {
            throw new IllegalArgumentException("the JDBC store has no implementation of " + type.getName());
        }
        return factory.apply(context);
    }
}
