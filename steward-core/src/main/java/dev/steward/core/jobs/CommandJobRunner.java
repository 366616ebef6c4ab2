package dev.steward.core.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.spi.tracking.KeyValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs any executable as a governed job ({@code kind: command}): {@code /bin/sh -c <command>} in
 * a working directory, with the job's MLflow environment so that a script using MLflow logs into
 * the job's run, stdout and stderr in the job's log (kept as the run artifact {@code job.log}),
 * stopped when cancelled or when it runs past {@code guardrails.max_wall_time_seconds}. The
 * server's own {@code STEWARD_*} variables are not passed on. Stateless.
 *
 * <p>Spec: {@code command} (required), {@code workdir}, {@code experiment}, {@code run_name},
 * {@code env} (name → value), {@code params} (name → value, logged as run params first),
 * {@code guardrails.max_wall_time_seconds}, {@code guardrails.metric} ({@code {name, max, min,
 * after_step}}: the command is stopped when the latest value it logged of that metric is NaN or
 * infinite, or, from {@code after_step} on, above {@code max} or below {@code min}; checked twice a
 * second), and {@code not_after} (epoch ms; set by sweeps).
 */
public final class CommandJobRunner implements JobRunner {
    public static final String KIND = "command";
    static final long MAX_WALL_TIME_SECONDS = 30L * 24 * 3600;
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    /** How long a stopped command may take to end on SIGTERM before its processes are killed. */
    static final Duration KILL_GRACE = Duration.ofSeconds(3);
    private static final long METRIC_CHECK_MILLIS = 500;

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public ObjectNode validate(ObjectNode spec) {
        SpecFields f = new SpecFields(spec, "");
        f.requiredText("command", 10_000);
        f.optionalText("workdir", 4096).ifPresent(dir -> {
            Path path = Path.of(dir);
            if (!path.isAbsolute() || !Files.isDirectory(path)) {
                throw f.invalid("workdir", "'" + dir + "' is not an absolute path of an existing directory on the server");
            }
        });
        f.optionalText("experiment", 500);
        f.optionalText("run_name", 250);
        f.optionalObject("env").ifPresent(env -> env.fields().forEachRemaining(e -> {
            if (!ENV_NAME.matcher(e.getKey()).matches()) {
                throw f.invalid("env", "'" + e.getKey() + "' is not a valid environment variable name");
            }
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw f.invalid("env", "the value of " + e.getKey() + " must be a string or number");
            }
        }));
        f.optionalObject("params").ifPresent(params -> params.fields().forEachRemaining(e -> {
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw f.invalid("params", "the value of param " + e.getKey() + " must be a string, number or boolean");
            }
        }));
        f.optionalLong("not_after", 0, Long.MAX_VALUE);
        SpecFields guardrails = f.nested("guardrails");
        if (guardrails != null) {
            guardrails.optionalLong("max_wall_time_seconds", 1, MAX_WALL_TIME_SECONDS);
            SpecFields metric = guardrails.nested("metric");
            if (metric != null) {
                validateMetricGuard(metric);
            }
            guardrails.done();
        }
        f.done();
        return spec;
    }

    /** {@code {name, max?, min?, after_step?}}: the metric the command logs, and the bounds it must keep. */
    static void validateMetricGuard(SpecFields metric) {
        metric.requiredText("name", 250);
        for (String bound : List.of("max", "min")) {
            metric.optional(bound).ifPresent(v -> {
                if (!v.isNumber()) {
                    throw metric.invalid(bound, "must be a number");
                }
            });
        }
        metric.optionalLong("after_step", 0, Long.MAX_VALUE);
        metric.done();
    }

    @Override
    public Outcome run(JobContext context) throws Exception {
        ObjectNode spec = context.spec();
        long start = System.currentTimeMillis();
        long deadline = Long.MAX_VALUE;
        String guardrail = "max_wall_time_seconds";
        JsonNode limit = spec.path("guardrails").path("max_wall_time_seconds");
        if (limit.isNumber()) {
            deadline = start + limit.asLong() * 1000;
        }
        if (spec.has("not_after")) {
            long notAfter = spec.get("not_after").asLong();
            if (notAfter <= start) {
                throw new JobFailure("the sweep's max_wall_time_seconds passed before this trial could start",
                        Optional.of("sweep max_wall_time_seconds"));
            }
            if (notAfter < deadline) {
                deadline = notAfter;
                guardrail = "sweep max_wall_time_seconds";
            }
        }
        logParams(context);
        String command = spec.get("command").asText();
        Path workdir = spec.has("workdir") ? Path.of(spec.get("workdir").asText()) : context.workDirectory();
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", command).directory(workdir.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(context.logFile().toFile()));
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> name.startsWith("STEWARD_"));
        spec.path("env").fields().forEachRemaining(e -> environment.put(e.getKey(), e.getValue().asText()));
        environment.putAll(context.mlflowEnvironment());
        context.log("$ " + command + "    (in " + workdir + ")");
        try (ProcessGroup process = ProcessGroup.start(builder)) {
            JsonNode metricGuard = spec.path("guardrails").path("metric");
            long nextMetricCheck = System.currentTimeMillis() + METRIC_CHECK_MILLIS;
            while (!process.waitFor(100, TimeUnit.MILLISECONDS)) {
                if (context.cancelled()) {
                    stop(context, process);
                    return Outcome.DONE;
                }
                if (metricGuard.isObject() && System.currentTimeMillis() >= nextMetricCheck) {
                    nextMetricCheck = System.currentTimeMillis() + METRIC_CHECK_MILLIS;
                    Optional<String> tripped = metricTripped(context, metricGuard);
                    if (tripped.isPresent()) {
                        stop(context, process);
                        throw new JobFailure("stopped: " + tripped.get() + " (the metric guardrail)", Optional.of("metric"));
                    }
                }
                if (System.currentTimeMillis() > deadline) {
                    stop(context, process);
                    throw new JobFailure("stopped after " + (System.currentTimeMillis() - start) / 1000 + " s: the " + guardrail + " guardrail",
                            Optional.of(guardrail));
                }
            }
            // The shell ended; whatever it left running in the background goes with it.
            if (process.members().findAny().isPresent()) {
                stop(context, process);
            }
            int status = process.leader().exitValue();
            context.log("exit status " + status);
            if (status != 0) {
                throw new JobFailure("the command exited with status " + status);
            }
            return Outcome.DONE;
        }
    }

    /** Stops the command's whole process tree, and says in the log if anything of it survived. */
    private static void stop(JobContext context, ProcessGroup process) throws InterruptedException {
        List<Long> survivors = process.stop(KILL_GRACE);
        if (!survivors.isEmpty()) {
            context.log("processes " + survivors + " of the command could not be stopped");
        }
    }

    /** Why the latest value of the guarded metric breaks its bounds (NaN and infinities always do), if it does. */
    static Optional<String> metricTripped(JobContext context, JsonNode guard) {
        String name = guard.get("name").asText();
        Optional<dev.steward.spi.tracking.Metric> latest = context.tracking().getRun(context.run().info().runId()).metrics().stream()
                .filter(m -> m.key().equals(name)).findFirst();
        if (latest.isEmpty()) {
            return Optional.empty();
        }
        double value = latest.get().value();
        long step = latest.get().step();
        String at = name + " = " + value + " at step " + step;
        if (!Double.isFinite(value)) {
            return Optional.of(at);
        }
        if (step < guard.path("after_step").asLong(0)) {
            return Optional.empty();
        }
        if (guard.has("max") && value > guard.get("max").asDouble()) {
            return Optional.of(at + ", above the limit " + guard.get("max").asDouble());
        }
        if (guard.has("min") && value < guard.get("min").asDouble()) {
            return Optional.of(at + ", below the limit " + guard.get("min").asDouble());
        }
        return Optional.empty();
    }

    private static void logParams(JobContext context) {
        JsonNode params = context.spec().path("params");
        if (!params.isObject() || params.isEmpty()) {
            return;
        }
        List<KeyValue> values = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            values.add(new KeyValue(e.getKey(), e.getValue().asText()));
        }
        context.tracking().logBatch(context.caller(), context.run().info().runId(), List.of(), values, List.of());
    }
}
