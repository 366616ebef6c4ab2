package dev.steward.core.serving;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.function.Function;

/**
 * One prediction call as the protocol layer hands it to the {@link ServingEngine}. The body is
 * read only once the deployment has admitted the request (it exists, is not stopped, the caller
 * is within its rate limit and the body within its size), so that a refused request costs no
 * parsing.
 *
 * @param version the version the path pins ({@code 3}, or {@code model:3} in a deployment of several models); empty to follow the traffic split
 * @param requestId the caller's {@code X-Request-Id}, or one generated for it
 * @param caller the token's id (for rate limits and the request log; never its secret)
 * @param protocol {@code oip}, {@code mlflow} or {@code native}
 * @param headers the request's headers by name (for a sticky key {@code header:X-User})
 */
public record PredictionRequest(String deployment, Optional<String> version, String requestId, String caller, String protocol,
        long receivedAtMillis, long bodyBytes, Function<String, Optional<String>> headers, Body body) {
    public PredictionRequest {
        requireNonNull(deployment, "deployment is null");
        requireNonNull(version, "version is null");
        requireNonNull(requestId, "requestId is null");
        requireNonNull(caller, "caller is null");
        requireNonNull(protocol, "protocol is null");
        requireNonNull(headers, "headers is null");
        requireNonNull(body, "body is null");
    }

    /** Reads the request's body in its protocol; errors are the caller's (400). */
    @FunctionalInterface
    public interface Body {
        RequestInput read();
    }
}
