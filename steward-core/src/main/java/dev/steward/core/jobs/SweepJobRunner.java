package dev.steward.core.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.spi.jobs.JobRecord;
import dev.steward.spi.tracking.KeyValue;
import dev.steward.spi.tracking.Metric;
import dev.steward.spi.tracking.Run;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A hyperparameter sweep ({@code kind: sweep}) over a command or a training spec: grid search
 * (every combination of {@code grid}) or random search ({@code random.parameters},
 * {@code random.trials}, {@code random.seed}). A command trial is a {@code command} job with its
 * values put into the command's {@code {name}} placeholders and logged as params; a training trial
 * is a {@code train} job whose hyperparameters take the trial's values (every value is checked
 * before anything is queued), and the metric defaults to the spec's. The trials are queued at the
 * sweep's priority and run in parallel up to the queue's limit; the sweep holds no worker while
 * they run. When all ended, the best trial by {@code metric} (read from each trial's run, where
 * the command logged it through MLflow) is recorded on the sweep's run, with a summary of every
 * trial as the artifact {@code sweep_summary.json}. With {@code halving: {resource, min, max, eta}}
 * the sweep is successive halving: every configuration first runs with {@code resource = min},
 * then the best {@code 1/eta} go on with {@code eta} times the budget, and the best trial is chosen
 * among the last rung. Guardrails: {@code max_trials},
 * {@code max_wall_time_seconds} for the whole sweep, {@code trial_max_wall_time_seconds}, and for
 * command trials {@code trial_metric} (the metric guardrail of {@link CommandJobRunner}).
 * Stateless.
 */
public final class SweepJobRunner implements JobRunner {
    public static final String KIND = "sweep";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_.-]*)}");
    private static final int DEFAULT_MAX_TRIALS = 100;
    private static final int LIMIT_TRIALS = 10_000;

    private final Optional<JobRunner> train;

    /** A sweep runner for command trials only. */
    public SweepJobRunner() {
        this.train = Optional.empty();
    }

    /** A sweep runner for command trials and for trials of {@code train}, the runner of declarative training. */
    public SweepJobRunner(JobRunner train) {
        this.train = Optional.of(train);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public ObjectNode validate(ObjectNode spec) {
        SpecFields f = new SpecFields(spec, "");
        Optional<ObjectNode> trainSpec = f.optionalObject("train");
        if (trainSpec.isPresent() && train.isEmpty()) {
            throw f.invalid("train", "this server cannot train models; sweep a command instead");
        }
        if (trainSpec.isPresent() && (spec.has("command") || spec.has("workdir") || spec.has("env"))) {
            throw f.invalid("command", "a sweep runs either a command or a training spec (train), not both");
        }
        String command = trainSpec.isPresent() ? null : f.requiredText("command", 10_000);
        ObjectNode validatedTrain = trainSpec.map(t -> validateTrial(t, Map.of(), "train")).orElse(null);
        f.optionalText("workdir", 4096);
        f.optionalText("experiment", 500);
        f.optionalText("run_name", 250);
        f.optionalObject("env");
        if (validatedTrain != null && !spec.has("metric")) {
            spec.set("metric", validatedTrain.get("metric").deepCopy());
        }
        ObjectNode metric = f.optionalObject("metric").orElseThrow(() -> f.invalid("metric",
                "a sweep needs metric: {name: <a metric the command logs>, goal: minimize|maximize}"));
        SpecFields m = new SpecFields(metric, "metric.");
        m.requiredText("name", 250);
        String goal = m.optionalText("goal", 20).orElse("maximize");
        if (!goal.equals("minimize") && !goal.equals("maximize")) {
            throw m.invalid("goal", "must be minimize or maximize, not '" + goal + "'");
        }
        m.done();
        int maxTrials = DEFAULT_MAX_TRIALS;
        SpecFields guardrails = f.nested("guardrails");
        if (guardrails != null) {
            maxTrials = guardrails.optionalLong("max_trials", 1, LIMIT_TRIALS).orElse((long) DEFAULT_MAX_TRIALS).intValue();
            guardrails.optionalLong("max_wall_time_seconds", 1, CommandJobRunner.MAX_WALL_TIME_SECONDS);
            guardrails.optionalLong("trial_max_wall_time_seconds", 1, CommandJobRunner.MAX_WALL_TIME_SECONDS);
            SpecFields trialMetric = guardrails.nested("trial_metric");
            if (trialMetric != null) {
                if (spec.has("train")) {
                    throw guardrails.invalid("trial_metric", "is for command trials; a training spec has guardrails.divergence_after_iterations");
                }
                CommandJobRunner.validateMetricGuard(trialMetric);
            }
            guardrails.done();
        }
        Optional<ObjectNode> grid = f.optionalObject("grid");
        Optional<ObjectNode> random = f.optionalObject("random");
        if (grid.isPresent() == random.isPresent()) {
            throw f.invalid("grid", "a sweep needs either grid (name → list of values) or random (parameters, trials, seed)");
        }
        Set<String> names = new LinkedHashSet<>();
        long trials;
        if (grid.isPresent()) {
            trials = 1;
            for (Iterator<Map.Entry<String, JsonNode>> it = grid.get().fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isArray() || e.getValue().isEmpty() || !allValues(e.getValue())) {
                    throw f.invalid("grid", "grid." + e.getKey() + " must be a non-empty list of strings, numbers or booleans");
                }
                names.add(e.getKey());
                trials *= e.getValue().size();
                if (trials > LIMIT_TRIALS) {
                    break;
                }
            }
            if (names.isEmpty()) {
                throw f.invalid("grid", "the grid names no parameters");
            }
            if (trials > maxTrials) {
                throw f.invalid("grid", "the grid has " + trials + " combinations, more than guardrails.max_trials (" + maxTrials + ")");
            }
        } else {
            SpecFields r = new SpecFields(random.get(), "random.");
            ObjectNode parameters = r.optionalObject("parameters").orElseThrow(() -> r.invalid("parameters",
                    "is required: name → {min, max[, log, integer]} or a list of choices"));
            for (Iterator<Map.Entry<String, JsonNode>> it = parameters.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                names.add(e.getKey());
                checkDistribution(r, e.getKey(), e.getValue());
            }
            if (names.isEmpty()) {
                throw r.invalid("parameters", "names no parameters");
            }
            trials = r.optionalLong("trials", 1, LIMIT_TRIALS).orElseThrow(() -> r.invalid("trials", "is required: how many trials to draw"));
            if (trials > maxTrials) {
                throw r.invalid("trials", trials + " trials is more than guardrails.max_trials (" + maxTrials + ")");
            }
            r.optionalLong("seed", Long.MIN_VALUE, Long.MAX_VALUE);
            r.done();
        }
        SpecFields halving = f.nested("halving");
        if (halving != null) {
            String resource = halving.requiredText("resource", 100);
            long min = halving.optionalLong("min", 1, 1_000_000).orElseThrow(() -> halving.invalid("min", "is required: the first rung's budget"));
            long max = halving.optionalLong("max", 2, 1_000_000).orElseThrow(() -> halving.invalid("max", "is required: the largest budget"));
            long eta = halving.optionalLong("eta", 2, 10).orElse(3L);
            if (max < min * eta) {
                throw halving.invalid("max", "must be at least min × eta (" + min * eta + ") for a second rung");
            }
            halving.done();
            if (names.contains(resource)) {
                throw halving.invalid("resource", "'" + resource + "' is the halving budget; it cannot also be swept");
            }
            if (trainSpec.isPresent()) {
                for (long budget : new long[] {min, max}) {
                    validateTrial(trainSpec.get(), Map.of(resource, JSON.getNodeFactory().numberNode(budget)), "halving.resource");
                }
            }
            names.add(resource);
        }
        if (trainSpec.isPresent()) {
            checkTrainParameters(trainSpec.get(), grid, random);
            f.done();
            return spec;
        }
        Set<String> used = new LinkedHashSet<>();
        Matcher matcher = PLACEHOLDER.matcher(command);
        while (matcher.find()) {
            used.add(matcher.group(1));
        }
        for (String name : used) {
            if (!names.contains(name)) {
                throw f.invalid("command", "the placeholder {" + name + "} is not a sweep parameter; the parameters are " + names);
            }
        }
        for (String name : names) {
            if (!used.contains(name)) {
                throw f.invalid("command", "the parameter '" + name + "' does not appear in the command as {" + name + "}");
            }
        }
        f.done();
        return spec;
    }

    /** Every value a trial may take must be a valid hyperparameter value of the training spec. */
    private void checkTrainParameters(ObjectNode trainSpec, Optional<ObjectNode> grid, Optional<ObjectNode> random) {
        ObjectNode parameters = grid.orElseGet(() -> (ObjectNode) random.get().get("parameters"));
        String prefix = grid.isPresent() ? "grid." : "random.parameters.";
        for (Iterator<Map.Entry<String, JsonNode>> it = parameters.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            List<JsonNode> values = new ArrayList<>();
            if (e.getValue().isArray()) {
                e.getValue().forEach(values::add);
            } else {
                boolean integer = e.getValue().path("integer").asBoolean(false);
                for (String bound : List.of("min", "max")) {
                    JsonNode v = e.getValue().get(bound);
                    values.add(integer ? JSON.getNodeFactory().numberNode((long) Math.floor(v.asDouble())) : v);
                }
            }
            for (JsonNode value : values) {
                validateTrial(trainSpec, Map.of(e.getKey(), value), prefix + e.getKey());
            }
        }
    }

    private ObjectNode validateTrial(ObjectNode trainSpec, Map<String, JsonNode> values, String field) {
        try {
            return train.orElseThrow().validate(trial(trainSpec, values));
        } catch (dev.steward.spi.StewardException e) {
            if (e.code() != dev.steward.spi.ErrorCode.INVALID_PARAMETER_VALUE) {
                throw e;
            }
            String inner = e.field().orElse("");
            String name = values.isEmpty() ? "train." + inner : field;
            throw dev.steward.spi.StewardException.invalid(name, (values.isEmpty() ? "train." : field + " " + values.values().iterator().next()
                    + ": ") + e.getMessage());
        }
    }

    /** The training spec of a trial: the sweep's, with the trial's values as hyperparameters. */
    private static ObjectNode trial(ObjectNode trainSpec, Map<String, JsonNode> values) {
        ObjectNode trial = trainSpec.deepCopy();
        if (!values.isEmpty()) {
            ObjectNode hyper = trial.withObject("/algorithm").withObject("/hyperparameters");
            values.forEach(hyper::set);
        }
        return trial;
    }

    /** The values a trial swept: a command trial's params, or the swept hyperparameters of a training trial. */
    private static ObjectNode trialParams(JsonNode sweepSpec, JsonNode childSpec) {
        if (childSpec.has("params")) {
            return (ObjectNode) childSpec.get("params");
        }
        ObjectNode params = JSON.createObjectNode();
        JsonNode swept = sweepSpec.has("grid") ? sweepSpec.get("grid") : sweepSpec.at("/random/parameters");
        swept.fieldNames().forEachRemaining(name -> params.set(name, childSpec.at("/algorithm/hyperparameters").get(name)));
        if (sweepSpec.has("halving")) {
            String resource = sweepSpec.at("/halving/resource").asText();
            params.set(resource, childSpec.at("/algorithm/hyperparameters").get(resource));
        }
        return params;
    }

    private static void checkDistribution(SpecFields r, String name, JsonNode value) {
        if (value.isArray()) {
            if (value.isEmpty() || !allValues(value)) {
                throw r.invalid("parameters", name + " must be a non-empty list of choices or {min, max}");
            }
            return;
        }
        if (!value.isObject()) {
            throw r.invalid("parameters", name + " must be a list of choices or {min, max[, log, integer]}");
        }
        SpecFields d = new SpecFields((ObjectNode) value, "random.parameters." + name + ".");
        JsonNode min = d.optional("min").orElseThrow(() -> d.invalid("min", "is required"));
        JsonNode max = d.optional("max").orElseThrow(() -> d.invalid("max", "is required"));
        if (!min.isNumber() || !max.isNumber() || min.asDouble() >= max.asDouble()) {
            throw d.invalid("min", "min and max must be numbers with min < max");
        }
        boolean log = d.optional("log").map(JsonNode::asBoolean).orElse(false);
        if (log && min.asDouble() <= 0) {
            throw d.invalid("log", "a log-uniform range needs min > 0");
        }
        d.optional("integer");
        d.done();
    }

    private static boolean allValues(JsonNode array) {
        for (JsonNode v : array) {
            if (!v.isValueNode() || v.isNull()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Outcome run(JobContext context) throws Exception {
        ObjectNode spec = context.spec();
        List<Map<String, JsonNode>> trials = trials(spec);
        JsonNode halving = spec.path("halving");
        if (halving.isObject()) {
            trials.forEach(t -> t.put(halving.get("resource").asText(), halving.get("min")));
        }
        context.tracking().logBatch(context.caller(), context.run().info().runId(), List.of(), List.of(
                new KeyValue("sweep.strategy", (spec.has("grid") ? "grid" : "random") + (halving.isObject() ? " + successive halving" : "")),
                new KeyValue("sweep.trials", Integer.toString(trials.size())),
                new KeyValue("sweep.metric", spec.at("/metric/name").asText()),
                new KeyValue("sweep.goal", spec.at("/metric/goal").asText("maximize"))), List.of());
        return submitTrials(context, trials, "trial-");
    }

    /** Queues one trial per value set at the sweep's priority, within the sweep's deadline. */
    private Outcome submitTrials(JobContext context, List<Map<String, JsonNode>> trials, String label) {
        ObjectNode spec = context.spec();
        JsonNode sweepLimit = spec.path("guardrails").path("max_wall_time_seconds");
        long start = context.job().startedAt().orElse(System.currentTimeMillis());
        Optional<Long> notAfter = sweepLimit.isNumber() ? Optional.of(start + sweepLimit.asLong() * 1000) : Optional.empty();
        JsonNode trialLimit = spec.path("guardrails").path("trial_max_wall_time_seconds");
        boolean training = spec.has("train");
        for (int i = 0; i < trials.size(); i++) {
            if (context.cancelled()) {
                return Outcome.DONE;
            }
            ObjectNode trial;
            if (training) {
                trial = trial((ObjectNode) spec.get("train"), trials.get(i));
                if (!trial.has("experiment") && spec.has("experiment")) {
                    trial.set("experiment", spec.get("experiment"));
                }
            } else {
                trial = JSON.createObjectNode();
                trial.put("command", substitute(spec.get("command").asText(), trials.get(i)));
                for (String copied : List.of("workdir", "experiment", "env")) {
                    if (spec.has(copied)) {
                        trial.set(copied, spec.get(copied));
                    }
                }
                ObjectNode params = trial.putObject("params");
                trials.get(i).forEach(params::set);
            }
            trial.put("run_name", spec.path("run_name").asText(context.run().info().runName()) + "-" + label + (i + 1));
            if (trialLimit.isNumber()) {
                trial.withObject("/guardrails").put("max_wall_time_seconds", trialLimit.asLong());
            }
            if (spec.at("/guardrails/trial_metric").isObject()) {
                trial.withObject("/guardrails").set("metric", spec.at("/guardrails/trial_metric").deepCopy());
            }
            notAfter.ifPresent(t -> trial.put("not_after", t));
            JobRecord child = context.submitChild(training ? train.orElseThrow().kind() : CommandJobRunner.KIND, trial);
            context.log("queued " + label + (i + 1) + "/" + trials.size() + " as " + child.id() + ": " + trials.get(i));
        }
        return Outcome.AWAITING_CHILDREN;
    }

    /**
     * Successive halving: after each rung, the best {@code 1/eta} of its trials (at least one) go on
     * with {@code eta} times the resource, until the next budget would pass {@code max} or one
     * trial is left. Returns empty when the sweep is done.
     */
    private Optional<Outcome> nextRung(JobContext context, List<JobRecord> children, String metric, boolean maximize) throws Exception {
        ObjectNode spec = context.spec();
        JsonNode halving = spec.path("halving");
        if (!halving.isObject()) {
            return Optional.empty();
        }
        String resource = halving.get("resource").asText();
        long eta = halving.path("eta").asLong(3);
        long current = currentRung(spec, children);
        List<JobRecord> rung = children.stream().filter(c -> resourceOf(spec, c) == current).toList();
        long next = current * eta;
        int keep = (int) Math.max(1, rung.size() / eta);
        if (next > halving.get("max").asLong() || rung.size() <= 1) {
            return Optional.empty();
        }
        List<Map.Entry<JobRecord, Double>> ranked = new ArrayList<>();
        for (JobRecord child : rung) {
            if (child.status().equals(JobRecord.SUCCEEDED) && child.runId().isPresent()) {
                OptionalDouble value = latest(context.tracking().getRun(child.runId().get()), metric);
                if (value.isPresent() && !Double.isNaN(value.getAsDouble())) {
                    ranked.add(Map.entry(child, value.getAsDouble()));
                }
            }
        }
        if (ranked.isEmpty()) {
            return Optional.empty();
        }
        ranked.sort((a, b) -> maximize ? Double.compare(b.getValue(), a.getValue()) : Double.compare(a.getValue(), b.getValue()));
        List<Map<String, JsonNode>> survivors = new ArrayList<>();
        for (Map.Entry<JobRecord, Double> e : ranked.subList(0, Math.min(keep, ranked.size()))) {
            Map<String, JsonNode> values = new LinkedHashMap<>();
            trialParams(spec, JSON.readTree(e.getKey().spec())).fields().forEachRemaining(f -> values.put(f.getKey(), f.getValue()));
            values.put(resource, JSON.getNodeFactory().numberNode(next));
            survivors.add(values);
        }
        context.log("rung with " + resource + " = " + current + " done: " + survivors.size() + " of " + rung.size() + " trials go on with "
                + resource + " = " + next);
        return Optional.of(submitTrials(context, survivors, resource + "-" + next + "-trial-"));
    }

    private static long currentRung(JsonNode spec, List<JobRecord> children) {
        return children.stream().mapToLong(c -> resourceOf(spec, c)).max().orElse(0);
    }

    private static long resourceOf(JsonNode spec, JobRecord child) {
        try {
            return trialParams(spec, JSON.readTree(child.spec())).path(spec.at("/halving/resource").asText()).asLong();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a stored trial spec is not JSON", e);
        }
    }

    @Override
    public Outcome complete(JobContext context, List<JobRecord> children) throws Exception {
        ObjectNode spec = context.spec();
        String metric = spec.at("/metric/name").asText();
        boolean maximize = !spec.at("/metric/goal").asText("maximize").equals("minimize");
        Optional<Outcome> next = nextRung(context, children, metric, maximize);
        if (next.isPresent()) {
            return next.get();
        }
        long lastRung = spec.has("halving") ? currentRung(spec, children) : 0;
        ObjectNode summary = JSON.createObjectNode();
        summary.put("sweep_job_id", context.job().id()).put("metric", metric).put("goal", maximize ? "maximize" : "minimize");
        ArrayNode rows = summary.putArray("trials");
        JobRecord best = null;
        double bestValue = Double.NaN;
        Run bestRun = null;
        boolean deadlineTripped = false;
        for (JobRecord child : children) {
            ObjectNode row = rows.addObject();
            row.put("job_id", child.id()).put("status", child.status());
            child.message().ifPresent(m -> row.put("reason", m));
            if (child.message().map(m -> m.contains("sweep's max_wall_time_seconds") || m.contains("sweep max_wall_time_seconds")).orElse(false)) {
                deadlineTripped = true;
            }
            row.set("params", trialParams(spec, JSON.readTree(child.spec())));
            if (child.runId().isEmpty()) {
                continue;
            }
            row.put("run_id", child.runId().get());
            Run run = context.tracking().getRun(child.runId().get());
            OptionalDouble value = latest(run, metric);
            if (value.isPresent()) {
                row.put(metric, value.getAsDouble());
            }
            if (child.status().equals(JobRecord.SUCCEEDED) && value.isPresent() && !Double.isNaN(value.getAsDouble())
                    && (!spec.has("halving") || resourceOf(spec, child) == lastRung)
                    && (best == null || (maximize ? value.getAsDouble() > bestValue : value.getAsDouble() < bestValue))) {
                best = child;
                bestValue = value.getAsDouble();
                bestRun = run;
            }
        }
        String runId = context.run().info().runId();
        if (best != null) {
            summary.put("best_job_id", best.id()).put("best_run_id", bestRun.info().runId()).put("best_" + metric, bestValue);
        }
        context.tracking().putRunArtifact(context.caller(), runId, "sweep_summary.json",
                new ByteArrayInputStream(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(summary)), Long.MAX_VALUE);
        if (deadlineTripped) {
            context.guardrail("max_wall_time_seconds", "the sweep ran out of time; trials that had not finished were stopped");
        }
        if (best == null) {
            throw new JobFailure("no trial succeeded with a value for the metric '" + metric + "'");
        }
        List<KeyValue> tags = new ArrayList<>();
        tags.add(new KeyValue("steward.sweep.best_run_id", bestRun.info().runId()));
        tags.add(new KeyValue("steward.sweep.best_job_id", best.id()));
        trialParams(spec, JSON.readTree(best.spec())).fields().forEachRemaining(e -> tags.add(new KeyValue("steward.sweep.best." + e.getKey(),
                e.getValue().asText())));
        context.tracking().logBatch(context.caller(), runId, List.of(new Metric("best_" + metric, bestValue, System.currentTimeMillis(), 0)),
                List.of(), tags);
        context.log("best trial " + best.id() + " (run " + bestRun.info().runId() + "): " + metric + " = " + bestValue);
        return Outcome.DONE;
    }

    private static OptionalDouble latest(Run run, String metric) {
        return run.metrics().stream().filter(m -> m.key().equals(metric)).mapToDouble(Metric::value).findFirst();
    }

    /** The parameter values of each trial: every grid combination in order, or seeded random draws. */
    static List<Map<String, JsonNode>> trials(ObjectNode spec) {
        List<Map<String, JsonNode>> trials = new ArrayList<>();
        if (spec.has("grid")) {
            trials.add(new LinkedHashMap<>());
            for (Iterator<Map.Entry<String, JsonNode>> it = spec.get("grid").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                List<Map<String, JsonNode>> next = new ArrayList<>();
                for (Map<String, JsonNode> partial : trials) {
                    for (JsonNode value : e.getValue()) {
                        Map<String, JsonNode> extended = new LinkedHashMap<>(partial);
                        extended.put(e.getKey(), value);
                        next.add(extended);
                    }
                }
                trials = next;
            }
            return trials;
        }
        JsonNode random = spec.get("random");
        SplittableRandom rng = new SplittableRandom(random.path("seed").asLong(0));
        int count = random.get("trials").asInt();
        for (int i = 0; i < count; i++) {
            Map<String, JsonNode> values = new LinkedHashMap<>();
            random.get("parameters").fields().forEachRemaining(e -> values.put(e.getKey(), draw(rng, e.getValue())));
            trials.add(values);
        }
        return trials;
    }

    private static JsonNode draw(SplittableRandom rng, JsonNode distribution) {
        if (distribution.isArray()) {
            return distribution.get(rng.nextInt(distribution.size()));
        }
        double min = distribution.get("min").asDouble();
        double max = distribution.get("max").asDouble();
        double u = rng.nextDouble();
        double value = distribution.path("log").asBoolean(false) ? Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min)))
                : min + u * (max - min);
        if (distribution.path("integer").asBoolean(false)) {
            return JSON.getNodeFactory().numberNode(Math.min((long) Math.floor(max), (long) Math.floor(value)));
        }
        return JSON.getNodeFactory().numberNode(value);
    }

    private static String substitute(String command, Map<String, JsonNode> values) {
        Matcher matcher = PLACEHOLDER.matcher(command);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String text = values.get(matcher.group(1)).asText();
            matcher.appendReplacement(out, Matcher.quoteReplacement(shellQuote(text)));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** Values go into a shell command: quote them unless they are plainly safe. */
    private static String shellQuote(String text) {
        if (text.matches("[A-Za-z0-9._+:/=-]+")) {
            return text;
        }
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
