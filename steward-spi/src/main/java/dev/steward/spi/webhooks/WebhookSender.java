package dev.steward.spi.webhooks;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Makes the outbound HTTP call of a delivery. Implementations are thread-safe and never follow
 * redirects (a receiver must answer itself).
 */
public interface WebhookSender {
    /**
     * POSTs {@code body} to {@code url} with {@code headers} and waits at most {@code timeout} for
     * the answer. Never throws for a failed call: a refused connection or a timeout is a
     * {@link Response} with an error and no status.
     */
    Response post(URI url, Map<String, String> headers, byte[] body, Duration timeout);

    /**
     * What came back.
     *
     * @param status the HTTP status, when the receiver answered
     * @param error why the call failed before an answer came (refused, timed out, TLS ...)
     */
    record Response(Optional<Integer> status, Optional<String> error) {
        public Response {
            requireNonNull(status, "status is null");
            requireNonNull(error, "error is null");
            if (status.isEmpty() == error.isEmpty()) {
                throw new IllegalArgumentException("a response has either a status or an error");
            }
        }

        public static Response answered(int status) {
            return new Response(Optional.of(status), Optional.empty());
        }

        public static Response failed(String error) {
            return new Response(Optional.empty(), Optional.of(requireNonNull(error, "error is null")));
        }
    }
}
