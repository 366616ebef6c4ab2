package dev.steward.server;

import static java.util.Objects.requireNonNull;

import dev.steward.artifacts.ArtifactStores;
import dev.steward.core.artifacts.ArtifactCollector;
import dev.steward.core.audit.AuditLog;
import dev.steward.core.auth.TokenService;
import dev.steward.core.data.DatasetService;
import dev.steward.core.feasibility.FeasibilityService;
import dev.steward.core.jobs.CommandJobRunner;
import dev.steward.core.jobs.JobService;
import dev.steward.core.jobs.SweepJobRunner;
import dev.steward.core.registry.PackageImporter;
import dev.steward.core.training.ModelEvaluator;
import dev.steward.core.training.TrainJobRunner;
import dev.steward.core.webhooks.RetryPolicy;
import dev.steward.core.webhooks.WebhookDispatcher;
import dev.steward.core.webhooks.WebhookService;
import dev.steward.runtime.onnx.OnnxModelRuntime;
import dev.steward.train.tribuo.IsolatedTrainer;
import dev.steward.train.tribuo.TribuoTrainer;
import dev.steward.core.tracking.TrackingService;
import dev.steward.data.duckdb.DuckDbTableReader;
import dev.steward.server.config.StewardConfig;
import dev.steward.server.config.WebhooksConfig;
import dev.steward.server.webhooks.HttpWebhookSender;
import dev.steward.spi.artifact.ArtifactStore;
import dev.steward.spi.store.MetadataStore;
import dev.steward.store.jdbc.JdbcMetadataStore;
import dev.steward.core.registry.LineageService;
import dev.steward.core.registry.ModelRegistration;
import dev.steward.core.registry.PromotionService;
import dev.steward.core.registry.RegistryEvaluations;
import dev.steward.core.registry.RegistryService;
import dev.steward.core.gates.GateService;
import dev.steward.core.serving.DeploymentService;
import dev.steward.core.serving.FeedbackService;
import dev.steward.core.serving.ReviewService;
import dev.steward.core.registry.policy.CriterionKind;
import dev.steward.core.registry.policy.PolicyParser;
import dev.steward.core.registry.policy.StatisticalCriterion;
import dev.steward.core.registry.policy.PromotionContext;
import dev.steward.core.serving.RequestLog;
import dev.steward.core.serving.log.SegmentRequestLog;
import dev.steward.core.serving.log.RequestLogReader;
import dev.steward.core.serving.RegistryModelSource;
import dev.steward.core.monitoring.LiveMonitorEngine;
import dev.steward.core.monitoring.MonitorService;
import dev.steward.server.config.ServingConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One Steward installation wired together: its configuration, the adapters chosen by it, and the
 * core services on top of them. Both the HTTP server and offline CLI commands start from here.
 * Thread-safe; close it once.
 */
public final class Steward implements AutoCloseable {
    private final StewardConfig config;
    private final MetadataStore store;
    private final ArtifactStore artifacts;
    private final Clock clock;
    private final AuditLog audit;
    private final TokenService tokens;
    private final TrackingService tracking;
    private final DatasetService datasets;
    private final JobService jobs;
    private final OnnxModelRuntime runtime;
    private final OnnxModelRuntime servingRuntime;
    private final dev.steward.spi.training.Trainer trainer;
    private final ModelEvaluator evaluator;
    private final FeasibilityService feasibility;
    private final PackageImporter importer;
    private final RegistryService registry;
    private final PromotionService promotions;
    private final GateService gates;
    private final DeploymentService deployments;
    private final FeedbackService feedback;
    private final ReviewService reviews;
    private final LineageService lineage;
    private final ModelRegistration registration;
    private final RegistryEvaluations evaluations;
    private final ArtifactCollector collector;
    private final WebhookService webhooks;
    private final WebhookDispatcher webhookDispatcher;
    /** Opened on first use; guarded by {@code this}. */
    private final LiveMonitorEngine monitorEngine;
    private final MonitorService monitors;
    private SegmentRequestLog requestLog;
    /** Native memory DuckDB may use while reading one dataset file before it spills to disk. */
    private static final String DATA_MEMORY_LIMIT = "1GB";
    /** Warm training JVMs kept between trainings (with process isolation): they save the cold start of each training. */
    private static final int IDLE_TRAINING_WORKERS = 2;
    /** Deliveries (of different subscriptions) sent at once: enough that a slow receiver holds up only itself. */
    private static final int WEBHOOK_SENDERS = 4;
    /** How long a delivery being sent stays this server's without a renewal: how soon a dead replica's deliveries are sent by another. */
    private static final Duration WEBHOOK_LEASE = Duration.ofSeconds(30);
    /** The longest wait between two attempts of a delivery. */
    private static final Duration WEBHOOK_MAX_RETRY_DELAY = Duration.ofHours(1);

    private Steward(StewardConfig config, MetadataStore store, ArtifactStore artifacts, Clock clock) {
        this.config = config;
        this.store = store;
        this.artifacts = artifacts;
        this.clock = clock;
        this.audit = new AuditLog(clock);
        this.tokens = new TokenService(store, audit, clock);
        this.tracking = new TrackingService(store, artifacts, audit, clock);
        this.datasets = new DatasetService(store, artifacts, new DuckDbTableReader(DATA_MEMORY_LIMIT), audit, clock);
        this.trainer = config.jobs().isolateTraining() ? new IsolatedTrainer(IDLE_TRAINING_WORKERS) : new TribuoTrainer();
        TrainJobRunner training = new TrainJobRunner(datasets, trainer);
        this.runtime = new OnnxModelRuntime(0);
        this.servingRuntime = new OnnxModelRuntime(OnnxModelRuntime.Threads.forServing(config.serving().intraOpThreads(),
                Runtime.getRuntime().availableProcessors()));
        this.evaluator = new ModelEvaluator(tracking, datasets, artifacts, runtime);
        this.feasibility = new FeasibilityService(tracking, datasets);
        this.importer = new PackageImporter(tracking, artifacts, runtime);
        this.collector = new ArtifactCollector(store, artifacts, audit, clock);
        // A SQLite store belongs to one server (the home's lock guards it); a PostgreSQL one may be shared by replicas.
        boolean sharedStore = !store.dialect().equals("sqlite");
        this.jobs = new JobService(store, audit, tracking, tokens, clock, config.jobs().directory(), config.jobs().concurrency(),
                new JobService.Ownership(sharedStore, config.jobs().lease()), List.of(new CommandJobRunner(), new SweepJobRunner(training), training));
        this.webhooks = new WebhookService(store, audit, clock);
        WebhooksConfig hooks = config.webhooks();
        RetryPolicy retry = new RetryPolicy(hooks.maxAttempts(), hooks.maxAge(), hooks.retryBase(), WEBHOOK_MAX_RETRY_DELAY);
        // Deliveries are claimed under the same instance name as jobs: one identity per server in the store.
        this.webhookDispatcher = new WebhookDispatcher(store, new HttpWebhookSender(hooks.timeout()), clock,
                new WebhookDispatcher.Settings(hooks.timeout(), retry, WEBHOOK_LEASE, WEBHOOK_SENDERS), jobs.owner(), sharedStore);
        this.registry = new RegistryService(store, artifacts, datasets, audit, webhooks, clock);
        this.registration = new ModelRegistration(registry, importer, artifacts, config.server().maxArtifactBytes());
        this.evaluations = new RegistryEvaluations(evaluator, registration, registry, tracking);
        this.gates = new GateService(store, datasets, evaluator, tracking, audit, clock);
        List<CriterionKind> kinds = new ArrayList<>(PolicyParser.builtInKinds());
        kinds.add(new StatisticalCriterion.Kind(gates));
        this.promotions = new PromotionService(store, registry, datasets, audit, webhooks, clock, new PolicyParser(kinds),
                evaluations, (pkg, rows, calls) -> {
                    ModelEvaluator.Latency latency = evaluator.latency(pkg, rows, calls);
                    return new PromotionContext.Latency(latency.p50Millis(), latency.p99Millis(), latency.loadMillis(), latency.calls());
                });
        this.lineage = new LineageService(store, registry, promotions, tracking, datasets, audit);
        this.deployments = new DeploymentService(store, registry, promotions, audit, webhooks, clock, config.serving().pollInterval());
        this.feedback = new FeedbackService(store, deployments, registry, audit, clock, config.feedback().settings());
        this.reviews = new ReviewService(store, feedback, audit, clock, config.feedback().reviewBuffer());
        // Monitoring scores and folds entries on the request log's writer thread, and reads references through the evaluation runtime.
        this.monitorEngine = new LiveMonitorEngine(datasets, deployments, new RegistryModelSource(registry, artifacts), runtime,
                new RequestLogReader(config.serving().logDirectory()), clock);
        this.monitors = new MonitorService(store, audit, webhooks, monitorEngine, deployments, registry, tracking, datasets, jobs, artifacts, clock,
                jobs.owner(), config.serving().pollInterval());
    }

    /** Opens the stores named by the configuration (running any pending migrations). */
    public static Steward open(StewardConfig config) {
        requireNonNull(config, "config is null");
        ArtifactStore artifacts = ArtifactStores.open(config.artifactsUrl());
        try {
            MetadataStore store = JdbcMetadataStore.open(config.store());
            return new Steward(config, store, artifacts, Clock.systemUTC());
        } catch (RuntimeException e) {
            artifacts.close();
            throw e;
        }
    }

    public StewardConfig config() {
        return config;
    }

    public MetadataStore store() {
        return store;
    }

    public ArtifactStore artifacts() {
        return artifacts;
    }

    public Clock clock() {
        return clock;
    }

    public AuditLog audit() {
        return audit;
    }

    public TokenService tokens() {
        return tokens;
    }

    public TrackingService tracking() {
        return tracking;
    }

    public DatasetService datasets() {
        return datasets;
    }

    /** The runtime deployments are served on, its threads chosen for serving (see {@code docs/serving.md}). */
    public OnnxModelRuntime servingRuntime() {
        return servingRuntime;
    }

    /** Evaluation of model packages on dataset versions. */
    public ModelEvaluator evaluator() {
        return evaluator;
    }

    /** Feasibility studies of dataset versions: Bayes error bounds before anything is trained. */
    public FeasibilityService feasibility() {
        return feasibility;
    }

    /** Model packages from training runs, ONNX graphs built elsewhere and MLflow models. */
    public PackageImporter importer() {
        return importer;
    }

    public RegistryService registry() {
        return registry;
    }

    public DeploymentService deployments() {
        return deployments;
    }

    /** Feedback on predictions: the engine's {@code PredictionRecorder}, the join, the live figures. */
    public FeedbackService feedback() {
        return feedback;
    }

    /** The human review queue of abstained predictions: the engine's {@code ReviewQueue}. */
    public ReviewService reviews() {
        return reviews;
    }

    /** Monitors of deployments: windows, reports, alerts and their actions (started by the server). */
    public MonitorService monitors() {
        return monitors;
    }

    /** Monitoring's data path: the request log's tap, windows, evaluation. */
    public LiveMonitorEngine monitorEngine() {
        return monitorEngine;
    }

    public GateService gates() {
        return gates;
    }

    public PromotionService promotions() {
        return promotions;
    }

    public LineageService lineage() {
        return lineage;
    }

    /** Registration from runs, uploads and MLflow folders, and model URIs resolved to packages. */
    public ModelRegistration registration() {
        return registration;
    }

    /** Evaluations of models named by URI, and the evidence promotions use. */
    public RegistryEvaluations evaluations() {
        return evaluations;
    }

    /** Garbage collection of blobs nothing refers to. */
    public ArtifactCollector collector() {
        return collector;
    }

    /** The job queue; it runs jobs once the server started it. */
    public JobService jobs() {
        return jobs;
    }

    /** Webhook subscriptions and the outbox services publish events to. */
    public WebhookService webhooks() {
        return webhooks;
    }

    /** Sends webhook deliveries once the server started it. */
    public WebhookDispatcher webhookDispatcher() {
        return webhookDispatcher;
    }

    /**
     * Where served predictions are logged ({@code serving.log-*}). Opened on the first call, which
     * recovers what a killed server left open and takes the log directory: the server calls it at
     * start, once it holds the home's lock, so that offline commands never open it.
     */
    public synchronized RequestLog requestLog() {
        if (requestLog == null) {
            ServingConfig serving = config.serving();
            requestLog = SegmentRequestLog.open(new SegmentRequestLog.Settings(serving.logDirectory(), serving.logSegmentBytes(),
                    serving.logSegmentAge(), serving.logRetention(), serving.logQueue()), clock);
        }
        return requestLog;
    }

    @Override
    public void close() {
        try {
            monitors.close();
            reviews.close();
            deployments.close();
            synchronized (this) {
                if (requestLog != null) {
                    requestLog.close();
                }
            }
            webhookDispatcher.close();
            jobs.close();
            if (trainer instanceof AutoCloseable closeable) {
                closeable.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException("closing the trainer", e);
        } finally {
            try {
                store.close();
            } finally {
                artifacts.close();
            }
        }
    }
}
