package dev.steward.cli;

import dev.steward.client.CreatedWebhook;
import dev.steward.client.WebhookDeliveryInfo;
import dev.steward.client.WebhookDeliveryPage;
import dev.steward.client.WebhookInfo;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code steward webhooks create|list|delete|deliveries|ping} (needs an admin token; see docs/webhooks.md). */
@Command(name = "webhooks", description = "Subscribe URLs to Steward's events and follow their deliveries (needs an admin token).",
        subcommands = {WebhooksCommand.Create.class, WebhooksCommand.ListWebhooks.class, WebhooksCommand.Delete.class,
                WebhooksCommand.Deliveries.class, WebhooksCommand.Ping.class})
final class WebhooksCommand extends CommandGroup {
    @Command(name = "create", description = "Subscribe a URL to event types; prints the signing secret once.")
    static final class Create extends ClientCommand<CreatedWebhook> {
        @Parameters(paramLabel = "URL", description = "The http or https URL deliveries are POSTed to.")
        String url;

        @Option(names = "--events", required = true, split = ",", paramLabel = "TYPE,...",
                description = "Event types, e.g. promotion.succeeded,model_version.revoked, or * for every type.")
        List<String> events;

        @Option(names = "--description", paramLabel = "TEXT", description = "What the webhook is for.")
        String description = "";

        @Option(names = "--secret", paramLabel = "SECRET",
                description = "The receiver's own signing secret (16 to 256 printable characters; default: generated).")
        String secret;

        @Override
        CreatedWebhook request() {
            return secret == null ? client().createWebhook(url, events, description) : client().createWebhook(url, events, description, secret);
        }

        @Override
        void print(CreatedWebhook created, PrintWriter out) {
            out.println("created webhook " + created.webhook().id() + " for " + created.webhook().url() + " (events: "
                    + String.join(", ", created.webhook().events()) + ")");
            if (secret == null) {
                out.println("its signing secret is shown only now; give it to the receiver, which verifies X-Steward-Signature with it:");
                out.println(created.secret());
            } else {
                out.println("deliveries are signed with the secret given by --secret; Steward never shows it");
            }
        }
    }

    @Command(name = "list", description = "Every webhook, deleted ones included, newest first (never their secrets).")
    static final class ListWebhooks extends ClientCommand<List<WebhookInfo>> {
        @Override
        List<WebhookInfo> request() {
            return client().listWebhooks();
        }

        @Override
        void print(List<WebhookInfo> webhooks, PrintWriter out) {
            Table table = new Table("ID", "URL", "EVENTS", "ACTIVE", "CREATED", "DESCRIPTION");
            webhooks.forEach(w -> table.row(w.id(), w.url(), String.join(",", w.events()), w.active() ? "yes" : "no (" + w.deactivatedAt()
                    .orElse("") + ")", w.createdAt(), w.description()));
            table.print(out);
        }
    }

    /** A subcommand about one webhook. */
    abstract static class OneWebhook<T> extends ClientCommand<T> {
        @Parameters(paramLabel = "ID", description = "The webhook's id (see 'steward webhooks list').")
        String id;
    }

    @Command(name = "delete", description = "Deactivate a webhook: it receives nothing more and its pending deliveries are cancelled.")
    static final class Delete extends OneWebhook<WebhookInfo> {
        @Override
        WebhookInfo request() {
            return client().deleteWebhook(id);
        }

        @Override
        void print(WebhookInfo webhook, PrintWriter out) {
            out.println("deleted webhook " + webhook.id() + " (" + webhook.url() + "); its pending deliveries are cancelled");
        }
    }

    @Command(name = "deliveries", description = "A webhook's deliveries, newest first, each with its attempts.")
    static final class Deliveries extends OneWebhook<WebhookDeliveryPage> {
        @Option(names = "--max-results", defaultValue = "20", description = "At most this many deliveries (default 20, at most 1000).")
        int maxResults;

        @Override
        WebhookDeliveryPage request() {
            return client().webhookDeliveries(id, maxResults, null);
        }

        @Override
        void print(WebhookDeliveryPage page, PrintWriter out) {
            if (page.deliveries().isEmpty()) {
                out.println("no deliveries to webhook " + id);
                return;
            }
            Table table = new Table("DELIVERY", "EVENT", "STATUS", "CREATED", "ATTEMPT", "STARTED", "MS", "RESULT");
            for (WebhookDeliveryInfo d : page.deliveries()) {
                String status = d.status() + d.nextAttemptAt().map(t -> " (next " + t + ")").orElse("");
                if (d.attempts().isEmpty()) {
                    table.row(d.id(), d.eventType(), status, d.createdAt(), "", "", "", "");
                }
                for (int i = 0; i < d.attempts().size(); i++) {
                    WebhookDeliveryInfo.Attempt a = d.attempts().get(i);
                    boolean first = i == 0;
                    table.row(first ? d.id() : "", first ? d.eventType() : "", first ? status : "", first ? d.createdAt() : "", a.attempt(),
                            a.startedAt(), a.durationMs(), a.httpStatus().map(s -> "HTTP " + s).orElse("") + a.error().map(e -> (a.httpStatus()
                                    .isPresent() ? ": " : "") + e).orElse(""));
                }
            }
            table.print(out);
            if (page.nextPageToken().isPresent()) {
                out.println("(older deliveries: raise --max-results)");
            }
        }
    }

    @Command(name = "ping", description = "Queue a webhook.ping event to this webhook only, to test the receiver.")
    static final class Ping extends OneWebhook<WebhookDeliveryInfo> {
        @Override
        WebhookDeliveryInfo request() {
            return client().pingWebhook(id);
        }

        @Override
        void print(WebhookDeliveryInfo delivery, PrintWriter out) {
            out.println("queued " + delivery.eventType() + " to webhook " + id + " as delivery " + delivery.id() + "; follow it with: steward"
                    + " webhooks deliveries " + id);
        }
    }
}
