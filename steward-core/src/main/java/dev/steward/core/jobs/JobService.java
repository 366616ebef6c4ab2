package dev.steward.core.jobs;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.core.audit.AuditLog;
import dev.steward.core.auth.IssuedToken;
import dev.steward.core.auth.TokenService;
import dev.steward.core.tracking.TrackingService;
import dev.steward.core.util.Ids;
import dev.steward.core.util.NulCharacters;
import dev.steward.spi.Actor;
import dev.steward.spi.Caller;
import dev.steward.spi.Role;
import dev.steward.spi.StewardException;
import dev.steward.spi.jobs.JobRecord;
import dev.steward.spi.jobs.JobRepository;
import dev.steward.spi.store.MetadataStore;
import dev.steward.spi.tracking.KeyValue;
import dev.steward.spi.tracking.Run;
import dev.steward.spi.tracking.RunStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job queue: jobs are stored before they are accepted, start by priority (then submission
 * order) on at most {@code concurrency} workers, each attempt in its own tracked run, and end
 * succeeded, failed (with the reason, and the guardrail when one tripped), cancelled or, when the
 * server stopped under them, interrupted (they can be retried). Every state change is audited.
 * A job that queues children (a sweep) holds no worker while they run, so an urgent job queued
 * meanwhile starts before the sweep's next trial. Thread-safe.
 *
 * <p>A running job belongs to the server instance that started it ({@link JobRecord#owner()}),
 * which renews a lease on it every third of {@link Ownership#lease()}. On a store that only one
 * server opens (SQLite, behind the home's lock) every job found running at start is left over from
 * a stopped server and is interrupted. On a shared store (PostgreSQL replicas) a server interrupts
 * only the jobs whose lease ran out, at start and then periodically, so one replica never
 * interrupts another's live jobs; a server that finds one of its jobs taken from it (it could not
 * renew in time) stops that job.
 */
public final class JobService implements AutoCloseable {
    public static final int MIN_PRIORITY = -1000;
    public static final int MAX_PRIORITY = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(JobService.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ID = Pattern.compile("job_[0-9a-f]{16}");
    private static final int MAX_SPEC_CHARS = 100_000;
    private static final long MAX_LOG_ARTIFACT_BYTES = 1L << 30;

    private final MetadataStore store;
    private final AuditLog audit;
    private final TrackingService tracking;
    private final TokenService tokens;
    private final Clock clock;
    private final Path directory;
    private final int concurrency;
    private final Map<String, JobRunner> runners = new LinkedHashMap<>();
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final Object dispatchLock = new Object();
    private final ExecutorService workers;
    private final Ownership ownership;
    private final String owner;
    private final ScheduledExecutorService leaseKeeper;
    private volatile URI trackingUri;
    private volatile boolean closed;

    /**
     * How jobs are owned.
     *
     * @param sharedStore whether other servers may run jobs on the same store at the same time
     * @param lease how long a running job stays this server's without a renewal
     */
    public record Ownership(boolean sharedStore, Duration lease) {
        public Ownership {
            requireNonNull(lease, "lease is null");
            if (lease.toMillis() < 300) {
                throw new IllegalArgumentException("lease must be at least 300 ms: " + lease);
            }
        }
    }

    public JobService(MetadataStore store, AuditLog audit, TrackingService tracking, TokenService tokens, Clock clock, Path directory,
            int concurrency, Ownership ownership, List<JobRunner> runners) {
        this.store = requireNonNull(store, "store is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.tracking = requireNonNull(tracking, "tracking is null");
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.directory = requireNonNull(directory, "directory is null");
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1: " + concurrency);
        }
        this.concurrency = concurrency;
        this.ownership = requireNonNull(ownership, "ownership is null");
        this.owner = instanceName();
        runners.forEach(r -> this.runners.put(r.kind(), r));
        this.workers = Executors.newFixedThreadPool(concurrency, runnable -> {
            Thread thread = new Thread(runnable, "steward-job");
            thread.setDaemon(true);
            return thread;
        });
        this.leaseKeeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "steward-job-leases");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** This server instance as jobs name their owner: host, process and a random part (a restarted server is a new owner). */
    private static String instanceName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "localhost";
        }
        return host + "/" + ProcessHandle.current().pid() + "/" + Ids.randomHex("", 4);
    }

    /** The name this server instance gives itself as the owner of the jobs it runs. */
    public String owner() {
        return owner;
    }

    public int concurrency() {
        return concurrency;
    }

    public List<String> kinds() {
        return List.copyOf(runners.keySet());
    }

    /**
     * Starts running jobs, with {@code trackingUri} as the MLflow tracking URI jobs' processes
     * get. Jobs found running (the server stopped under them) are marked interrupted first.
     */
    public void start(URI trackingUri) {
        this.trackingUri = requireNonNull(trackingUri, "trackingUri is null");
        if (ownership.sharedStore()) {
            interruptAbandoned();
        } else {
            interrupt(store.read(tx -> tx.repository(JobRepository.class).withStatus(JobRecord.RUNNING)));
        }
        long period = Math.max(100, ownership.lease().toMillis() / 3);
        leaseKeeper.scheduleWithFixedDelay(this::keepLeases, period, period, TimeUnit.MILLISECONDS);
        dispatch();
    }

    /** Marks jobs left running by a server that is gone as interrupted, with their runs failed and their sweeps' queued trials cancelled. */
    private void interrupt(List<JobRecord> stopped) {
        Caller system = TrackingService.system();
        for (JobRecord job : stopped) {
            String reason = job.owner().map(o -> "the server that ran it (" + o + ") stopped while the job was running; retry it")
                    .orElse("the server stopped while the job was running; retry it");
            if (finish(system, job, JobRecord.INTERRUPTED, Optional.of(reason), Optional.empty(), "job.interrupt")) {
                job.runId().ifPresent(runId -> endRunQuietly(system, runId, RunStatus.FAILED));
            }
        }
        // The queued trials of an interrupted sweep would finish nothing: a retry of the sweep queues them again.
        for (JobRecord job : stopped) {
            for (JobRecord child : list(Optional.of(JobRecord.QUEUED), Optional.of(job.id()), 10_000)) {
                finish(system, child, JobRecord.CANCELLED, Optional.of("its sweep " + job.id() + " was interrupted"), Optional.empty(),
                        "job.cancel");
            }
        }
    }

    /** On a shared store: interrupts the running jobs whose owner stopped renewing their leases. */
    private void interruptAbandoned() {
        long now = clock.millis();
        interrupt(store.read(tx -> tx.repository(JobRepository.class).expiredLeases(now)).stream()
                .filter(job -> !job.owner().equals(Optional.of(owner))).toList());
    }

    /**
     * Renews the leases of this server's jobs, stops those another server took over (it thought
     * this one dead), and on a shared store interrupts jobs abandoned by servers that died.
     */
    private void keepLeases() {
        try {
            long until = clock.millis() + ownership.lease().toMillis();
            store.write(tx -> tx.repository(JobRepository.class).renewLeases(owner, until));
            for (Running handle : running.values()) {
                Optional<JobRecord> current = store.read(tx -> tx.repository(JobRepository.class).find(handle.job.id()));
                if (current.isPresent() && (!current.get().status().equals(JobRecord.RUNNING) || !current.get().owner().equals(Optional.of(owner)))) {
                    LOG.warn("job {} was taken over by another server ({}); stopping it here", handle.job.id(), current.get().status());
                    handle.interrupt("another server took the job over after this one failed to renew its lease; retry it");
                }
            }
            if (ownership.sharedStore()) {
                interruptAbandoned();
                dispatch();
            }
        } catch (RuntimeException e) {
            LOG.warn("renewing job leases failed: {}", e.getMessage());
        }
    }

    /** Validates and queues a job. Nothing is stored when the spec is wrong. */
    public JobRecord submit(Caller caller, String kind, JsonNode spec, int priority) {
        return submit(caller, kind, spec, priority, Optional.empty());
    }

    private JobRecord submit(Caller caller, String kind, JsonNode spec, int priority, Optional<String> parentId) {
        requireNonNull(caller, "caller is null");
        JobRunner runner = runners.get(kind);
        if (runner == null) {
            throw StewardException.invalid("kind", "unknown job kind '" + kind + "'; use one of " + runners.keySet());
        }
        if (spec == null || !spec.isObject()) {
            throw StewardException.invalid("spec", "the job spec must be a JSON object");
        }
        if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
            throw StewardException.invalid("priority", "priority must be between " + MIN_PRIORITY + " and " + MAX_PRIORITY + ", not " + priority);
        }
        refuseNul(spec, "spec");
        ObjectNode checked = runner.validate(((ObjectNode) spec).deepCopy());
        String text = write(checked);
        if (text.length() > MAX_SPEC_CHARS) {
            throw StewardException.invalid("spec", "the job spec is longer than " + MAX_SPEC_CHARS + " characters");
        }
        JobRecord job = JobRecord.queued(Ids.randomHex("job_", 8), kind, priority, text, parentId, clock.millis(), caller.actor().id());
        store.write(tx -> {
            tx.repository(JobRepository.class).insert(job);
            Map<String, String> details = new TreeMap<>();
            details.put("kind", kind);
            details.put("priority", Integer.toString(priority));
            details.put("spec_sha256", dev.steward.core.util.Digests.sha256Hex(text));
            parentId.ifPresent(p -> details.put("parent", p));
            audit.record(tx, caller, "job.submit", "job", job.id(), details);
            return null;
        });
        dispatch();
        return job;
    }

    /** Every runner reads names and commands from the spec: a NUL in any of its strings is refused once, here, naming its path. */
    private static void refuseNul(JsonNode node, String path) {
        if (node.isTextual()) {
            NulCharacters.refuse(path, path, node.textValue());
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                refuseNul(node.get(i), path + "[" + i + "]");
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                NulCharacters.refuse(path, "a key of " + path, field.getKey());
                refuseNul(field.getValue(), path + "." + field.getKey());
            }
        }
    }

    public JobRecord get(String id) {
        checkId(id);
        return store.read(tx -> tx.repository(JobRepository.class).find(id))
                .orElseThrow(() -> StewardException.notFound("no job with id '" + id + "'"));
    }

    public List<JobRecord> list(Optional<String> status, Optional<String> parentId, int limit) {
        return store.read(tx -> tx.repository(JobRepository.class).list(status, parentId, limit));
    }

    /** Cancels a queued job at once, a running one as soon as its runner notices (a process is killed); a sweep with its trials. */
    public JobRecord cancel(Caller caller, String id, String reason) {
        requireNonNull(caller, "caller is null");
        String why = reason == null || reason.isBlank() ? "cancelled by " + caller.actor().name() : reason;
        JobRecord job = get(id);
        if (job.finished()) {
            throw StewardException.invalidState("job " + id + " already ended " + job.status());
        }
        for (JobRecord child : list(Optional.empty(), Optional.of(id), 10_000)) {
            if (!child.finished()) {
                cancel(caller, child.id(), "its sweep " + id + " was cancelled");
            }
        }
        if (job.status().equals(JobRecord.QUEUED) && finish(caller, job, JobRecord.CANCELLED, Optional.of(why), Optional.empty(), "job.cancel")) {
            return get(id);
        }
        Running handle = running.get(id);
        if (handle != null) {
            handle.cancel(caller, why);
        } else if (job.status().equals(JobRecord.RUNNING)) {
            // A sweep waiting for its (now cancelled) trials holds no worker: end it here.
            finish(caller, job, JobRecord.CANCELLED, Optional.of(why), Optional.empty(), "job.cancel");
            job.runId().ifPresent(runId -> endRunQuietly(caller, runId, RunStatus.KILLED));
        }
        return get(id);
    }

    /** Queues a failed, cancelled or interrupted job again as its next attempt (in a new run). */
    public JobRecord retry(Caller caller, String id) {
        requireNonNull(caller, "caller is null");
        JobRecord job = get(id);
        if (!job.finished() || job.status().equals(JobRecord.SUCCEEDED)) {
            throw StewardException.invalidState("job " + id + " is " + job.status() + "; only failed, cancelled or interrupted jobs can be retried");
        }
        JobRecord again = job.requeued();
        boolean updated = store.write(tx -> {
            boolean ok = tx.repository(JobRepository.class).update(again, job.status());
            if (ok) {
                audit.record(tx, caller, "job.retry", "job", id, Map.of("attempt", Integer.toString(again.attempt())));
            }
            return ok;
        });
        if (!updated) {
            throw StewardException.invalidState("job " + id + " changed while it was being retried; try again");
        }
        dispatch();
        return get(id);
    }

    /** A piece of a job's log from byte {@code offset}; {@code finished} once the job ended and nothing more will come. */
    public LogChunk log(String id, long offset, int maxBytes) {
        JobRecord job = get(id);
        if (offset < 0) {
            throw StewardException.invalid("offset", "offset cannot be negative");
        }
        Path file = logFile(job);
        if (!Files.exists(file)) {
            return new LogChunk("", offset, job.finished());
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            if (offset >= length) {
                return new LogChunk("", length, job.finished());
            }
            int size = (int) Math.min(maxBytes, length - offset);
            byte[] bytes = new byte[size];
            in.seek(offset);
            in.readFully(bytes);
            int end = offset + size < length ? completeCharacters(bytes) : size;
            return new LogChunk(new String(bytes, 0, end, StandardCharsets.UTF_8), offset + end, job.finished() && offset + end >= length);
        } catch (IOException e) {
            throw StewardException.internal("reading the log of job " + id, e);
        }
    }

    /** How many leading bytes of {@code bytes} hold whole UTF-8 characters (a chunk never ends inside one). */
    private static int completeCharacters(byte[] bytes) {
        int lead = bytes.length - 1;
        while (lead >= 0 && (bytes[lead] & 0xC0) == 0x80) {
            lead--;
        }
        if (lead < 0 || (bytes[lead] & 0x80) == 0) {
            return bytes.length;
        }
        int width = (bytes[lead] & 0xE0) == 0xC0 ? 2 : (bytes[lead] & 0xF0) == 0xE0 ? 3 : 4;
        return lead + width <= bytes.length ? bytes.length : lead;
    }

    /** Text of a job's log and where to continue. */
    public record LogChunk(String text, long nextOffset, boolean finished) {
    }

    /**
     * Stops starting jobs and stops those running (their runs end KILLED, the jobs interrupted);
     * sweeps waiting for their trials are interrupted too.
     */
    @Override
    public void close() {
        closed = true;
        leaseKeeper.shutdownNow();
        for (Running handle : running.values()) {
            handle.interrupt("the server stopped while the job was running; retry it");
        }
        workers.shutdown();
        try {
            if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
        }
        if (trackingUri != null) {
            try {
                interrupt(store.read(tx -> tx.repository(JobRepository.class).withStatus(JobRecord.RUNNING)).stream()
                        .filter(job -> job.owner().equals(Optional.of(owner))).toList());
            } catch (RuntimeException e) {
                LOG.warn("could not mark this server's waiting sweeps interrupted: {}", e.getMessage());
            }
        }
    }

    // ---- scheduling --------------------------------------------------------------------------

    private void dispatch() {
        if (trackingUri == null || closed) {
            return;
        }
        synchronized (dispatchLock) {
            while (!closed && running.size() < concurrency) {
                List<JobRecord> queued = store.read(tx -> tx.repository(JobRepository.class).queued());
                if (queued.isEmpty()) {
                    return;
                }
                JobRecord job = queued.get(0);
                try {
                    startJob(job);
                } catch (RuntimeException e) {
                    LOG.warn("job {} could not start: {}", job.id(), e.getMessage());
                    finish(TrackingService.system(), job, JobRecord.FAILED, Optional.of("could not start: " + e.getMessage()), Optional.empty(),
                            "job.finish");
                }
            }
        }
    }

    private void startJob(JobRecord job) {
        Caller system = TrackingService.system();
        ObjectNode spec = read(job.spec());
        JobRunner runner = runners.get(job.kind());
        if (runner == null) {
            throw new IllegalStateException("no runner for jobs of kind '" + job.kind() + "'");
        }
        String experimentId = experimentId(system, spec);
        List<KeyValue> tags = new ArrayList<>();
        tags.add(new KeyValue("steward.job.id", job.id()));
        tags.add(new KeyValue("steward.job.kind", job.kind()));
        tags.add(new KeyValue("steward.job.attempt", Integer.toString(job.attempt())));
        tags.add(new KeyValue("steward.job.priority", Integer.toString(job.priority())));
        job.parentId().ifPresent(p -> tags.add(new KeyValue("steward.job.parent", p)));
        Optional<String> runName = Optional.ofNullable(spec.path("run_name").textValue());
        Run run = tracking.createRun(system, experimentId, Optional.of(job.createdBy()), Optional.empty(), tags, runName);
        JobRecord started = job.started(run.info().runId(), clock.millis(), owner);
        boolean claimed = store.write(tx -> {
            boolean ok = tx.repository(JobRepository.class).claim(started, clock.millis() + ownership.lease().toMillis());
            if (ok) {
                audit.record(tx, system, "job.start", "job", job.id(), Map.of("run_id", run.info().runId(), "attempt",
                        Integer.toString(job.attempt()), "submitted_by", job.createdBy()));
            }
            return ok;
        });
        if (!claimed) {
            endRunQuietly(system, run.info().runId(), RunStatus.KILLED);
            return;
        }
        Running handle = new Running(started, spec, run, runner);
        running.put(job.id(), handle);
        workers.submit(handle::execute);
    }

    private String experimentId(Caller caller, ObjectNode spec) {
        String name = spec.path("experiment").textValue();
        if (name == null) {
            tracking.ensureDefaultExperiment(caller);
            return TrackingService.DEFAULT_EXPERIMENT_ID;
        }
        return tracking.experimentNamed(caller, name);
    }

    /** Ends a job if it still has the status it had when read; false when something else ended it first. */
    private boolean finish(Caller caller, JobRecord job, String status, Optional<String> message, Optional<String> guardrail, String action) {
        JobRecord ended = job.ended(status, message, clock.millis());
        return store.write(tx -> {
            boolean ok = tx.repository(JobRepository.class).update(ended, job.status());
            if (ok) {
                Map<String, String> details = new TreeMap<>();
                details.put("status", status);
                message.ifPresent(m -> details.put("reason", m));
                job.runId().ifPresent(r -> details.put("run_id", r));
                audit.record(tx, caller, action, "job", job.id(), details);
                if (guardrail.isPresent()) {
                    audit.record(tx, caller, "job.guardrail", "job", job.id(), Map.of("guardrail", guardrail.get(), "reason", message.orElse("")));
                }
            }
            return ok;
        });
    }

    private void endRunQuietly(Caller caller, String runId, RunStatus status) {
        try {
            tracking.updateRun(caller, runId, Optional.of(status), Optional.of(clock.millis()), Optional.empty());
        } catch (RuntimeException e) {
            LOG.warn("could not end run {}: {}", runId, e.getMessage());
        }
    }

    /** When the last child of a waiting parent ended, completes the parent. */
    private void childEnded(JobRecord child) {
        Optional<String> parentId = child.parentId();
        if (parentId.isEmpty()) {
            return;
        }
        JobRecord parent = get(parentId.get());
        if (!parent.status().equals(JobRecord.RUNNING) || running.containsKey(parent.id())) {
            return;
        }
        List<JobRecord> children = list(Optional.empty(), parentId, 10_000);
        if (children.stream().allMatch(JobRecord::finished)) {
            Running handle = new Running(parent, read(parent.spec()), tracking.getRun(parent.runId().orElseThrow()), runners.get(parent.kind()));
            if (running.putIfAbsent(parent.id(), handle) == null) {
                workers.submit(() -> handle.complete(children.stream().sorted(java.util.Comparator.comparing(JobRecord::createdAt)
                        .thenComparing(JobRecord::id)).toList()));
            }
        }
    }

    private Path jobDirectory(JobRecord job) {
        return directory.resolve(job.id());
    }

    private Path logFile(JobRecord job) {
        return jobDirectory(job).resolve("attempt-" + job.attempt() + ".log");
    }

    private static void checkId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw StewardException.invalid("job_id", "'" + id + "' is not a job id (job_ followed by 16 hex digits)");
        }
    }

    static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("serialising a job spec", e);
        }
    }

    private static ObjectNode read(String text) {
        try {
            return (ObjectNode) JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored job spec is not JSON", e);
        }
    }

    /** One attempt of a job on a worker. */
    private final class Running implements JobContext {
        private final JobRecord job;
        private final ObjectNode spec;
        private final Run run;
        private final JobRunner runner;
        private volatile boolean cancelled;
        private volatile String interruptedBecause;
        private volatile Caller cancelledBy;
        private volatile String cancelReason;
        private volatile IssuedToken token;

        Running(JobRecord job, ObjectNode spec, Run run, JobRunner runner) {
            this.job = job;
            this.spec = spec;
            this.run = run;
            this.runner = runner;
        }

        void cancel(Caller caller, String reason) {
            cancelledBy = caller;
            cancelReason = reason;
            cancelled = true;
        }

        void interrupt(String reason) {
            interruptedBecause = reason;
            cancelled = true;
        }

        void execute() {
            String status = JobRecord.SUCCEEDED;
            Optional<String> message = Optional.empty();
            Optional<String> guardrail = Optional.empty();
            boolean awaiting = false;
            try {
                Files.createDirectories(jobDirectory(job));
                log("job " + job.id() + " attempt " + job.attempt() + " started (" + job.kind() + ", priority " + job.priority() + ")");
                awaiting = runner.run(this) == JobRunner.Outcome.AWAITING_CHILDREN;
            } catch (JobFailure failure) {
                status = JobRecord.FAILED;
                message = Optional.of(failure.getMessage());
                guardrail = failure.guardrail();
            } catch (Exception | Error e) {
                status = JobRecord.FAILED;
                message = Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage());
                LOG.warn("job {} failed", job.id(), e);
            }
            if (awaiting && !cancelled) {
                running.remove(job.id());
                revokeToken();
                log("waiting for the trials to finish");
                childEndedOfParentNow();
                dispatch();
                return;
            }
            end(status, message, guardrail);
        }

        /** Children may all have ended before this parent returned. */
        private void childEndedOfParentNow() {
            List<JobRecord> children = list(Optional.empty(), Optional.of(job.id()), 10_000);
            if (!children.isEmpty()) {
                childEnded(children.get(0));
            }
        }

        void complete(List<JobRecord> children) {
            String status = JobRecord.SUCCEEDED;
            Optional<String> message = Optional.empty();
            Optional<String> guardrail = Optional.empty();
            boolean awaiting = false;
            try {
                log("all " + children.size() + " trials ended");
                awaiting = runner.complete(this, children) == JobRunner.Outcome.AWAITING_CHILDREN;
            } catch (JobFailure failure) {
                status = JobRecord.FAILED;
                message = Optional.of(failure.getMessage());
                guardrail = failure.guardrail();
            } catch (Exception | Error e) {
                status = JobRecord.FAILED;
                message = Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage());
                LOG.warn("job {} failed to complete", job.id(), e);
            }
            if (awaiting && !cancelled) {
                running.remove(job.id());
                log("waiting for the next trials to finish");
                childEndedOfParentNow();
                dispatch();
                return;
            }
            end(status, message, guardrail);
        }

        private void end(String status, Optional<String> message, Optional<String> guardrail) {
            Caller system = TrackingService.system();
            boolean interrupted = interruptedBecause != null;
            if (cancelled) {
                status = interrupted ? JobRecord.INTERRUPTED : JobRecord.CANCELLED;
                message = Optional.of(interrupted ? interruptedBecause : cancelReason);
                guardrail = Optional.empty();
            }
            String finalStatus = status;
            message.ifPresent(m -> log(finalStatus + ": " + m));
            guardrail.ifPresent(g -> setTagQuietly(system, "steward.guardrail", g));
            message.ifPresent(m -> setTagQuietly(system, "steward.job.reason", m.length() > 5000 ? m.substring(0, 5000) : m));
            try {
                revokeToken();
                uploadLog(system);
                endRunQuietly(system, run.info().runId(), switch (status) {
                    case JobRecord.SUCCEEDED -> RunStatus.FINISHED;
                    case JobRecord.CANCELLED -> RunStatus.KILLED;
                    default -> RunStatus.FAILED;
                });
                finish(cancelled && !interrupted ? cancelledBy : system, job, status, message, guardrail,
                        cancelled && !interrupted ? "job.cancel" : interrupted ? "job.interrupt" : "job.finish");
            } finally {
                running.remove(job.id());
            }
            try {
                childEnded(job);
            } catch (RuntimeException e) {
                LOG.warn("completing the sweep of job {} failed: {}", job.id(), e.getMessage());
            }
            dispatch();
        }

        private void setTagQuietly(Caller caller, String key, String value) {
            try {
                tracking.setTag(caller, run.info().runId(), new KeyValue(key, value));
            } catch (RuntimeException e) {
                LOG.warn("could not tag run {}: {}", run.info().runId(), e.getMessage());
            }
        }

        private void uploadLog(Caller caller) {
            Path file = logFile();
            if (!Files.exists(file)) {
                return;
            }
            try (InputStream in = Files.newInputStream(file)) {
                tracking.putRunArtifact(caller, run.info().runId(), "job.log", in, MAX_LOG_ARTIFACT_BYTES);
            } catch (IOException | RuntimeException e) {
                LOG.warn("could not store the log of job {}: {}", job.id(), e.getMessage());
            }
        }

        private void revokeToken() {
            IssuedToken issued = token;
            if (issued != null) {
                token = null;
                try {
                    tokens.revoke(TrackingService.system(), issued.token().id());
                } catch (RuntimeException e) {
                    LOG.warn("could not revoke the token of job {}: {}", job.id(), e.getMessage());
                }
            }
        }

        @Override
        public JobRecord job() {
            return job;
        }

        @Override
        public ObjectNode spec() {
            return spec;
        }

        @Override
        public Run run() {
            return run;
        }

        @Override
        public Caller caller() {
            return new Caller(new Actor(Actor.SYSTEM.id(), "scheduler for " + job.createdBy(), Role.ADMIN), "0".repeat(64));
        }

        @Override
        public synchronized void log(String line) {
            try {
                Files.createDirectories(jobDirectory(job));
                Files.writeString(logFile(), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException("writing the log of job " + job.id(), e);
            }
        }

        @Override
        public Path logFile() {
            return JobService.this.logFile(job);
        }

        @Override
        public Path workDirectory() {
            Path work = jobDirectory(job).resolve("work-" + job.attempt());
            try {
                return Files.createDirectories(work);
            } catch (IOException e) {
                throw new UncheckedIOException("creating the work directory of job " + job.id(), e);
            }
        }

        @Override
        public boolean cancelled() {
            return cancelled;
        }

        @Override
        public synchronized Map<String, String> mlflowEnvironment() {
            if (token == null) {
                token = tokens.create(TrackingService.system(), "job " + job.id(), Role.EDITOR);
            }
            Map<String, String> environment = new LinkedHashMap<>();
            environment.put("MLFLOW_TRACKING_URI", trackingUri.toString());
            environment.put("MLFLOW_TRACKING_TOKEN", token.secret());
            environment.put("MLFLOW_RUN_ID", run.info().runId());
            environment.put("MLFLOW_EXPERIMENT_ID", run.info().experimentId());
            environment.put("STEWARD_JOB_ID", job.id());
            return environment;
        }

        @Override
        public TrackingService tracking() {
            return tracking;
        }

        @Override
        public void guardrail(String name, String reason) {
            log("guardrail " + name + ": " + reason);
            setTagQuietly(caller(), "steward.guardrail", name);
            store.write(tx -> {
                audit.record(tx, caller(), "job.guardrail", "job", job.id(), Map.of("guardrail", name, "reason", reason));
                return null;
            });
        }

        @Override
        public JobRecord submitChild(String kind, ObjectNode childSpec) {
            return submit(TrackingService.system(), kind, childSpec, job.priority(), Optional.of(job.id()));
        }
    }
}
