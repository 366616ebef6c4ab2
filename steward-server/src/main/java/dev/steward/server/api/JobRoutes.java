package dev.steward.server.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.core.jobs.JobService;
import dev.steward.server.http.Access;
import dev.steward.server.http.Authenticator;
import dev.steward.server.http.Json;
import dev.steward.server.http.Requests;
import dev.steward.server.http.Router;
import dev.steward.server.http.Routes;
import dev.steward.spi.StewardException;
import dev.steward.spi.jobs.JobRecord;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /api/v1/jobs}: submit, list, show, cancel, retry jobs and read their logs. Command jobs
 * and sweeps of commands run code on the server's host, so submitting and retrying them need the
 * admin role; declarative training (and sweeps of it) runs no user code and needs editor, as does
 * cancelling; reading needs viewer.
 */
public final class JobRoutes implements Routes {
    private static final Set<String> STATUSES = Set.of(JobRecord.QUEUED, JobRecord.RUNNING, JobRecord.SUCCEEDED, JobRecord.FAILED,
            JobRecord.CANCELLED, JobRecord.INTERRUPTED);
    private static final int MAX_LOG_CHUNK = 1 << 20;

    private final JobService jobs;
    private final Json json;

    public JobRoutes(JobService jobs, Json json) {
        this.jobs = requireNonNull(jobs, "jobs is null");
        this.json = requireNonNull(json, "json is null");
    }

    record Submit(String kind, Integer priority, JsonNode spec) {}

    record Reason(String reason) {}

    record JobView(String id, String kind, String status, int priority, Optional<String> runId, Optional<String> parentId, int attempt,
            Optional<String> message, String createdAt, Optional<String> startedAt, Optional<String> endedAt, String createdBy,
            Optional<String> owner, JsonNode spec) {
        static JobView of(JobRecord j, Json json) {
            JsonNode spec;
            try {
                spec = json.mapper().readTree(j.spec());
            } catch (java.io.IOException e) {
                throw StewardException.internal("job " + j.id() + " has a spec that is not JSON", e);
            }
            return new JobView(j.id(), j.kind(), j.status(), j.priority(), j.runId(), j.parentId(), j.attempt(), j.message(),
                    Instant.ofEpochMilli(j.createdAt()).toString(), j.startedAt().map(t -> Instant.ofEpochMilli(t).toString()),
                    j.endedAt().map(t -> Instant.ofEpochMilli(t).toString()), j.createdBy(), j.owner(), spec);
        }
    }

    /** Whether a job of this kind and spec runs a command on the host (and so needs an admin to submit or retry): all but declarative training. */
    public static boolean runsCode(String kind, JsonNode spec) {
        boolean training = kind.equals("train") || kind.equals("sweep") && spec.has("train") && !spec.has("command");
        return !training;
    }

    /** Jobs that run a command on the host need an admin; declarative training does not. */
    public static void requireAdminForCode(dev.steward.spi.Caller caller, String kind, JsonNode spec) {
        if (runsCode(kind, spec) && !caller.actor().role().includes(dev.steward.spi.Role.ADMIN)) {
            throw StewardException.of(dev.steward.spi.ErrorCode.PERMISSION_DENIED, "a " + kind
                    + " job runs a command on the server's host and needs the admin role; declarative training (kind train) needs editor");
        }
    }

    @Override
    public void register(Router router) {
        router.post("/api/v1/jobs", Access.EDITOR, ctx -> {
            Submit submit = json.readStrict(ctx.bodyAsBytes(), Submit.class);
            if (submit.kind() == null || submit.kind().isBlank()) {
                throw StewardException.invalid("kind", "'kind' is required: one of " + jobs.kinds());
            }
            if (submit.spec() == null || !submit.spec().isObject()) {
                throw StewardException.invalid("spec", "'spec' is required: a JSON object describing the job");
            }
            requireAdminForCode(Authenticator.caller(ctx), submit.kind(), submit.spec());
            JobRecord job = jobs.submit(Authenticator.caller(ctx), submit.kind(), (ObjectNode) submit.spec(),
                    submit.priority() == null ? 0 : submit.priority());
            json.respond(ctx, 201, JobView.of(job, json));
        });
        router.get("/api/v1/jobs", Access.VIEWER, ctx -> {
            Optional<String> status = Requests.query(ctx, "status");
            status.ifPresent(s -> {
                if (!STATUSES.contains(s)) {
                    throw StewardException.invalid("status", "unknown status '" + s + "'; use one of " + new java.util.TreeSet<>(STATUSES));
                }
            });
            json.respond(ctx, 200, Map.of("jobs", jobs.list(status, Requests.query(ctx, "parent_id"),
                    Requests.intQuery(ctx, "max_results", 100, 1, 1000)).stream().map(j -> JobView.of(j, json)).toList()));
        });
        router.get("/api/v1/jobs/{id}", Access.VIEWER, ctx -> json.respond(ctx, 200, JobView.of(jobs.get(ctx.pathParam("id")), json)));
        router.post("/api/v1/jobs/{id}/cancel", Access.EDITOR, ctx -> {
            Reason reason = ctx.bodyAsBytes().length == 0 ? new Reason(null) : json.readStrict(ctx.bodyAsBytes(), Reason.class);
            json.respond(ctx, 200, JobView.of(jobs.cancel(Authenticator.caller(ctx), ctx.pathParam("id"), reason.reason()), json));
        });
        router.post("/api/v1/jobs/{id}/retry", Access.EDITOR, ctx -> {
            JobView job = JobView.of(jobs.get(ctx.pathParam("id")), json);
            requireAdminForCode(Authenticator.caller(ctx), job.kind(), job.spec());
            json.respond(ctx, 200, JobView.of(jobs.retry(Authenticator.caller(ctx), ctx.pathParam("id")), json));
        });
        router.get("/api/v1/jobs/{id}/logs", Access.VIEWER, ctx -> {
            long offset = Requests.longQuery(ctx, "offset").orElse(0L);
            JobService.LogChunk chunk = jobs.log(ctx.pathParam("id"), offset, Requests.intQuery(ctx, "max_bytes", MAX_LOG_CHUNK, 1, MAX_LOG_CHUNK));
            json.respond(ctx, 200, chunk);
        });
    }
}
