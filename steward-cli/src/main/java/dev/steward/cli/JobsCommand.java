package dev.steward.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.client.StewardClient;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code steward jobs list|show|cancel|retry|logs}. */
@Command(name = "jobs", mixinStandardHelpOptions = true, description = "List, inspect, cancel and retry jobs, and read their logs.",
        subcommands = {JobsCommand.ListJobs.class, JobsCommand.Show.class, JobsCommand.Cancel.class, JobsCommand.Retry.class, JobsCommand.Logs.class})
final class JobsCommand implements Runnable {
    @ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Prints a job's log as it grows until the job ended; returns the ended job. */
    static JsonNode follow(StewardClient client, String id, PrintWriter out) throws InterruptedException {
        long offset = 0;
        while (true) {
            JsonNode chunk = client.jobLog(id, offset);
            out.print(chunk.get("text").asText());
            out.flush();
            offset = chunk.get("next_offset").asLong();
            if (chunk.get("finished").asBoolean()) {
                return client.getJob(id);
            }
            if (chunk.get("text").asText().isEmpty()) {
                Thread.sleep(200);
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Jobs, newest first.")
    static final class ListJobs implements Runnable {
        @ParentCommand
        JobsCommand parent;

        @Mixin
        ClientOptions client;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--status", description = "Only jobs in this status: queued, running, succeeded, failed, cancelled, interrupted.")
        String status;

        @Option(names = "--max-results", defaultValue = "50", description = "At most this many (default 50).")
        int maxResults;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public void run() {
            JsonNode jobs;
            try (StewardClient c = client.connect(parent.main.home.resolve())) {
                jobs = c.listJobs(status, maxResults);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOutput.print(out, jobs);
                return;
            }
            Table table = new Table("JOB", "KIND", "STATUS", "PRIORITY", "ATTEMPT", "CREATED", "RUN", "MESSAGE");
            jobs.get("jobs").forEach(j -> table.row(j.get("id").asText(), j.get("kind").asText(), j.get("status").asText(),
                    j.get("priority").asInt(), j.get("attempt").asInt(), j.get("created_at").asText(), j.path("run_id").asText(""),
                    j.path("message").asText("")));
            table.print(out);
        }
    }

    /** A subcommand about one job: its id, and a client of the server. */
    abstract static class OneJob {
        @ParentCommand
        JobsCommand parent;

        @Mixin
        ClientOptions client;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "JOB")
        String id;

        StewardClient connect() {
            return client.connect(parent.main.home.resolve());
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One job with its spec.")
    static final class Show extends OneJob implements Runnable {
        @Override
        public void run() {
            try (StewardClient c = connect()) {
                JsonOutput.print(spec.commandLine().getOut(), c.getJob(id));
            }
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a queued or running job (a sweep with its trials).")
    static final class Cancel extends OneJob implements Runnable {
        @Option(names = "--reason", description = "Why; kept with the job and in the audit log.")
        String reason;

        @Override
        public void run() {
            try (StewardClient c = connect()) {
                JsonNode job = c.cancelJob(id, reason);
                spec.commandLine().getOut().println("job " + id + " is " + job.get("status").asText()
                        + (job.get("status").asText().equals("running") ? " (stopping)" : ""));
            }
        }
    }

    @Command(name = "retry", mixinStandardHelpOptions = true, description = "Queue a failed, cancelled or interrupted job again.")
    static final class Retry extends OneJob implements Runnable {
        @Override
        public void run() {
            try (StewardClient c = connect()) {
                JsonNode job = c.retryJob(id);
                spec.commandLine().getOut().println("job " + id + " queued again as attempt " + job.get("attempt").asInt());
            }
        }
    }

    @Command(name = "logs", mixinStandardHelpOptions = true, description = "Print a job's log; --follow keeps printing until it ends.")
    static final class Logs extends OneJob implements java.util.concurrent.Callable<Integer> {
        @Option(names = {"-f", "--follow"}, description = "Keep printing until the job ends.")
        boolean follow;

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            try (StewardClient c = connect()) {
                if (follow) {
                    follow(c, id, out);
                    return 0;
                }
                long offset = 0;
                while (true) {
                    JsonNode chunk = c.jobLog(id, offset);
                    out.print(chunk.get("text").asText());
                    if (chunk.get("next_offset").asLong() == offset) {
                        break;
                    }
                    offset = chunk.get("next_offset").asLong();
                }
                out.flush();
                return 0;
            }
        }
    }
}
