package dev.steward.cli;

import dev.steward.client.AuditEventInfo;
import dev.steward.client.AuditFilter;
import dev.steward.client.AuditPage;
import dev.steward.client.AuditVerificationResult;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code steward audit list|verify}. */
@Command(name = "audit", description = "Read and verify the tamper-evident audit log.",
        subcommands = {AuditCommand.ListEvents.class, AuditCommand.Verify.class})
final class AuditCommand extends CommandGroup {
    @Command(name = "list", description = "List audit events, oldest first.")
    static final class ListEvents extends ClientCommand<List<AuditEventInfo>> {
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

        @Override
        List<AuditEventInfo> request() {
            AuditFilter filter = AuditFilter.all().newestFirst(newestFirst);
            filter = objectType == null ? filter : filter.objectType(objectType);
            filter = objectId == null ? filter : filter.objectId(objectId);
            filter = actor == null ? filter : filter.actor(actor);
            filter = action == null ? filter : filter.action(action);
            filter = from == null ? filter : filter.from(from);
            filter = to == null ? filter : filter.to(to);
            List<AuditEventInfo> events = new ArrayList<>();
            String pageToken = null;
            while (events.size() < limit) {
                AuditFilter page = filter.maxResults(Math.min(limit - events.size(), 1000));
                AuditPage result = client().listAudit(pageToken == null ? page : page.pageToken(pageToken));
                events.addAll(result.events());
                if (result.nextPageToken().isEmpty()) {
                    break;
                }
                pageToken = result.nextPageToken().get();
            }
            return events;
        }

        @Override
        void print(List<AuditEventInfo> events, PrintWriter out) {
            Table table = new Table("SEQ", "TIME", "ACTOR", "ACTION", "OBJECT", "DETAILS");
            events.forEach(e -> table.row(e.seq(), e.time(), e.actorName(), e.action(), e.objectType() + " " + e.objectId(), e.details()));
            table.print(out);
        }

        /** One event a line (JSON Lines), so that a long log can be piped into line-oriented tools. */
        @Override
        void printJson(List<AuditEventInfo> events, PrintWriter out) {
            events.forEach(e -> JsonOutput.printLine(out, e));
        }
    }

    @Command(name = "verify", description = "Walk the audit chain; exit 0 when intact, 1 naming the first bad event otherwise.")
    static final class Verify extends ClientCommand<AuditVerificationResult> {
        @Option(names = "--offline", description = "Read the home directory's store directly, without a server.")
        boolean offline;

        @Override
        AuditVerificationResult request() {
            return offline ? Offline.verifyAudit(home()) : client().verifyAudit();
        }

        @Override
        void print(AuditVerificationResult result, PrintWriter out) {
            if (result.intact()) {
                out.println("audit chain intact: " + result.eventsChecked() + " events verified");
            } else {
                err().println("audit chain BROKEN at event " + result.firstBadSeq().map(String::valueOf).orElse("?") + ": "
                        + result.reason().orElse(""));
            }
        }

        @Override
        int status(AuditVerificationResult result) {
            return result.intact() ? 0 : Main.FAILED;
        }
    }
}
