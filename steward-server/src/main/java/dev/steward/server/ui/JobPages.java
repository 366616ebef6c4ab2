package dev.steward.server.ui;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.core.jobs.JobService;
import dev.steward.server.api.JobRoutes;
import dev.steward.spi.ErrorCategory;
import dev.steward.spi.Role;
import dev.steward.spi.StewardException;
import dev.steward.spi.jobs.JobRecord;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@code /ui/jobs}: the queue in the order jobs will start, every job with its state and progress,
 * a job's page with its spec, trials and log (followed live by polling), and cancel and retry for
 * the roles the API allows them to.
 */
final class JobPages {
    static final int PAGE_SIZE = 50;
    /** The API lists at most this many jobs at once; the pages reach as far. */
    private static final int MAX_LISTED = 1000;
    private static final int LOG_CHUNK = 64 * 1024;
    private static final List<String> STATUSES = List.of(JobRecord.QUEUED, JobRecord.RUNNING, JobRecord.SUCCEEDED, JobRecord.FAILED,
            JobRecord.CANCELLED, JobRecord.INTERRUPTED);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JobService jobs;

    JobPages(JobService jobs) {
        this.jobs = requireNonNull(jobs, "jobs is null");
    }

    void register(UiRouter ui) {
        ui.page("/ui/jobs", Role.VIEWER, request -> list(ui, request));
        ui.page("/ui/jobs/{id}", Role.VIEWER, request -> {
            JobRecord job = jobs.get(request.ctx().pathParam("id"));
            request.ctx().html(ui.layout().page(request, Section.JOBS, "Job " + job.id(), detail(request, job, Optional.empty()), false).toString());
        });
        ui.page("/ui/jobs/{id}/log", Role.VIEWER, request -> {
            JobRecord job = jobs.get(request.ctx().pathParam("id"));
            long offset = dev.steward.server.http.Requests.longQuery(request.ctx(), "offset").orElse(0L);
            JobService.LogChunk chunk = jobs.log(job.id(), offset, LOG_CHUNK);
            Html facts = chunk.finished() ? Html.of("<div id=\"job-facts\" hx-swap-oob=\"true\">{}</div>", facts(jobs.get(job.id())))
                    : Html.EMPTY;
            request.ctx().html(Html.of("<span hx-swap-oob=\"beforeend:#job-log\">{}</span>{}{}", chunk.text(), poller(job.id(), chunk), facts)
                    .toString());
        });
        ui.action("/ui/jobs/{id}/cancel", Role.EDITOR, request -> act(ui, request, job -> jobs.cancel(request.caller(), job.id(),
                request.form("reason").orElse(null))));
        ui.action("/ui/jobs/{id}/retry", Role.EDITOR, request -> act(ui, request, job -> {
            JobRoutes.requireAdminForCode(request.caller(), job.kind(), spec(job));
            return jobs.retry(request.caller(), job.id());
        }));
    }

    private interface JobAction {
        JobRecord apply(JobRecord job);
    }

    /** Runs an action and goes back to the job's page; a refusal is shown there, beside the buttons. */
    private void act(UiRouter ui, UiRequest request, JobAction action) {
        JobRecord job = jobs.get(request.ctx().pathParam("id"));
        try {
            action.apply(job);
        } catch (StewardException e) {
            if (e.code().category() == ErrorCategory.INTERNAL) {
                throw e;
            }
            request.ctx().status(dev.steward.server.http.ErrorMapper.status(e.code().category())).html(ui.layout().page(request, Section.JOBS,
                    "Job " + job.id(), detail(request, jobs.get(job.id()), Optional.of(e)), false).toString());
            return;
        }
        request.ctx().redirect("/ui/jobs/" + UiRequest.encode(job.id()), HttpStatus.SEE_OTHER);
    }

    private void list(UiRouter ui, UiRequest request) {
        Optional<String> status = request.query("status");
        Optional<StewardException> error = status.filter(s -> !STATUSES.contains(s)).map(s -> StewardException.invalid("status",
                "unknown status '" + s + "'; use one of " + new java.util.TreeSet<>(STATUSES)));
        int page = dev.steward.server.http.Requests.intQuery(request.ctx(), "page", 1, 1, MAX_LISTED / PAGE_SIZE);
        List<JobRecord> listed = error.isPresent() ? List.of() : jobs.list(status, Optional.empty(), Math.min(MAX_LISTED, page * PAGE_SIZE + 1));
        List<JobRecord> shown = listed.subList(Math.min(listed.size(), (page - 1) * PAGE_SIZE), Math.min(listed.size(), page * PAGE_SIZE));
        boolean more = listed.size() > page * PAGE_SIZE;

        Html queue = Html.EMPTY;
        if (status.isEmpty() && page == 1) {
            List<JobRecord> queued = jobs.list(Optional.of(JobRecord.QUEUED), Optional.empty(), MAX_LISTED).stream()
                    .sorted(Comparator.comparingInt(JobRecord::priority).reversed().thenComparingLong(JobRecord::createdAt)).toList();
            queue = Html.of("<section><h2>Queue</h2><p class=\"muted\">Queued jobs in the order they will start: highest priority first,"
                    + " then oldest.</p>{}</section>", queued.isEmpty() ? Widgets.empty("Nothing is waiting.") : Html.of("""
                    <div class="table-wrap"><table><caption class="sr-only">Queued jobs in start order</caption>
                    <thead><tr><th scope="col" class="num">#</th><th scope="col">Job</th><th scope="col">Kind</th><th scope="col" class="num">Priority</th>
                    <th scope="col">Queued</th><th scope="col">By</th></tr></thead><tbody>{}</tbody></table></div>""",
                    Html.each(java.util.stream.IntStream.range(0, queued.size()).boxed().toList(), i -> Html.of(
                            "<tr><td class=\"num\">{}</td><th scope=\"row\"><a href=\"/ui/jobs/{}\">{}</a></th><td>{}</td><td class=\"num\">{}</td>"
                                    + "<td>{}</td><td>{}</td></tr>", i + 1, UiRequest.encode(queued.get(i).id()), queued.get(i).id(), queued.get(i).kind(),
                            queued.get(i).priority(), Format.time(queued.get(i).createdAt()), queued.get(i).createdBy()))));
        }
        Html options = Html.of("<option value=\"\">All</option>{}", Html.each(STATUSES, s -> Html.of("<option value=\"{}\"{}>{}</option>", s,
                Html.when(status.map(s::equals).orElse(false), Html.of(" selected")), s)));
        Optional<StewardException> statusError = error;
        Html filter = Html.of("""
                <form method="get" action="/ui/jobs" class="toolbar"><div class="field{}"><label for="status">Status</label>
                <select id="status" name="status"{}>{}</select>{}</div><button type="submit">Show</button></form>""",
                Html.when(statusError.isPresent(), Html.of(" invalid")),
                Html.when(statusError.isPresent(), Html.of(" aria-invalid=\"true\" aria-describedby=\"status-error\"")), options,
                statusError.map(e -> Html.of("<p class=\"error-text\" id=\"status-error\">{}</p>", e.getMessage())).orElse(Html.EMPTY));
        Html table = shown.isEmpty() ? Widgets.empty(error.isPresent() ? "Choose a status from the list." : "No jobs.") : Html.of("""
                <div class="table-wrap"><table><caption class="sr-only">Jobs, newest first</caption>
                <thead><tr><th scope="col">Job</th><th scope="col">Kind</th><th scope="col">Status</th><th scope="col" class="num">Priority</th>
                <th scope="col" class="num">Attempt</th><th scope="col">Progress</th><th scope="col">Created</th><th scope="col">By</th>
                <th scope="col">Run</th></tr></thead><tbody>{}</tbody></table></div>""", Html.each(shown, j -> Html.of(
                "<tr><th scope=\"row\"><a href=\"/ui/jobs/{}\">{}</a></th><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                        + "<td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", UiRequest.encode(j.id()), j.id(), j.kind(), Widgets.badge(j.status()),
                j.priority(), j.attempt(), progress(j), Format.time(j.createdAt()), j.createdBy(), runLink(j))));
        String base = "/ui/jobs?status=" + UiRequest.encode(status.orElse(""));
        Html content = Html.of("{}{}<section><h2>All jobs</h2>{}{}</section>", queue, filter, table,
                Widgets.pager(page, more && page < MAX_LISTED / PAGE_SIZE, p -> base + "&page=" + p));
        request.ctx().status(error.isPresent() ? 400 : 200).html(ui.layout().page(request, Section.JOBS, "Jobs", content, false).toString());
    }

    private Html detail(UiRequest request, JobRecord job, Optional<StewardException> error) {
        Html actions = actions(request, job, error);
        List<JobRecord> trials = job.kind().equals("sweep") ? jobs.list(Optional.empty(), Optional.of(job.id()), MAX_LISTED) : List.of();
        Html trialTable = trials.isEmpty() ? Html.EMPTY : Html.of("""
                <section><h2>Trials</h2><div class="table-wrap"><table><caption class="sr-only">Trials of this sweep</caption>
                <thead><tr><th scope="col">Job</th><th scope="col">Status</th><th scope="col">Run</th><th scope="col">Message</th></tr></thead>
                <tbody>{}</tbody></table></div></section>""", Html.each(trials, t -> Html.of(
                "<tr><th scope=\"row\"><a href=\"/ui/jobs/{}\">{}</a></th><td>{}</td><td>{}</td><td>{}</td></tr>", UiRequest.encode(t.id()), t.id(),
                Widgets.badge(t.status()), runLink(t), t.message().orElse(""))));
        JobService.LogChunk log = jobs.log(job.id(), 0, LOG_CHUNK);
        return Html.of("""
                <div id="job-facts">{}</div>{}
                {}
                <section><h2>Log</h2><pre id="job-log" class="log" tabindex="0" aria-label="Log of job {}">{}</pre>{}</section>
                <section><h2>Spec</h2><pre class="code" tabindex="0">{}</pre></section>""",
                facts(job), actions, trialTable, job.id(), log.text(), poller(job.id(), log), Widgets.pretty(job.spec()));
    }

    private Html actions(UiRequest request, JobRecord job, Optional<StewardException> error) {
        if (!request.can(Role.EDITOR)) {
            return Html.EMPTY;
        }
        String id = UiRequest.encode(job.id());
        boolean retryable = job.finished() && !job.status().equals(JobRecord.SUCCEEDED)
                && (request.can(Role.ADMIN) || !JobRoutes.runsCode(job.kind(), spec(job)));
        Html cancel = Html.when(!job.finished(), Html.of("""
                <details class="danger-zone"><summary>Cancel this job…</summary>
                <form method="post" action="/ui/jobs/{}/cancel" class="stack">{}
                <div class="field"><label for="reason">Reason (kept in the audit log)</label><input id="reason" name="reason" type="text"
                placeholder="cancelled by {}"></div><button type="submit" class="danger">Cancel job</button></form></details>""", id,
                request.csrfField(), request.actor().name()));
        Html retry = Html.when(retryable, Html.of("""
                <form method="post" action="/ui/jobs/{}/retry">{}<button type="submit" class="primary">Retry as attempt {}</button></form>""",
                id, request.csrfField(), job.attempt() + 1));
        Html message = error.map(e -> Html.of("<div class=\"alert error\" role=\"alert\">{}</div>", e.getMessage())).orElse(Html.EMPTY);
        return Html.of("<div class=\"actions\">{}{}{}</div>", message, cancel, retry);
    }

    private Html facts(JobRecord job) {
        long end = job.endedAt().orElse(System.currentTimeMillis());
        return Html.of("""
                <dl class="facts">
                <div><dt>Status</dt><dd>{}</dd></div><div><dt>Kind</dt><dd>{}</dd></div><div><dt>Priority</dt><dd>{}</dd></div>
                <div><dt>Attempt</dt><dd>{}</dd></div><div><dt>Progress</dt><dd>{}</dd></div><div><dt>Created</dt><dd>{} by {}</dd></div>
                <div><dt>Ran</dt><dd>{}</dd></div><div><dt>Run</dt><dd>{}</dd></div>{}
                </dl>{}""", Widgets.badge(job.status()), job.kind(), job.priority(), job.attempt(), progress(job),
                Format.time(job.createdAt()), job.createdBy(),
                job.startedAt().map(s -> Html.of("{} for {}", Format.time(s), Format.duration(end - s))).orElse(Html.text("not yet")),
                runLink(job), job.parentId().map(p -> Html.of("<div><dt>Sweep</dt><dd><a href=\"/ui/jobs/{}\">{}</a></dd></div>",
                        UiRequest.encode(p), p)).orElse(Html.EMPTY),
                job.message().map(m -> Html.of("<p class=\"alert {}\">{}</p>", job.status().equals(JobRecord.FAILED) ? "error" : "info", m))
                        .orElse(Html.EMPTY));
    }

    /** A sweep's trials done out of all; a running job's time so far; nothing for the others. */
    private Html progress(JobRecord job) {
        if (job.kind().equals("sweep")) {
            List<JobRecord> trials = jobs.list(Optional.empty(), Optional.of(job.id()), MAX_LISTED);
            long done = trials.stream().filter(JobRecord::finished).count();
            return trials.isEmpty() ? Html.text("no trials yet") : Html.of("<progress max=\"{}\" value=\"{}\" aria-label=\"Trials finished\"></progress> {}/{} trials",
                    trials.size(), done, done, trials.size());
        }
        if (job.status().equals(JobRecord.RUNNING)) {
            return Html.of("running for {}", Format.duration(System.currentTimeMillis() - job.startedAt().orElse(System.currentTimeMillis())));
        }
        return job.finished() ? Html.text(job.startedAt().map(s -> "took " + Format.duration(job.endedAt().orElse(s) - s)).orElse("—"))
                : Html.text("waiting");
    }

    /** Polls for more of the log while the job may write some; none once the log is complete. */
    private static Html poller(String id, JobService.LogChunk chunk) {
        if (chunk.finished()) {
            return Html.of("<p class=\"muted small\" id=\"log-state\">The log is complete.</p>");
        }
        return Html.of("<div id=\"log-state\" class=\"muted small\" hx-get=\"/ui/jobs/{}/log?offset={}\" hx-trigger=\"{}\" hx-swap=\"outerHTML\">"
                + "<span class=\"live-dot\" aria-hidden=\"true\"></span> Following the log…</div>", UiRequest.encode(id), chunk.nextOffset(),
                chunk.text().length() >= LOG_CHUNK / 2 ? "load" : "load delay:1s");
    }

    private static Html runLink(JobRecord job) {
        return job.runId().map(r -> Html.of("<a href=\"/ui/runs/{}\">{}</a>", UiRequest.encode(r), Format.shortId(r))).orElse(Html.text("—"));
    }

    private static JsonNode spec(JobRecord job) {
        try {
            return JSON.readTree(job.spec());
        } catch (IOException e) {
            throw StewardException.internal("job " + job.id() + " has a spec that is not JSON", e);
        }
    }
}
