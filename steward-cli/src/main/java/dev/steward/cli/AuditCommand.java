package dev.steward.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.client.AuditEventInfo;
import dev.steward.client.AuditFilter;
import dev.steward.client.AuditPage;
import dev.steward.client.AuditVerificationResult;
import dev.steward.client.StewardClient;
import dev.steward.core.audit.AuditVerification;
import dev.steward.server.Steward;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code steward audit list|verify}. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Read and verify the tamper-evident audit log.",
        subcommands = {AuditCommand.ListEvents.class, AuditCommand.Verify.class})
final class AuditCommand implements Runnable {
    @ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List audit events, oldest first.")
    static final class ListEvents implements Runnable {
        @ParentCommand
        AuditCommand parent;

        @Mixin
        ClientOptions client;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--object-type", description = "Only events about this kind of object, e.g. token.")
        String objectType;

        @Option(names = "--object-id", description = "Only events about this object.")
        String objectId;

        @Option(names = "--actor", description = "Only events by this actor (token id or name).")
        String actor;

        @Option(names = "--action", description = "Only events with this action, e.g. token.create.")
        String action;

        @Option(names = "--from", description = "Only events at or after this ISO-8601 time.")
        String from;

        @Option(names = "--to", description = "Only events before this ISO-8601 time.")
        String to;

        @Option(names = "--newest-first", description = "Newest events first.")
        boolean newestFirst;

        @Option(names = "--limit", defaultValue = "100", description = "At most this many events (default: ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--json", description = "Print JSON lines instead of a table.")
        boolean json;

        @Override
        public void run() {
            AuditFilter filter = AuditFilter.all().newestFirst(newestFirst);
            filter = objectType == null ? filter : filter.objectType(objectType);
            filter = objectId == null ? filter : filter.objectId(objectId);
            filter = actor == null ? filter : filter.actor(actor);
            filter = action == null ? filter : filter.action(action);
            filter = from == null ? filter : filter.from(from);
            filter = to == null ? filter : filter.to(to);
            PrintWriter out = spec.commandLine().getOut();
            Table table = new Table("SEQ", "TIME", "ACTOR", "ACTION", "OBJECT", "DETAILS");
            ObjectMapper mapper = new ObjectMapper();
            int remaining = limit;
            try (StewardClient c = client.connect(parent.main.home.resolve())) {
                String pageToken = null;
                while (remaining > 0) {
                    AuditFilter page = filter.maxResults(Math.min(remaining, 1000));
                    AuditPage result = c.listAudit(pageToken == null ? page : page.pageToken(pageToken));
                    for (AuditEventInfo e : result.events()) {
                        if (json) {
                            out.println(write(mapper, e));
                        } else {
                            table.row(e.seq(), e.time(), e.actorName(), e.action(), e.objectType() + " " + e.objectId(), e.details());
                        }
                    }
                    remaining -= result.events().size();
                    if (result.nextPageToken().isEmpty()) {
                        break;
                    }
                    pageToken = result.nextPageToken().get();
                }
            }
            if (!json) {
                table.print(out);
            }
            out.flush();
        }

        private static String write(ObjectMapper mapper, AuditEventInfo event) {
            try {
                return mapper.writeValueAsString(event);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("cannot print event " + event.seq(), e);
            }
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Walk the audit chain; exit 0 when intact, 1 naming the first bad event otherwise.")
    static final class Verify implements Callable<Integer> {
        @ParentCommand
        AuditCommand parent;

        @Mixin
        ClientOptions client;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--offline", description = "Read the home directory's store directly, without a server.")
        boolean offline;

        @Override
        public Integer call() {
            boolean intact;
            long checked;
            String problem;
            if (offline) {
                try (Steward steward = Offline.open(parent.main.home.resolve())) {
                    AuditVerification result = steward.audit().verify(steward.store());
                    intact = result.intact();
                    checked = result.eventsChecked();
                    problem = result.firstBadSeq().map(seq -> "event " + seq + ": " + result.reason().orElse("")).orElse("");
                }
            } else {
                try (StewardClient c = client.connect(parent.main.home.resolve())) {
                    AuditVerificationResult result = c.verifyAudit();
                    intact = result.intact();
                    checked = result.eventsChecked();
                    problem = result.firstBadSeq().map(seq -> "event " + seq + ": " + result.reason().orElse("")).orElse("");
                }
            }
            if (intact) {
                spec.commandLine().getOut().println("audit chain intact: " + checked + " events verified");
                spec.commandLine().getOut().flush();
                return 0;
            }
            spec.commandLine().getErr().println("audit chain BROKEN at " + problem);
            spec.commandLine().getErr().flush();
            return Main.FAILED;
        }
    }
}
