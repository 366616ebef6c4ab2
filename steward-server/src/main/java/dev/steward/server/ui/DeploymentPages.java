package dev.steward.server.ui;

import static java.util.Objects.requireNonNull;

import dev.steward.core.serving.BanditAllocator;
import dev.steward.core.serving.DeploymentFeedback;
import dev.steward.core.serving.DeploymentService;
import dev.steward.core.serving.DeploymentSpec;
import dev.steward.core.serving.DeploymentState;
import dev.steward.core.serving.FeedbackFigures;
import dev.steward.core.serving.FeedbackService;
import dev.steward.core.serving.LiveTraffic;
import dev.steward.core.serving.ReviewService;
import dev.steward.core.serving.ServingEngine;
import dev.steward.spi.Role;
import dev.steward.spi.StewardException;
import dev.steward.spi.serving.DeploymentRevisionRecord;
import dev.steward.spi.serving.ReviewRecord;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

/**
 * {@code /ui/deployments}: every deployment with its split and state; a deployment's live figures
 * (the split, request and error rate, latency percentiles, batch sizes, the canary's progress, the
 * shadow's agreement, the bandit's allocation, feedback accuracy), its review queue, its revision
 * history with restore, and a guarded emergency stop and resume for deployers. The live figures are
 * what {@code TrafficRoutes} reads (this server's last minute, per version); latency percentiles and
 * batch sizes come from the serving meters (since this server started).
 */
final class DeploymentPages {
    /** The request-rate chart: this many buckets of {@link #BUCKET_SECONDS} back from now. */
    private static final int BUCKETS = 20;
    private static final int BUCKET_SECONDS = 30;
    private static final long MINUTE = 60_000;
    private static final int REVIEWS_SHOWN = 20;
    private static final int REVISIONS_SHOWN = 50;

    private final DeploymentService deployments;
    private final ServingEngine engine;
    private final FeedbackService feedback;
    private final ReviewService reviews;
    private final MeterRegistry meters;

    DeploymentPages(DeploymentService deployments, ServingEngine engine, FeedbackService feedback, ReviewService reviews, MeterRegistry meters) {
        this.deployments = requireNonNull(deployments, "deployments is null");
        this.engine = requireNonNull(engine, "engine is null");
        this.feedback = requireNonNull(feedback, "feedback is null");
        this.reviews = requireNonNull(reviews, "reviews is null");
        this.meters = requireNonNull(meters, "meters is null");
    }

    static String link(String name) {
        return "/ui/deployments/" + UiRequest.encode(name);
    }

    void register(UiRouter ui) {
        ui.page("/ui/deployments", Role.VIEWER, request -> list(ui, request));
        ui.page("/ui/deployments/{name}", Role.VIEWER, request -> request.ctx().html(page(ui, request, Optional.empty()).toString()));
        ui.action("/ui/deployments/{name}/stop", Role.DEPLOYER, request -> {
            String name = request.ctx().pathParam("name");
            Actions.perform(request, link(name), "stop", () -> {
                if (!"yes".equals(request.form("confirm").orElse(""))) {
                    throw StewardException.invalid("confirm", "tick the box to confirm: every request to " + name + " is refused until it is resumed");
                }
                deployments.stop(request.caller(), name, request.form("reason").orElseThrow(() -> StewardException.invalid("reason",
                        "a reason is required: why every request is refused from now on (it goes into the audit log)")));
            }, sent -> page(ui, request, sent));
        });
        ui.action("/ui/deployments/{name}/resume", Role.DEPLOYER, request -> {
            String name = request.ctx().pathParam("name");
            Actions.perform(request, link(name), "resume", () -> deployments.resume(request.caller(), name, request.form("reason")),
                    sent -> page(ui, request, sent));
        });
        ui.action("/ui/deployments/{name}/restore", Role.DEPLOYER, request -> {
            String name = request.ctx().pathParam("name");
            int revision = dev.steward.server.http.Requests.parsing("revision", Integer::parseInt).apply(request.form("revision").orElse(""));
            Actions.perform(request, link(name), "restore-" + revision, () -> deployments.restore(request.caller(), name, revision,
                    request.form("reason")), sent -> page(ui, request, sent));
        });
        ui.action("/ui/reviews/{id}/label", Role.EDITOR, request -> {
            ReviewRecord review = reviews.get(request.ctx().pathParam("id"));
            Actions.perform(request, link(review.deployment()) + "#reviews", "review-" + review.id(), () -> reviews.label(request.caller(),
                    review.id(), request.form("label").orElseThrow(() -> StewardException.invalid("label", "a label is required"))),
                    sent -> pageOf(ui, request, review.deployment(), sent));
        });
    }

    private void list(UiRouter ui, UiRequest request) {
        List<DeploymentState> all = deployments.list();
        int page = RunPages.page(request);
        int size = DatasetPages.PAGE_SIZE;
        List<DeploymentState> shown = all.subList(Math.min(all.size(), (page - 1) * size), Math.min(all.size(), page * size));
        long since = System.currentTimeMillis() - MINUTE;
        Html rows = Html.each(shown, d -> {
            long requests = d.spec().versions().stream().mapToLong(v -> engine.traffic().since(d.name(), v.uri(), since).requests()).sum();
            return Html.of("""
                    <tr><th scope="row"><a href="{}">{}</a></th><td>{}</td><td>{}</td><td>{}</td><td class="num">{}</td><td class="num">{}</td><td>{}</td></tr>""",
                    link(d.name()), d.name(), Widgets.badge(d.stopped() ? "stopped" : "serving"), policy(d), split(d), requests, d.revision(),
                    Format.time(d.updatedAt()));
        });
        Html content = all.isEmpty() ? Widgets.empty("No deployments yet. Deploy a model version with steward deploy or POST /api/v1/deployments.")
                : Html.of("""
                <div class="table-wrap"><table><caption class="sr-only">Deployments</caption>
                <thead><tr><th scope="col">Deployment</th><th scope="col">State</th><th scope="col">Policy</th><th scope="col">Versions (share)</th>
                <th scope="col" class="num">Requests, last minute</th><th scope="col" class="num">Revision</th><th scope="col">Changed</th></tr></thead>
                <tbody>{}</tbody></table></div>{}""", rows, Widgets.pager(page, all.size() > page * size, p -> "/ui/deployments?page=" + p));
        request.ctx().html(ui.layout().page(request, Section.DEPLOYMENTS, "Deployments", content, false).toString());
    }

    private static String policy(DeploymentState d) {
        return d.spec().traffic().map(DeploymentSpec.Traffic::kind).orElse("weighted");
    }

    private static Html split(DeploymentState d) {
        double total = d.spec().versions().stream().mapToDouble(DeploymentSpec.ServedVersion::weight).sum();
        return Html.join(d.spec().versions().stream().map(v -> Html.of("<a class=\"tag\" href=\"{}\">{} v{} · {}%</a> ", ModelPages.link(v.model(),
                v.version()), v.model(), v.version(), Format.number(Math.round(total > 0 ? 1000 * v.weight() / total : 0) / 10.0))).toList());
    }

    private Html pageOf(UiRouter ui, UiRequest request, String name, Optional<Actions.Sent> sent) {
        return render(ui, request, deployments.get(name), sent);
    }

    private Html page(UiRouter ui, UiRequest request, Optional<Actions.Sent> sent) {
        return pageOf(ui, request, request.ctx().pathParam("name"), sent);
    }

    private Html render(UiRouter ui, UiRequest request, DeploymentState d, Optional<Actions.Sent> sent) {
        long now = System.currentTimeMillis();
        List<DeploymentSpec.ServedVersion> versions = d.spec().versions();
        Map<String, LiveTraffic.Stats> minute = new LinkedHashMap<>();
        versions.forEach(v -> minute.put(v.uri(), engine.traffic().since(d.name(), v.uri(), now - MINUTE)));
        long requests = minute.values().stream().mapToLong(LiveTraffic.Stats::requests).sum();
        long errors = minute.values().stream().mapToLong(LiveTraffic.Stats::errors).sum();
        double p99 = minute.values().stream().mapToDouble(LiveTraffic.Stats::p99Millis).max().orElse(0);
        DeploymentFeedback figures = feedback.figures(d.name());
        Map<String, double[]> latency = latency(d.name());
        Html stopped = d.stopped() ? Html.of("<div class=\"stop-banner\" role=\"alert\"><strong>Stopped.</strong> Every request is refused"
                + " (503) until a deployer resumes it.{}</div>", d.stopReason().map(r -> Html.of(" Reason: {}", r)).orElse(Html.EMPTY)) : Html.EMPTY;
        Html kpis = Html.of("""
                <div class="kpis" id="kpis">
                <div class="kpi"><div class="label">Requests / s</div><div class="value">{}</div><div class="note">last minute, {} requests</div></div>
                <div class="kpi"><div class="label">Error rate</div><div class="value">{}</div><div class="note">{} errors in the last minute</div></div>
                <div class="kpi"><div class="label">Latency p99</div><div class="value">{}</div><div class="note">last minute, slowest version</div></div>
                <div class="kpi"><div class="label">Feedback accuracy</div><div class="value">{}</div><div class="note">{} labelled answers</div></div>
                <div class="kpi"><div class="label">Open reviews</div><div class="value">{}</div><div class="note">answers below the confidence threshold</div></div>
                </div>""", Format.number(Math.round(requests / 60.0 * 100) / 100.0), requests, percent(requests == 0 ? 0 : (double) errors / requests),
                errors, requests == 0 ? "—" : Format.number(p99) + " ms", figures.total().accuracy().isPresent()
                        ? percent(figures.total().accuracy().getAsDouble()) : "—", figures.total().labelled(), reviews.open(d.name()));
        double total = versions.stream().mapToDouble(DeploymentSpec.ServedVersion::weight).sum();
        Map<String, Double> shares = new LinkedHashMap<>();
        versions.forEach(v -> shares.put(label(v), total > 0 ? v.weight() / total * 100 : 0));
        Html versionRows = Html.each(versions, v -> {
            LiveTraffic.Stats s = minute.get(v.uri());
            double[] p = latency.getOrDefault(v.model() + "\n" + v.version(), new double[0]);
            OptionalDouble accuracy = figures.versions().stream().filter(f -> f.model().equals(v.model()) && f.version() == v.version()).findFirst()
                    .map(f -> f.figures().accuracy()).orElse(OptionalDouble.empty());
            return Html.of("""
                    <tr><th scope="row" class="nowrap"><a href="{}">{}</a></th><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td>
                    <td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td></tr>""",
                    ModelPages.link(v.model(), v.version()), label(v), Format.number(v.weight()), percent(total > 0 ? v.weight() / total : 0),
                    s.requests(), s.errors(), s.requests() == 0 ? "—" : Format.number(s.p99Millis()), p.length == 0 ? "—" : Format.number(p[0]),
                    p.length == 0 ? "—" : Format.number(p[1]), p.length == 0 ? "—" : Format.number(p[2]), p.length == 0 ? "—" : Format.number(p[3]),
                    accuracy.isPresent() ? percent(accuracy.getAsDouble()) : "—");
        });
        Html traffic = Html.of("""
                <section><h2>Traffic</h2><div class="grid two"><figure class="card"><figcaption>Split ({} policy)</figcaption>{}</figure>
                <figure class="card"><figcaption>Requests per second by version, last {} minutes</figcaption>{}</figure></div>
                <div class="table-wrap" tabindex="0" role="region" aria-label="Served versions"><table class="compact" id="versions"><caption class="sr-only">Served versions</caption>
                <thead><tr><th scope="col">Version</th><th scope="col" class="num">Weight</th><th scope="col" class="num">Share</th>
                <th scope="col" class="num">Req. 1 min</th><th scope="col" class="num">Err. 1 min</th><th scope="col" class="num">p99 1 min</th>
                <th scope="col" class="num">p50</th><th scope="col" class="num">p95</th><th scope="col" class="num">p99</th>
                <th scope="col" class="num">Batch rows</th><th scope="col" class="num">Accuracy</th></tr></thead><tbody>{}</tbody></table></div>
                <p class="hint">Latencies in milliseconds. p50, p95, p99 and the mean batch rows cover every answered request since this server
                started; the 1-minute figures are this server's last minute (a shadow's copies count as its requests).</p></section>""", policy(d), Widgets.chart(Charts.donut(shares), "Share of the traffic each version gets",
                "small"), BUCKETS * BUCKET_SECONDS / 60, Widgets.chart(rates(d, now), "Requests per second of each version over the last minutes",
                "small"), versionRows);
        Html content = Html.of("{}{}{}{}{}{}{}{}{}{}", stopped, kpis, controls(request, d, sent), traffic, latencyCharts(d.name()),
                policyFigures(d), feedbackSection(figures), reviewQueue(request, d.name(), sent), history(request, d, sent),
                Html.of("<section><h2>Spec</h2><pre class=\"code small\" tabindex=\"0\">{}</pre></section>",
                        Widgets.pretty(dev.steward.core.serving.DeploymentSpecs.tree(d.spec()).toString())));
        return ui.layout().page(request, Section.DEPLOYMENTS, d.name(), content, true);
    }

    private static String label(DeploymentSpec.ServedVersion v) {
        return v.model() + " v" + v.version();
    }

    private static String percent(double share) {
        return Format.number(Math.round(share * 1000) / 10.0) + " %";
    }

    /** Requests per second of each version in each of the last buckets: the difference of the live counts since two times. */
    private Map<String, Object> rates(DeploymentState d, long now) {
        List<String> labels = new ArrayList<>();
        for (int b = BUCKETS; b > 0; b--) {
            labels.add("-" + Format.duration((long) b * BUCKET_SECONDS * 1000).replace(" 0 s", ""));
        }
        Map<String, List<Double>> series = new LinkedHashMap<>();
        for (DeploymentSpec.ServedVersion v : d.spec().versions()) {
            long[] since = new long[BUCKETS + 1];
            for (int b = 0; b <= BUCKETS; b++) {
                since[b] = engine.traffic().since(d.name(), v.uri(), now - (long) (BUCKETS - b) * BUCKET_SECONDS * 1000).requests();
            }
            List<Double> values = new ArrayList<>();
            for (int b = 0; b < BUCKETS; b++) {
                values.add(Math.round((since[b] - since[b + 1]) * 100.0 / BUCKET_SECONDS) / 100.0);
            }
            series.put(label(v), values);
        }
        return Charts.categoryLines(labels, series, "time ago", 0.0, null);
    }

    /** Per served version ({@code model\nversion}): p50, p95 and p99 latency in ms and the mean batch, from the serving meters. */
    private Map<String, double[]> latency(String deployment) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (Timer timer : meters.find("steward.serving.request").tag("deployment", deployment).timers()) {
            HistogramSnapshot s = timer.takeSnapshot();
            if (s.count() == 0) {
                continue;
            }
            String key = timer.getId().getTag("model") + "\n" + timer.getId().getTag("version");
            double mean = meters.find("steward.serving.batch.rows").tag("deployment", deployment).tag("model", timer.getId().getTag("model"))
                    .tag("version", timer.getId().getTag("version")).summaries().stream().mapToDouble(DistributionSummary::mean).findFirst()
                    .orElse(Double.NaN);
            out.put(key, new double[] {quantile(s, 0.5), quantile(s, 0.95), quantile(s, 0.99), mean});
        }
        return out;
    }

    /** The upper edge (ms) of the histogram bucket holding quantile {@code q}: counts are cumulative when they do not add up to the total. */
    private static double quantile(HistogramSnapshot s, double q) {
        CountAtBucket[] buckets = s.histogramCounts();
        double sum = 0;
        for (CountAtBucket b : buckets) {
            sum += b.count();
        }
        boolean cumulative = Math.round(sum) != s.count();
        double wanted = Math.ceil(q * s.count());
        double seen = 0;
        for (CountAtBucket b : buckets) {
            seen = cumulative ? b.count() : seen + b.count();
            if (seen >= wanted) {
                return Math.round(b.bucket(TimeUnit.MILLISECONDS) * 1000) / 1000.0;
            }
        }
        return Math.round(s.max(TimeUnit.MILLISECONDS) * 1000) / 1000.0;
    }

    /** Rows per runtime call of every version of the deployment, as a histogram of the meters' power-of-two buckets. */
    private Html latencyCharts(String deployment) {
        Map<Double, Double> rows = new java.util.TreeMap<>();
        for (DistributionSummary summary : meters.find("steward.serving.batch.rows").tag("deployment", deployment).summaries()) {
            HistogramSnapshot s = summary.takeSnapshot();
            CountAtBucket[] buckets = s.histogramCounts();
            double sum = 0;
            for (CountAtBucket b : buckets) {
                sum += b.count();
            }
            boolean cumulative = Math.round(sum) != s.count();
            double before = 0;
            for (CountAtBucket b : buckets) {
                double count = cumulative ? b.count() - before : b.count();
                before = cumulative ? b.count() : before;
                rows.merge(b.bucket(), count, Double::sum);
            }
        }
        if (rows.values().stream().allMatch(c -> c == 0)) {
            return Html.EMPTY;
        }
        List<String> labels = rows.keySet().stream().map(b -> "≤ " + Format.number(b)).toList();
        return Html.of("<section><h2>Batch sizes</h2><figure class=\"card\"><figcaption>Runtime calls by rows per call (since this server"
                + " started)</figcaption>{}</figure></section>", Widgets.chart(Charts.bars(labels, Map.of("calls", List.copyOf(rows.values())), false),
                "How many rows each runtime call scored", "small"));
    }

    /** The canary's progress, the shadow's copies and agreement, and the bandit's allocation, when the deployment has them. */
    private Html policyFigures(DeploymentState d) {
        List<Html> parts = new ArrayList<>();
        if (d.spec().traffic().orElse(null) instanceof DeploymentSpec.Canary canary) {
            LiveTraffic.Stats step = engine.traffic().since(d.name(), canary.candidate(), d.updatedAt());
            parts.add(Html.of("""
                    <div class="card" id="canary"><h3>Canary</h3><p>{} against {}: step <strong>{}</strong> of {}, the candidate gets
                    <strong>{}%</strong> of the traffic.</p><progress max="{}" value="{}" aria-label="Canary steps done"></progress>
                    <p class="small muted">In this step since {}: {} requests to the candidate, {} errors; at least {} requests and {} per step.</p></div>""",
                    canary.candidate(), canary.stable(), canary.step() + 1, canary.steps().size(), Format.number(canary.candidatePercent()),
                    canary.steps().size(), canary.step() + 1, Format.time(d.updatedAt()), step.requests(), step.errors(), canary.minRequests(),
                    Format.duration(canary.dwell().toMillis())));
        }
        engine.shadow(d.name()).ifPresent(s -> parts.add(Html.of("""
                <div class="card" id="shadow"><h3>Shadow</h3><p>{} copies the requests of {}.</p><dl class="facts compact-facts">
                <div><dt>Agreement</dt><dd>{}</dd></div><div><dt>Rows compared</dt><dd>{} ({} agreed)</dd></div><div><dt>Copied</dt><dd>{}</dd></div>
                <div><dt>Dropped</dt><dd>{}</dd></div><div><dt>Failed</dt><dd>{}</dd></div><div><dt>Mean confidence gap</dt><dd>{}</dd></div></dl></div>""",
                s.shadow(), s.primary(), Double.isFinite(s.agreement()) ? percent(s.agreement()) : "—", s.rowsCompared(), s.rowsAgreed(), s.copied(),
                s.dropped(), s.failed(), Double.isFinite(s.meanConfidenceGap()) ? Format.number(s.meanConfidenceGap()) : "—")));
        if (d.spec().traffic().orElse(null) instanceof DeploymentSpec.Bandit bandit) {
            List<BanditAllocator.Arm> arms = engine.bandit(d.name());
            parts.add(Html.of("""
                    <div class="card" id="bandit"><h3>Bandit ({}, reward {})</h3>{}<table class="compact"><caption class="sr-only">Arms</caption>
                    <thead><tr><th scope="col">Version</th><th scope="col" class="num">Share</th><th scope="col" class="num">Chosen</th>
                    <th scope="col" class="num">Evidence</th><th scope="col" class="num">Mean reward</th></tr></thead><tbody>{}</tbody></table></div>""",
                    bandit.algorithm(), bandit.reward(), Widgets.chart(Charts.bars(arms.stream().map(BanditAllocator.Arm::arm).toList(),
                            Map.of("share", arms.stream().map(BanditAllocator.Arm::share).toList()), true), "Share of the requests each version got",
                            "small"), Html.each(arms, a -> Html.of("<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                            + "<td class=\"num\">{}</td><td class=\"num\">{}</td></tr>", a.arm(), percent(a.share()), a.chosen(), Format.number(a.evidence()),
                            Double.isFinite(a.meanReward()) ? Format.number(a.meanReward()) : "—"))));
        }
        return parts.isEmpty() ? Html.EMPTY : Html.of("<section><h2>Traffic policy</h2><div class=\"grid two\">{}</div></section>", Html.join(parts));
    }

    private static Html feedbackSection(DeploymentFeedback figures) {
        FeedbackFigures t = figures.total();
        if (t.labelled() == 0 && t.valued() == 0 && t.rewarded() == 0) {
            return Html.of("<section id=\"feedback\"><h2>Feedback</h2>{}</section>", Widgets.empty("No feedback yet: send ground truth with"
                    + " POST /api/v1/deployments/{name}/feedback."));
        }
        Html rows = Html.each(figures.versions(), v -> Html.of("""
                <tr><th scope="row">{} v{}</th><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td>
                <td class="num">{}</td></tr>""", v.model(), v.version(), v.figures().labelled(), v.figures().correct(),
                v.figures().accuracy().isPresent() ? percent(v.figures().accuracy().getAsDouble()) : "—", DatasetPages.number(v.figures()
                        .meanAbsoluteError()), DatasetPages.number(v.figures().meanReward())));
        return Html.of("""
                <section id="feedback"><h2>Feedback</h2><div class="table-wrap"><table class="compact"><caption class="sr-only">Feedback per version</caption>
                <thead><tr><th scope="col">Version</th><th scope="col" class="num">Labelled</th><th scope="col" class="num">Correct</th>
                <th scope="col" class="num">Accuracy</th><th scope="col" class="num">Mean abs. error</th><th scope="col" class="num">Mean reward</th></tr></thead>
                <tbody>{}<tr class="group"><th scope="row">All</th><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td>
                <td class="num">{}</td></tr></tbody></table></div></section>""", rows, t.labelled(), t.correct(),
                t.accuracy().isPresent() ? percent(t.accuracy().getAsDouble()) : "—", DatasetPages.number(t.meanAbsoluteError()),
                DatasetPages.number(t.meanReward()));
    }

    private Html reviewQueue(UiRequest request, String name, Optional<Actions.Sent> sent) {
        long open = reviews.open(name);
        List<ReviewRecord> list = reviews.list(name, ReviewRecord.OPEN, REVIEWS_SHOWN);
        Html body = list.isEmpty() ? Widgets.empty("Nothing to review: every answer met the confidence threshold, or has been labelled.")
                : Html.of("""
                <div class="table-wrap"><table class="compact"><caption class="sr-only">Open reviews, oldest first</caption>
                <thead><tr><th scope="col">Queued</th><th scope="col">Version</th><th scope="col">Predicted</th><th scope="col" class="num">Confidence</th>
                <th scope="col">Inputs</th>{}</tr></thead><tbody>{}</tbody></table></div>""", Html.when(request.can(Role.EDITOR),
                Html.of("<th scope=\"col\">Label</th>")), Html.each(list, r -> Html.of("""
                        <tr><td class="nowrap">{}</td><td class="nowrap">{} v{}</td><td>{}</td><td class="num">{}</td><td class="wrap"><code class="small">{}</code></td>{}</tr>""",
                        Format.time(r.createdAt()), r.model(), r.version(), r.predictedLabel(), DatasetPages.number(r.confidence()), r.inputsJson(),
                        Html.when(request.can(Role.EDITOR), Html.of("""
                                <td><form method="post" action="/ui/reviews/{}/label" class="inline-form">{}<label class="sr-only" for="label-{}">True label</label>
                                <input id="label-{}" name="label" type="text" placeholder="true label"><button type="submit">Label</button>{}</form></td>""",
                                UiRequest.encode(r.id()), request.csrfField(), r.id(), r.id(), Actions.of(sent, "review-" + r.id()).map(e -> Html.of(
                                        "<p class=\"error-text\">{}</p>", e.getMessage())).orElse(Html.EMPTY))))));
        return Html.of("<section id=\"reviews\"><h2>Review queue <span class=\"muted small\">{} open</span></h2>{}</section>", open, body);
    }

    private Html history(UiRequest request, DeploymentState d, Optional<Actions.Sent> sent) {
        List<DeploymentRevisionRecord> revisions = new ArrayList<>(deployments.history(d.name()));
        java.util.Collections.reverse(revisions);
        Html rows = Html.each(revisions.subList(0, Math.min(REVISIONS_SHOWN, revisions.size())), r -> Html.of("""
                <tr id="revision-{}"><td class="num">{}</td><td class="nowrap">{}</td><td>{}</td><td>{}</td><td class="wrap">{}</td>
                <td><details><summary>Spec</summary><pre class="code small" tabindex="0">{}</pre></details></td><td>{}</td></tr>""", r.revision(),
                r.revision(), Format.time(r.createdAt()), r.change(), r.createdByName(), r.reason().orElse(""), Widgets.pretty(r.specJson()),
                r.revision() == d.revision() ? Html.of("<span class=\"muted small\">current</span>") : !request.can(Role.DEPLOYER) ? Html.EMPTY
                        : Html.of("""
                        <form method="post" action="{}/restore" class="inline-form">{}<input type="hidden" name="revision" value="{}">
                        <label class="sr-only" for="restore-reason-{}">Reason</label><input id="restore-reason-{}" name="reason" type="text"
                        placeholder="reason (optional)"><button type="submit">Restore</button>{}</form>""", link(d.name()), request.csrfField(),
                        r.revision(), r.revision(), r.revision(), Actions.of(sent, "restore-" + r.revision()).map(e -> Html.of(
                                "<p class=\"error-text\">{}</p>", e.getMessage())).orElse(Html.EMPTY))));
        return Html.of("""
                <section id="history"><h2>Revisions</h2><div class="table-wrap"><table class="compact"><caption class="sr-only">Revisions, newest first</caption>
                <thead><tr><th scope="col" class="num">Revision</th><th scope="col">When</th><th scope="col">Change</th><th scope="col">By</th>
                <th scope="col">Reason</th><th scope="col">Spec</th><th scope="col">Restore</th></tr></thead><tbody>{}</tbody></table></div></section>""", rows);
    }

    /** The emergency stop (a required reason and a confirmation) or, when stopped, resume: for deployers only. */
    private static Html controls(UiRequest request, DeploymentState d, Optional<Actions.Sent> sent) {
        if (!request.can(Role.DEPLOYER)) {
            return Html.EMPTY;
        }
        String path = link(d.name());
        if (d.stopped()) {
            return Html.of("<div class=\"actions\"><details class=\"card-details\" open><summary>Resume serving…</summary>{}</details></div>",
                    Actions.reasonForm(request, "resume-reason", path + "/resume", "Reason (optional, kept in the audit log)", false, "Resume serving",
                            "primary", Actions.of(sent, "resume"), Html.EMPTY));
        }
        Optional<StewardException> error = Actions.of(sent, "stop");
        Html confirm = Html.of("""
                <div class="field{}"><label class="check"><input type="checkbox" name="confirm" value="yes" id="confirm" required{}> I understand that
                every request to {} is refused (503) until someone resumes it.</label>{}</div>""",
                Html.when(error.flatMap(StewardException::field).map("confirm"::equals).orElse(false), Html.of(" invalid")),
                error.flatMap(StewardException::field).map("confirm"::equals).orElse(false) ? Html.of(" aria-invalid=\"true\" aria-describedby=\"confirm-error\"")
                        : Html.EMPTY, d.name(), error.filter(e -> e.field().map("confirm"::equals).orElse(false)).map(e -> Html.of(
                        "<p class=\"error-text\" id=\"confirm-error\">{}</p>", e.getMessage())).orElse(Html.EMPTY));
        Optional<StewardException> rest = error.filter(e -> !e.field().map("confirm"::equals).orElse(false));
        return Html.of("<div class=\"actions\"><details class=\"danger-zone\"{}><summary>Emergency stop…</summary>{}</details></div>",
                Html.when(error.isPresent(), Html.of(" open")), Actions.reasonForm(request, "stop-reason", path + "/stop",
                        "Reason (required, kept in the audit log)", true, "Stop every request now", "danger", rest, confirm));
    }
}
