package dev.steward.store.jdbc;

import dev.steward.spi.artifact.ArtifactReferences;
import dev.steward.spi.data.DatasetRepository;
import dev.steward.spi.data.ValidationRepository;
import dev.steward.spi.jobs.JobRepository;
import dev.steward.spi.store.AuditRepository;
import dev.steward.spi.store.TokenRepository;
import dev.steward.spi.tracking.TrackingRepository;
import dev.steward.spi.webhooks.WebhookRepository;
import java.util.Map;
import java.util.function.Function;

/** Which class implements each store port. Each feature adds its ports here. */
final class JdbcRepositories {
    private static final Map<Class<?>, Function<JdbcContext, ?>> FACTORIES = Map.of(
            AuditRepository.class, JdbcAuditRepository::new,
            TokenRepository.class, JdbcTokenRepository::new,
            TrackingRepository.class, JdbcTrackingRepository::new,
            DatasetRepository.class, JdbcDatasetRepository::new,
            ValidationRepository.class, JdbcValidationRepository::new,
            JobRepository.class, JdbcJobRepository::new,
            ArtifactReferences.class, JdbcArtifactReferences::new,
            WebhookRepository.class, JdbcWebhookRepository::new);

    private JdbcRepositories() {}

    static Object create(Class<?> type, JdbcContext context) {
        Function<JdbcContext, ?> factory = FACTORIES.get(type);
        if (factory == null) {
            throw new IllegalArgumentException("the JDBC store has no implementation of " + type.getName());
        }
        return factory.apply(context);
    }
}
