package dev.steward.client;

/** A new webhook subscription and its signing secret, which the server shows only this once. */
public record CreatedWebhook(WebhookInfo webhook, String secret) {
    @Override
    public String toString() {
        return "CreatedWebhook[webhook=" + webhook + ", secret=<hidden>]";
    }
}
