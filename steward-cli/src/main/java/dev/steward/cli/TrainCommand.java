package dev.steward.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.steward.client.ExperimentInfo;
import dev.steward.spi.StewardException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code steward train spec.yaml} or {@code steward train --command "python train.py"}: queues a
 * job on the server (which runs it as a tracked, guarded run) and, with {@code --wait}, follows
 * its log and exits with 0 when it succeeded, 1 otherwise. A file is a training spec unless its
 * {@code kind} says sweep or command.
 */
@Command(name = "train",
        description = "Queue a training job on the server: a training spec file (or a sweep/command job file with kind), or an external command (--command).")
final class TrainCommand extends ConnectedCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "JOB.yaml",
            description = "A training spec (YAML or JSON); or a job file with kind: sweep or command. priority may be given at the top level.")
    Path file;

    @Option(names = "--command", paramLabel = "CMD", description = "Run this shell command as the job (in the server's environment).")
    String command;

    @Option(names = "--experiment", description = "Experiment id or name of the job's run; a new name is created (default: Default).")
    String experiment;

    @Option(names = "--workdir", description = "Absolute working directory on the server (default: a fresh directory per attempt).")
    String workdir;

    @Option(names = "--env", paramLabel = "NAME=VALUE", description = "Environment variable for the command; repeatable.")
    Map<String, String> env;

    @Option(names = "--max-wall-time", paramLabel = "SECONDS", description = "Stop the command after this long (guardrail).")
    Long maxWallTime;

    @Option(names = "--priority", description = "Higher starts first (default 0; -1000..1000).")
    Integer priority;

    @Option(names = "--wait", description = "Follow the job's log until it ends; exit 1 unless it succeeded.")
    boolean await;

    @Override
    int execute() throws Exception {
        if ((file == null) == (command == null)) {
            throw StewardException.invalid("command", "give either a job file or --command, not both or neither");
        }
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        String kind;
        int jobPriority;
        ObjectNode jobSpec;
        if (file != null) {
            JsonNode root;
            try {
                root = yaml.readTree(Files.readString(file));
            } catch (IOException e) {
                throw StewardException.invalid("file", "cannot read " + file + ": " + e.getMessage());
            }
            if (root == null || !root.isObject()) {
                throw StewardException.invalid("file", file + " must be a mapping with kind and the job's fields");
            }
            jobSpec = (ObjectNode) root;
            JsonNode kindNode = jobSpec.remove("kind");
            if (kindNode != null && !kindNode.isTextual()) {
                throw StewardException.invalid("kind", file + ": 'kind' must be train, sweep or command");
            }
            kind = kindNode == null ? "train" : kindNode.asText();
            JsonNode priorityNode = jobSpec.remove("priority");
            jobPriority = priority != null ? priority : priorityNode == null ? 0 : priorityNode.asInt();
        } else {
            kind = "command";
            jobPriority = priority == null ? 0 : priority;
            jobSpec = yaml.createObjectNode();
            jobSpec.put("command", command);
        }
        if (experiment != null) {
            // The server takes a name: an id given here is turned into its experiment's name.
            jobSpec.put("experiment", Experiments.find(client(), experiment).map(ExperimentInfo::name).orElse(experiment));
        }
        if (workdir != null) {
            jobSpec.put("workdir", workdir);
        }
        if (env != null) {
            ObjectNode envNode = jobSpec.putObject("env");
            env.forEach(envNode::put);
        }
        if (maxWallTime != null) {
            jobSpec.withObject("/guardrails").put("max_wall_time_seconds", maxWallTime);
        }
        PrintWriter out = out();
        JsonNode job = client().submitJob(kind, jobPriority, jobSpec);
        String id = job.get("id").asText();
        out.println("queued " + kind + " job " + id + " (priority " + jobPriority + ")");
        out.flush();
        if (!await) {
            return 0;
        }
        JsonNode done = JobsCommand.follow(client(), id, out);
        String message = Cells.text(done, "message");
        out.println("job " + id + " " + done.get("status").asText() + (message.isEmpty() ? "" : ": " + message)
                + (done.hasNonNull("run_id") ? " (run " + done.get("run_id").asText() + ")" : ""));
        return done.get("status").asText().equals("succeeded") ? 0 : Main.FAILED;
    }
}
