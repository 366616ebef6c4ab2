package dev.steward.server.webhooks;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.webhooks.WebhookSender;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;

/**
 * {@link WebhookSender} on the JDK's HTTP client: HTTP/1.1, no redirects followed, one client (and
 * its connection pool) for every delivery. Thread-safe.
 */
public final class HttpWebhookSender implements WebhookSender {
    private final Duration connectTimeout;
    private volatile HttpClient client;

    /** @param connectTimeout how long opening a connection may take */
    public HttpWebhookSender(Duration connectTimeout) {
        this.connectTimeout = requireNonNull(connectTimeout, "connectTimeout is null");
    }

    /** Built on first use: offline commands open a Steward too, and never send (a client starts a thread). */
    private HttpClient client() {
        HttpClient built = client;
        if (built == null) {
            synchronized (this) {
                built = client;
                if (built == null) {
                    built = HttpClient.newBuilder()
                            .version(HttpClient.Version.HTTP_1_1)
                            .followRedirects(HttpClient.Redirect.NEVER)
                            .connectTimeout(connectTimeout)
                            .build();
                    client = built;
                }
            }
        }
        return built;
    }

    @Override
    public Response post(URI url, Map<String, String> headers, byte[] body, Duration timeout) {
        requireNonNull(url, "url is null");
        requireNonNull(headers, "headers is null");
        requireNonNull(body, "body is null");
        requireNonNull(timeout, "timeout is null");
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout).POST(HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach(request::header);
            HttpResponse<InputStream> response = client().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            // The timeout ends with the status line: a body is never read, so a receiver that
            // trickles one cannot hold a sender.
            response.body().close();
            return Response.answered(response.statusCode());
        } catch (HttpTimeoutException e) {
            return Response.failed("no answer within " + timeout.toMillis() + " ms");
        } catch (ConnectException e) {
            return Response.failed("cannot connect to " + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (IOException e) {
            return Response.failed(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (IllegalArgumentException e) {
            return Response.failed("cannot send to this URL: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Response.failed("interrupted: the server is stopping");
        }
    }
}
