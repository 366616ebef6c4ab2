package dev.steward.server.serving;

import static java.util.Objects.requireNonNull;

import dev.steward.core.serving.ServingMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The serving engine's meters in Prometheus, by deployment, registered model and version:
 * {@code steward_serving_requests_total} (answered, by protocol), {@code steward_serving_errors_total}
 * (by protocol and kind; model and version empty when the request was refused before a version
 * was chosen), {@code steward_serving_request_seconds} (latency histogram of answered requests),
 * {@code steward_serving_batch_rows} (rows per runtime call), {@code steward_serving_queue_rows}
 * (rows waiting for a call), {@code steward_serving_traffic_share} (each version's configured
 * share of unpinned traffic). (The request log's own counts are registered with it: {@code steward_request_log_*}.)
 * Thread-safe.
 */
public final class ServingMeters implements ServingMetrics {
    /** Rows per call: powers of two up to the largest batch a deployment may set. */
    private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096};

    private final MeterRegistry registry;
    private final ConcurrentMap<String, Lane> lanes = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> refusals = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, AtomicLong> shares = new ConcurrentHashMap<>();

    public ServingMeters(MeterRegistry registry) {
        this.registry = requireNonNull(registry, "registry is null");
    }

    @Override
    public ServingMetrics.Lane lane(String deployment, String model, int version) {
        return lanes.computeIfAbsent(deployment + '\n' + model + '\n' + version, key -> new Lane(deployment, model, Integer.toString(version)));
    }

    @Override
    public void refused(String deployment, String protocol, String kind) {
        refusals.computeIfAbsent(deployment + '\n' + protocol + '\n' + kind, key -> errors(deployment, "", "", protocol, kind)).increment();
    }

    @Override
    public void split(String deployment, Map<String, Double> shares) {
        this.shares.forEach((key, share) -> {
            if (key.startsWith(deployment + '\n')) {
                share.set(Double.doubleToLongBits(0));
            }
        });
        shares.forEach((version, share) -> {
            int colon = version.lastIndexOf(':');
            String model = version.substring(0, colon);
            String number = version.substring(colon + 1);
            this.shares.computeIfAbsent(deployment + '\n' + version, key -> {
                AtomicLong bits = new AtomicLong();
                Gauge.builder("steward.serving.traffic.share", bits, b -> Double.longBitsToDouble(b.get()))
                        .description("Each version's configured share of its deployment's unpinned traffic")
                        .tags("deployment", deployment, "model", model, "version", number).register(registry);
                return bits;
            }).set(Double.doubleToLongBits(share));
        });
    }

    private Counter errors(String deployment, String model, String version, String protocol, String kind) {
        return Counter.builder("steward.serving.errors").description("Prediction requests that failed, by kind")
                .tags("deployment", deployment, "model", model, "version", version, "protocol", protocol, "kind", kind).register(registry);
    }

    private final class Lane implements ServingMetrics.Lane {
        private final String deployment;
        private final String model;
        private final String version;
        private final ConcurrentMap<String, Counter> answered = new ConcurrentHashMap<>();
        private final ConcurrentMap<String, Counter> failed = new ConcurrentHashMap<>();
        private final Timer latency;
        private final DistributionSummary batches;
        private final AtomicInteger queued = new AtomicInteger();

        Lane(String deployment, String model, String version) {
            this.deployment = deployment;
            this.model = model;
            this.version = version;
            this.latency = Timer.builder("steward.serving.request").description("Latency of answered prediction requests, in the engine")
                    .tags("deployment", deployment, "model", model, "version", version).publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(50_000)).maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
            this.batches = DistributionSummary.builder("steward.serving.batch.rows").description("Rows per runtime call (one or more requests)")
                    .tags("deployment", deployment, "model", model, "version", version).serviceLevelObjectives(BATCH_BUCKETS).register(registry);
            Gauge.builder("steward.serving.queue.rows", queued, AtomicInteger::get).description("Rows waiting for a runtime call")
                    .tags("deployment", deployment, "model", model, "version", version).register(registry);
        }

        @Override
        public void answered(String protocol, int rows, long nanos) {
            answered.computeIfAbsent(protocol, p -> Counter.builder("steward.serving.requests").description("Prediction requests answered")
                    .tags("deployment", deployment, "model", model, "version", version, "protocol", p).register(registry)).increment();
            latency.record(nanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void failed(String protocol, String kind, long nanos) {
            failed.computeIfAbsent(protocol + '\n' + kind, key -> errors(deployment, model, version, protocol, kind)).increment();
        }

        @Override
        public void batch(int rows) {
            batches.record(rows);
        }

        @Override
        public void queued(int delta) {
            queued.addAndGet(delta);
        }
    }
}
