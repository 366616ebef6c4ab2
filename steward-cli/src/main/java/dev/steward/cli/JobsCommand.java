package dev.steward.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.client.StewardClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code steward jobs list|show|cancel|retry|logs}. */
@Command(name = "jobs", description = "List, inspect, cancel and retry jobs, and read their logs.",
        subcommands = {JobsCommand.ListJobs.class, JobsCommand.Show.class, JobsCommand.Cancel.class, JobsCommand.Retry.class, JobsCommand.Logs.class})
final class JobsCommand extends CommandGroup {
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

    @Command(name = "list", description = "Jobs, newest first.")
    static final class ListJobs extends ClientCommand<JsonNode> {
        @Option(names = "--status", description = "Only jobs in this status: queued, running, succeeded, failed, cancelled, interrupted.")
        String status;

        @Option(names = "--max-results", defaultValue = "50", description = "At most this many (default 50).")
        int maxResults;

        @Override
        JsonNode request() {
            return client().listJobs(status, maxResults);
        }

        @Override
        void print(JsonNode jobs, PrintWriter out) {
            Table table = new Table("JOB", "KIND", "STATUS", "PRIORITY", "ATTEMPT", "CREATED", "RUN", "MESSAGE");
            jobs.get("jobs").forEach(j -> table.row(j.get("id").asText(), j.get("kind").asText(), j.get("status").asText(),
                    j.get("priority").asInt(), j.get("attempt").asInt(), j.get("created_at").asText(), Cells.text(j, "run_id"),
                    Cells.text(j, "message")));
            table.print(out);
        }
    }

    /** A subcommand about one job. */
    abstract static class OneJob extends ClientCommand<JsonNode> {
        @Parameters(paramLabel = "JOB")
        String id;
    }

    @Command(name = "show", description = "One job with its spec.")
    static final class Show extends OneJob {
        @Override
        JsonNode request() {
            return client().getJob(id);
        }

        @Override
        void print(JsonNode job, PrintWriter out) {
            Table table = new Table("FIELD", "VALUE");
            table.row("id", job.get("id").asText()).row("kind", job.get("kind").asText()).row("status", job.get("status").asText())
                    .row("message", Cells.text(job, "message")).row("priority", job.get("priority").asInt())
                    .row("attempt", job.get("attempt").asInt()).row("run", Cells.text(job, "run_id")).row("parent", Cells.text(job, "parent_id"))
                    .row("created", job.get("created_at").asText()).row("created by", job.get("created_by").asText())
                    .row("started", Cells.text(job, "started_at")).row("ended", Cells.text(job, "ended_at"));
            job.get("spec").fields().forEachRemaining(field -> table.row("spec." + field.getKey(),
                    field.getValue().isValueNode() ? field.getValue().asText() : field.getValue().toString()));
            table.print(out);
        }
    }

    @Command(name = "cancel", description = "Cancel a queued or running job (a sweep with its trials).")
    static final class Cancel extends OneJob {
        @Option(names = "--reason", description = "Why; kept with the job and in the audit log.")
        String reason;

        @Override
        JsonNode request() {
            return client().cancelJob(id, reason);
        }

        @Override
        void print(JsonNode job, PrintWriter out) {
            out.println("job " + id + " is " + job.get("status").asText() + (job.get("status").asText().equals("running") ? " (stopping)" : ""));
        }
    }

    @Command(name = "retry", description = "Queue a failed, cancelled or interrupted job again.")
    static final class Retry extends OneJob {
        @Override
        JsonNode request() {
            return client().retryJob(id);
        }

        @Override
        void print(JsonNode job, PrintWriter out) {
            out.println("job " + id + " queued again as attempt " + job.get("attempt").asInt());
        }
    }

    @Command(name = "logs", description = "Print a job's log; --follow keeps printing until it ends.")
    static final class Logs extends ConnectedCommand {
        @Parameters(paramLabel = "JOB")
        String id;

        @Option(names = {"-f", "--follow"}, description = "Keep printing until the job ends.")
        boolean follow;

        @Override
        int execute() throws InterruptedException {
            if (follow) {
                follow(client(), id, out());
                return 0;
            }
            long offset = 0;
            while (true) {
                JsonNode chunk = client().jobLog(id, offset);
                out().print(chunk.get("text").asText());
                if (chunk.get("next_offset").asLong() == offset) {
                    return 0;
                }
                offset = chunk.get("next_offset").asLong();
            }
        }
    }
}
