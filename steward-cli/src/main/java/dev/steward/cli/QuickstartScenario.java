package dev.steward.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.cli.QuickstartData.Penguin;
import dev.steward.client.RunDetails;
import dev.steward.client.RunSearch;
import dev.steward.client.StewardClient;
import dev.steward.client.StewardClientException;
import dev.steward.spi.StewardException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * The lifecycle the quickstart walks, step by step, through the HTTP API of a running server, as a
 * user's scripts would: data, validation, a sweep, evaluation, the registry, a policy, promotions,
 * a deployment with a monitor, live traffic with feedback, a canary, a drifted window, the audit
 * chain. Every step first looks for what an earlier quickstart on this home made and reuses it, so a
 * second run (or one after an interrupted run) continues where the store is instead of failing or
 * making a copy.
 */
final class QuickstartScenario {
    static final String DATASET = "penguins";
    static final String SUITE = "penguins-quality";
    static final String EXPERIMENT = "quickstart-penguins";
    static final String MODEL = "penguins";
    static final String DEPLOYMENT = "penguins-api";
    static final String ENVIRONMENT = "production";
    static final String DRIFT_ALERT = "drift";
    /** Labelled requests of the live-traffic step; a second run finds them and sends none. */
    static final int LIVE_REQUESTS = 120;
    static final int WINDOW = 50;
    static final int STEPS = 11;
    private static final Duration PATIENCE = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StewardClient client;
    private final QuickstartTraffic traffic;
    private final Path directory;
    private final QuickstartData data = QuickstartData.load();

    private int training;
    private int heldOut;
    private String bestRun;
    private String challengerRun;
    private int champion;
    private int challenger;
    /** Whether this run sent traffic before the drifted window: then an alert found before it is not an earlier run's. */
    private boolean sentTraffic;

    QuickstartScenario(StewardClient client, QuickstartTraffic traffic, Path directory) {
        this.client = requireNonNull(client, "client is null");
        this.traffic = requireNonNull(traffic, "traffic is null");
        this.directory = requireNonNull(directory, "directory is null");
    }

    void run(QuickstartProgress progress) throws Exception {
        progress.run("import and validate the penguins", step -> importAndValidate());
        progress.run("train a sweep of candidate models", this::sweep);
        progress.run("evaluate the best on the held-out version", step -> evaluate());
        progress.run("register the champion and a challenger", step -> register());
        progress.run("declare the production policy", step -> policy());
        progress.run("promote the champion", this::promote);
        progress.run("deploy it, watched by a monitor", step -> deploy());
        progress.run("send live traffic with feedback", this::liveTraffic);
        progress.run("canary the challenger under guardrails", this::canary);
        progress.run("replay a drifted window", this::drift);
        progress.run("verify the audit chain", step -> audit());
    }

    // ---- 1. data -----------------------------------------------------------------------------

    private String importAndValidate() {
        List<Path> files = data.writeExtracts(directory);
        JsonNode first = client.importDataset(DATASET, files.get(0), Map.of("description", "quickstart: four penguins in five, for training"));
        JsonNode second = client.importDataset(DATASET, files.get(1), Map.of("description", "quickstart: every fifth penguin, held out"));
        training = first.at("/version/version").asInt();
        heldOut = second.at("/version/version").asInt();
        JsonNode suite = client.addValidationSuite(suite());
        List<String> checked = new ArrayList<>();
        for (int version : List.of(training, heldOut)) {
            JsonNode report = latestReport(version).orElse(null);
            if (report == null) {
                report = client.validateDataset(DATASET, Integer.toString(version), SUITE, suite.get("version").asInt());
            }
            long passed = StreamSupport.stream(report.get("checks").spliterator(), false).filter(c -> c.get("passed").asBoolean()).count();
            if (!report.get("passed").asBoolean()) {
                throw StewardException.invalid("dataset", DATASET + "@" + version + " failed the suite " + SUITE + " (report "
                        + report.get("id").asText() + "); see: steward data reports " + DATASET + " -v " + version);
            }
            checked.add(passed + "/" + report.get("checks").size());
        }
        boolean reused = !first.get("created").asBoolean() && !second.get("created").asBoolean();
        return String.format(Locale.ROOT, "%s@%d (%d rows, training) and @%d (%d rows, held out)%s; suite %s passed %s and %s checks",
                DATASET, training, first.at("/version/row_count").asLong(), heldOut, second.at("/version/row_count").asLong(),
                reused ? ", already imported" : "", SUITE, checked.get(0), checked.get(1));
    }

    private Optional<JsonNode> latestReport(int version) {
        for (JsonNode report : client.validationReports(DATASET, Integer.toString(version)).get("reports")) {
            if (report.get("suite").asText().equals(SUITE)) {
                return Optional.of(report);
            }
        }
        return Optional.empty();
    }

    private static String suite() {
        return """
                name: penguins-quality
                description: what every penguins extract must satisfy (the quickstart's suite)
                on_failure: quarantine
                checks:
                  - {check: row_count, min: 50}
                  - {check: schema, columns: [{name: species, type: string, nullable: false}, {name: island, type: string},
                                              {name: body_mass_g, type: integer}]}
                  - {check: completeness, column: species}
                  - {check: allowed_values, column: species, values: [Adelie, Chinstrap, Gentoo]}
                  - {check: allowed_values, column: island, values: [Biscoe, Dream, Torgersen]}
                  - {check: completeness, column: flipper_length_mm, min: 0.95}
                  - {check: range, column: beak_length_mm, min: 30, max: 60}
                  - {check: range, column: flipper_length_mm, min: 170, max: 235}
                  - {check: range, column: body_mass_g, min: 2500, max: 6500}
                """;
    }

    // ---- 2. sweep ----------------------------------------------------------------------------

    private String sweep(QuickstartProgress.Step step) throws Exception {
        Optional<JsonNode> earlier = jobs("sweep").stream()
                .filter(j -> j.at("/spec/experiment").asText().equals(EXPERIMENT) && j.at("/spec/train/dataset/version").asInt() == training)
                .filter(j -> List.of("succeeded", "running", "queued").contains(j.get("status").asText())).findFirst();
        if (earlier.isEmpty()) {
            cancelLeftTrials();
        }
        JsonNode job = earlier.orElseGet(() -> client.submitJob("sweep", 0, sweepSpec()));
        String id = job.get("id").asText();
        JsonNode done = await(() -> {
            JsonNode current = client.getJob(id);
            List<JsonNode> trials = jobs(null).stream().filter(j -> j.path("parent_id").asText().equals(id)).toList();
            long ended = trials.stream().filter(t -> List.of("succeeded", "failed", "cancelled").contains(t.get("status").asText())).count();
            long running = trials.stream().filter(t -> t.get("status").asText().equals("running")).count();
            step.note(trials.isEmpty() ? "queued" : ended + " of " + trials.size() + " trials done, " + running + " training");
            return current;
        }, j -> !List.of("queued", "running").contains(j.get("status").asText()), "the sweep " + id);
        if (!done.get("status").asText().equals("succeeded")) {
            throw StewardException.invalid("sweep", "the sweep job " + id + " " + done.get("status").asText() + ": " + done.path("message").asText()
                    + "; its log: steward jobs logs " + id);
        }
        JsonNode summary;
        RunDetails run = client.getRun(done.get("run_id").asText());
        try (InputStream in = client.downloadRunArtifact(run, "sweep_summary.json")) {
            summary = JSON.readTree(in);
        }
        List<JsonNode> ranked = StreamSupport.stream(summary.get("trials").spliterator(), false).filter(t -> t.has("f1_macro"))
                .sorted(Comparator.comparingDouble((JsonNode t) -> t.get("f1_macro").asDouble()).reversed()).toList();
        bestRun = summary.get("best_run_id").asText();
        challengerRun = ranked.stream().map(t -> t.get("run_id").asText()).filter(r -> !r.equals(bestRun)).findFirst()
                .orElseThrow(() -> StewardException.invalid("sweep", "the sweep " + id + " has only one trial with a result"));
        JsonNode best = ranked.stream().filter(t -> t.get("run_id").asText().equals(bestRun)).findFirst().orElseThrow();
        return String.format(Locale.ROOT, "%d trials%s; best %s: f1_macro %.3f on its validation rows (run %s)", summary.get("trials").size(),
                earlier.isPresent() ? " (an earlier quickstart's sweep)" : "", params(best), best.get("f1_macro").asDouble(), bestRun);
    }

    /**
     * An earlier quickstart's sweep that was interrupted (its server stopped) leaves trials queued,
     * which would take the workers from the new sweep's trials for results nobody reads.
     */
    private void cancelLeftTrials() {
        List<String> stopped = jobs("sweep").stream().filter(j -> j.at("/spec/experiment").asText().equals(EXPERIMENT))
                .filter(j -> !List.of("succeeded", "running", "queued").contains(j.get("status").asText())).map(j -> j.get("id").asText()).toList();
        for (JsonNode trial : jobs("train")) {
            if (stopped.contains(trial.path("parent_id").asText()) && List.of("queued", "running").contains(trial.get("status").asText())) {
                client.cancelJob(trial.get("id").asText(), "quickstart: the sweep of this trial was interrupted; a new sweep replaces it");
            }
        }
    }

    /**
     * Logistic regression over standardised measurements, a grid of epochs and learning rates. (A
     * random forest would do as well on penguins, but its averaged class probabilities can add up to
     * 1.0000000000000002, which the monitor's calibration of the reference refuses.)
     */
    private JsonNode sweepSpec() {
        return JSON.valueToTree(Map.of(
                "experiment", EXPERIMENT,
                "train", Map.of("dataset", Map.of("name", DATASET, "version", training), "target", "species", "task", "multiclass_classification",
                        "seed", 7, "split", Map.of("holdout", 0.25, "stratify", true),
                        "preprocessing", List.of(Map.of("step", "standardize", "columns", QuickstartData.MEASUREMENTS)),
                        "algorithm", Map.of("name", "logistic_regression"), "metric", Map.of("name", "f1_macro", "goal", "maximize")),
                "grid", Map.of("epochs", List.of(2, 10, 30), "learning_rate", List.of(0.1, 1.0)),
                "guardrails", Map.of("max_trials", 6, "trial_max_wall_time_seconds", 120)));
    }

    private static String params(JsonNode trial) {
        List<String> params = new ArrayList<>();
        trial.path("params").fields().forEachRemaining(e -> params.add(e.getKey() + " " + e.getValue().asText()));
        return String.join(", ", params);
    }

    private List<JsonNode> jobs(String kind) {
        List<JsonNode> jobs = new ArrayList<>();
        client.call("GET", "/api/v1/jobs?max_results=1000", null).get("jobs").forEach(j -> {
            if (kind == null || j.get("kind").asText().equals(kind)) {
                jobs.add(j);
            }
        });
        return jobs;
    }

    // ---- 3. evaluation -----------------------------------------------------------------------

    private String evaluate() {
        String experiment = client.experimentNamed(EXPERIMENT).id();
        List<RunDetails> earlier = evaluationRuns(experiment);
        Map<String, Double> metrics;
        String runId;
        if (!earlier.isEmpty()) {
            runId = earlier.get(0).id();
            metrics = earlier.get(0).metrics();
        } else {
            JsonNode report = client.evaluate(bestRun, DATASET, heldOut, null);
            runId = evaluationRuns(experiment).stream().findFirst().map(RunDetails::id).orElse("?");
            metrics = new LinkedHashMap<>();
            report.path("metrics").fields().forEachRemaining(e -> metrics.put(e.getKey(), e.getValue().asDouble()));
        }
        return String.format(Locale.ROOT, "on %s@%d: accuracy %.3f, f1_macro %.3f, log_loss %.3f (evaluation run %s%s)", DATASET, heldOut,
                metrics.getOrDefault("accuracy", Double.NaN), metrics.getOrDefault("f1_macro", Double.NaN),
                metrics.getOrDefault("log_loss", Double.NaN), runId, earlier.isEmpty() ? "" : ", from an earlier quickstart");
    }

    /** Evaluations of the best trial on the held-out version, newest first. */
    private List<RunDetails> evaluationRuns(String experiment) {
        return client.searchRuns(RunSearch.in(experiment).filter("tags.`steward.evaluation.model_run_id` = '" + bestRun
                + "' AND tags.`steward.evaluation.dataset` = '" + DATASET + "@" + heldOut + "'").orderBy("start_time DESC").maxResults(1)).runs();
    }

    // ---- 4. registry -------------------------------------------------------------------------

    private String register() {
        boolean[] created = {false, false};
        champion = version(bestRun, "the best trial of the sweep", created, 0);
        challenger = version(challengerRun, "the sweep's runner-up", created, 1);
        return String.format(Locale.ROOT, "%s version %d (champion, run %s)%s and version %d (challenger, run %s)%s", MODEL, champion, bestRun,
                created[0] ? "" : " already registered", challenger, challengerRun, created[1] ? "" : " already registered");
    }

    private int version(String run, String description, boolean[] created, int which) {
        if (modelExists()) {
            for (JsonNode v : client.listModelVersions(MODEL).get("versions")) {
                if (v.path("run_id").asText().equals(run) && !v.path("status").asText().equals("revoked")) {
                    return v.get("version").asInt();
                }
            }
        }
        created[which] = true;
        JsonNode version = client.registerModelFromRun(MODEL, run, "quickstart: " + description, Map.of("source", "quickstart"));
        return version.get("version").asInt();
    }

    private boolean modelExists() {
        try {
            client.getModel(MODEL);
            return true;
        } catch (StewardClientException e) {
            if (e.status() == 404) {
                return false;
            }
            throw e;
        }
    }

    // ---- 5. policy ---------------------------------------------------------------------------

    private String policyText() {
        String holdout = DATASET + "@" + heldOut;
        return """
                description: what production asks of a penguins model (the quickstart's policy)
                criteria:
                  - metric: "f1_macro >= 0.9 on %1$s"
                  - metric: "f1_macro >= current - 0.03 on %1$s"
                  - data_validated: {suite: %2$s}
                  - package_size: {max_mb: 5}
                  - latency: {p50_ms: 20, calls: 50, dataset: %1$s}
                """.formatted(holdout, SUITE);
    }

    private String policy() {
        String text = policyText();
        Optional<JsonNode> current = optional(() -> client.getPromotionPolicy(MODEL, ENVIRONMENT));
        if (current.isPresent() && current.get().path("definition").asText().equals(text)) {
            return "unchanged since an earlier quickstart (revision " + current.get().path("revision").asInt() + "): " + criteria(text);
        }
        JsonNode set = client.setPromotionPolicy(MODEL, ENVIRONMENT, text);
        return "revision " + set.path("revision").asInt() + " for " + ENVIRONMENT + ": " + criteria(text);
    }

    /** "5 criteria: metric, metric, ..." from the policy's text (each criterion is one line of the list). */
    private static String criteria(String policy) {
        List<String> kinds = policy.lines().filter(l -> l.startsWith("  - ")).map(l -> l.substring(4).split(":", 2)[0]).toList();
        return kinds.size() + " criteria (" + String.join(", ", kinds) + ") besides the safety checks";
    }

    // ---- 6. promotion ------------------------------------------------------------------------

    private String promote(QuickstartProgress.Step step) {
        Optional<Integer> holder = holder();
        if (holder.isPresent() && (holder.get() == champion || holder.get() == challenger)) {
            return MODEL + " version " + holder.get() + " already holds " + ENVIRONMENT + " (an earlier quickstart promoted it)";
        }
        JsonNode answer = client.promoteModelVersion(MODEL, champion, ENVIRONMENT, null);
        JsonNode report = answer.get("report");
        Table table = new Table("CRITERION", "PASSED", "OBSERVED", "EXPECTED");
        report.get("criteria").forEach(c -> table.row(c.get("description").asText(), c.get("passed").asBoolean() ? "pass" : "FAIL",
                Cells.text(c, "observed"), Cells.text(c, "expected")));
        java.io.StringWriter text = new java.io.StringWriter();
        table.print(new java.io.PrintWriter(text));
        List<String> lines = text.toString().lines().toList();
        if (!answer.get("promoted").asBoolean()) {
            throw StewardException.invalid("promotion", MODEL + " version " + champion + " was not promoted (report " + answer.get("id").asText()
                    + "):\n" + String.join("\n", lines));
        }
        step.detail(lines);
        return MODEL + " version " + champion + " holds " + ENVIRONMENT + "; report " + answer.get("id").asText() + ", "
                + report.get("criteria").size() + " criteria passed";
    }

    private Optional<Integer> holder() {
        JsonNode holders = client.call("GET", "/api/v1/models/" + MODEL + "/environments", null).path("holders");
        return holders.has(ENVIRONMENT) ? Optional.of(holders.get(ENVIRONMENT).asInt()) : Optional.empty();
    }

    // ---- 7. deployment and monitor -----------------------------------------------------------

    private String deploy() {
        Optional<JsonNode> existing = optional(() -> client.deployment(DEPLOYMENT));
        JsonNode deployment = existing.orElseGet(() -> client.createDeployment(Map.of("name", DEPLOYMENT, "model", "models:/" + MODEL + "/"
                + champion)));
        boolean monitored = optional(() -> client.monitor(DEPLOYMENT)).isPresent();
        if (!monitored) {
            client.createMonitor(DEPLOYMENT, monitorSpec());
        }
        traffic.awaitReady(DEPLOYMENT, PATIENCE);
        return DEPLOYMENT + (existing.isPresent() ? " already deployed" : " deployed") + " at revision " + deployment.get("revision").asInt()
                + " (" + served(deployment) + "); monitor " + (monitored ? "already watching" : "watching") + " windows of " + WINDOW
                + " requests against " + DATASET + "@" + heldOut;
    }

    private String monitorSpec() {
        return """
                reference: {dataset: %s, version: %d}
                window: {requests: %d, min-rows: 30}
                multivariate: {sample: 200, permutations: 100}
                alerts:
                  - {name: %s, when: "drifted_features >= 2"}
                  - {name: accuracy, when: "accuracy < 0.8"}
                """.formatted(DATASET, heldOut, WINDOW, DRIFT_ALERT);
    }

    private static long share(JsonNode deployment, int version) {
        return StreamSupport.stream(deployment.get("traffic").spliterator(), false)
                .filter(t -> t.get("model").asText().equals("models:/" + MODEL + "/" + version))
                .mapToLong(t -> Math.round(t.get("share").asDouble() * 100)).findFirst().orElse(0);
    }

    private static String served(JsonNode deployment) {
        return StreamSupport.stream(deployment.get("traffic").spliterator(), false)
                .map(t -> t.get("model").asText() + " " + Math.round(t.get("share").asDouble() * 100) + "%").collect(Collectors.joining(", "));
    }

    // ---- 8. live traffic ---------------------------------------------------------------------

    private String liveTraffic(QuickstartProgress.Step step) {
        long labelled = labelled();
        List<Penguin> penguins = data.penguins();
        int toSend = (int) Math.max(0, LIVE_REQUESTS - labelled);
        QuickstartTraffic.Tally tally = traffic.send(DEPLOYMENT, penguins.subList(0, Math.min(toSend, penguins.size())), true,
                (sent) -> step.note(sent + " of " + toSend + " requests"));
        JsonNode figures = client.feedbackFigures(DEPLOYMENT);
        String live = String.format(Locale.ROOT, "live accuracy %.3f over %d labelled rows", figures.path("accuracy").asDouble(Double.NaN),
                figures.path("labelled").asLong());
        if (toSend == 0) {
            return "already sent by an earlier quickstart; " + live;
        }
        sentTraffic = true;
        return tally + "; " + live;
    }

    private long labelled() {
        return client.feedbackFigures(DEPLOYMENT).path("labelled").asLong();
    }

    // ---- 9. canary ---------------------------------------------------------------------------

    private String canary(QuickstartProgress.Step step) {
        Optional<JsonNode> decided = lastRevision(r -> List.of("canary-promote", "canary-rollback").contains(r.get("change").asText()));
        if (decided.isPresent()) {
            return "decided by an earlier quickstart: " + decision(decided.get()) + followVerdict(decided.get());
        }
        sentTraffic = true;
        JsonNode deployment = client.deployment(DEPLOYMENT);
        Optional<Integer> holder = holder();
        if (!deployment.at("/spec/traffic").has("canary")) {
            if (holder.isEmpty() || holder.get() != challenger) {
                JsonNode answer = client.promoteModelVersion(MODEL, challenger, ENVIRONMENT, null);
                if (!answer.get("promoted").asBoolean()) {
                    return "the challenger, version " + challenger + ", did not pass the production policy (report " + answer.get("id").asText()
                            + "): no canary";
                }
            }
            client.updateDeployment(DEPLOYMENT, Map.of("reason", "quickstart: canary of the challenger, version " + challenger,
                    "spec", canarySpec()));
        }
        List<Penguin> penguins = data.penguins();
        int[] sent = {0};
        JsonNode after = await(() -> {
            JsonNode now = client.deployment(DEPLOYMENT);
            if (now.at("/spec/traffic").has("canary")) {
                int from = sent[0] % penguins.size();
                traffic.send(DEPLOYMENT, penguins.subList(from, Math.min(from + 10, penguins.size())), true, n -> { });
                sent[0] += 10;
                step.note(sent[0] + " requests, the challenger at " + share(now, challenger) + "%");
            }
            return now;
        }, now -> !now.at("/spec/traffic").has("canary"), "the canary of " + DEPLOYMENT);
        JsonNode last = lastRevision(r -> List.of("canary-promote", "canary-rollback").contains(r.get("change").asText()))
                .orElseThrow(() -> StewardException.internal("the canary of " + DEPLOYMENT + " ended without a decision: " + after, null));
        return sent[0] + " requests with feedback; " + decision(last) + followVerdict(last);
    }

    /**
     * After a rollback, what holds production goes back too: the registry's environment follows the
     * guardrails' verdict (also when an earlier quickstart stopped between the two).
     */
    private String followVerdict(JsonNode decision) {
        if (!decision.get("change").asText().equals("canary-rollback") || holder().filter(h -> h == challenger).isEmpty()) {
            return "";
        }
        client.rollbackEnvironment(MODEL, ENVIRONMENT, "quickstart: the canary of version " + challenger + " was rolled back");
        return "; " + ENVIRONMENT + " rolled back to version " + champion;
    }

    private Map<String, Object> canarySpec() {
        return Map.of("versions", List.of(Map.of("model", "models:/" + MODEL + "/" + champion, "weight", 100),
                        Map.of("model", "models:/" + MODEL + "/" + challenger, "weight", 0)),
                "traffic", Map.of("canary", Map.of("candidate", "models:/" + MODEL + "/" + challenger, "steps", List.of(50, 100),
                        "dwell_seconds", 2, "min_requests", 20,
                        "guardrails", Map.of("max_error_rate", 0.02, "min_accuracy", 0.9, "min_labelled", 15))));
    }

    private Optional<JsonNode> lastRevision(Predicate<JsonNode> which) {
        JsonNode revisions = client.deploymentHistory(DEPLOYMENT).get("revisions");
        for (int i = revisions.size() - 1; i >= 0; i--) {
            if (which.test(revisions.get(i))) {
                return Optional.of(revisions.get(i));
            }
        }
        return Optional.empty();
    }

    private static String decision(JsonNode revision) {
        String change = revision.get("change").asText();
        return (change.equals("canary-promote") ? "promoted by the guardrails" : "rolled back by the guardrails") + " at revision "
                + revision.get("revision").asInt() + " (" + revision.path("reason").asText() + ")";
    }

    // ---- 10. drift ---------------------------------------------------------------------------

    private String drift(QuickstartProgress.Step step) {
        Optional<JsonNode> fired = driftAlert(-1);
        if (fired.isPresent() && !sentTraffic) {
            return "raised by an earlier quickstart: " + windowSummary(window(fired.get().get("last_window").asLong())) + "; alert "
                    + alert(fired.get());
        }
        long before = client.monitorWindows(DEPLOYMENT, null, 1).at("/windows/0/window").asLong(-1);
        List<Penguin> drifted = data.drifted();
        traffic.send(DEPLOYMENT, drifted.subList(0, 2 * WINDOW), false, n -> step.note(n + " of " + 2 * WINDOW + " drifted requests"));
        // Two windows' worth: the first window after the replay began may still hold calm requests, the second holds drifted ones only.
        long pure = before + 2;
        step.note("waiting for window " + pure + " to close and be evaluated");
        await(() -> JSON.valueToTree(client.monitorWindows(DEPLOYMENT, pure + 1, 1).get("windows")),
                w -> w.size() == 1 && w.get(0).get("window").asLong() == pure && w.get(0).path("status").asText().equals("evaluated")
                        && driftAlert(before).isPresent(), "window " + pure + " of " + DEPLOYMENT + " and its drift alert");
        // Raised by the first window that holds enough drifted requests (the one after the replay began, or the next): a firing
        // alert keeps the window that fired it as its last until it resolves.
        JsonNode alert = driftAlert(before).orElseThrow();
        return 2 * WINDOW + " requests of shifted penguins; " + windowSummary(window(pure)) + "; alert " + alert(alert);
    }

    /** The newest alert of the drift rule that a window after {@code after} raised or kept firing. */
    private Optional<JsonNode> driftAlert(long after) {
        for (JsonNode alert : client.alerts(DEPLOYMENT, null, 100).get("alerts")) {
            if (alert.path("rule").asText().equals(DRIFT_ALERT) && alert.path("last_window").asLong() > after) {
                return Optional.of(alert);
            }
        }
        return Optional.empty();
    }

    /** The closed window of that number, as the windows list shows it. */
    private JsonNode window(long number) {
        for (JsonNode window : client.monitorWindows(DEPLOYMENT, number + 1, 1).get("windows")) {
            if (window.get("window").asLong() == number) {
                return window;
            }
        }
        throw StewardException.internal("the monitor of " + DEPLOYMENT + " lists no window " + number, null);
    }

    private static String alert(JsonNode alert) {
        return "'" + alert.path("rule").asText() + "' " + alert.path("state").asText() + " since window " + alert.path("first_window").asLong()
                + " (" + alert.at("/evidence/condition").asText() + ")";
    }

    private static String windowSummary(JsonNode window) {
        List<String> drifted = new ArrayList<>();
        window.path("drifted").forEach(f -> drifted.add(f.asText()));
        return String.format(Locale.ROOT, "window %d: %d of %d features drifted (%s), MMD p %.3f, outlier rate %.2f", window.get("window").asLong(),
                window.path("drifted_features").asInt(), window.path("compared_features").asInt(), String.join(", ", drifted),
                window.path("mmd_p_value").asDouble(Double.NaN), window.path("outlier_rate").asDouble(Double.NaN));
    }

    // ---- 11. audit ---------------------------------------------------------------------------

    private String audit() {
        var result = client.verifyAudit();
        if (!result.intact()) {
            throw StewardException.invalid("audit", "the audit chain is broken: " + result);
        }
        return "intact, " + result.eventsChecked() + " events checked";
    }

    // ---- helpers -----------------------------------------------------------------------------

    /** Polls {@code read} until its answer meets {@code done}, for up to {@link #PATIENCE}. */
    private static JsonNode await(Supplier<JsonNode> read, Predicate<JsonNode> done, String what) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            JsonNode now = read.get();
            if (done.test(now)) {
                return now;
            }
            if (System.nanoTime() > deadline) {
                throw StewardException.internal("waited " + PATIENCE.toSeconds() + " s for " + what + "; last seen: " + now, null);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw StewardException.internal("interrupted while waiting for " + what, e);
            }
        }
    }

    private static Optional<JsonNode> optional(Supplier<JsonNode> read) {
        try {
            return Optional.of(read.get());
        } catch (StewardClientException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The champion's version number, once the registry step ran. */
    int champion() {
        return champion;
    }
}
