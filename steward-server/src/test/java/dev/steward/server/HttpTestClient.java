package dev.steward.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP against a test server, so tests see exactly what any client sees. */
public final class HttpTestClient {
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public HttpTestClient(URI base) {
        this.base = base;
    }

    public HttpResponse<String> get(String path, String token) {
        return send(builder(path, token).GET());
    }

    /** A GET whose answer is bytes (a blob, a download). */
    public HttpResponse<byte[]> getBytes(String path, String token) {
        return send(builder(path, token).GET(), HttpResponse.BodyHandlers.ofByteArray());
    }

    public HttpResponse<String> post(String path, String token, String json) {
        return send(builder(path, token).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public HttpResponse<String> put(String path, String token, byte[] body) {
        return send(builder(path, token).PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    public HttpResponse<String> delete(String path, String token) {
        return send(builder(path, token).DELETE());
    }

    /** A request with a JSON body under any method: MLflow's clients send one with PATCH and DELETE too. */
    public HttpResponse<String> send(String method, String path, String token, String json) {
        return send(builder(path, token).header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json)));
    }

    public HttpResponse<String> send(HttpRequest.Builder builder) {
        return send(builder, HttpResponse.BodyHandlers.ofString());
    }

    private <T> HttpResponse<T> send(HttpRequest.Builder builder, HttpResponse.BodyHandler<T> body) {
        try {
            return http.send(builder.build(), body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpRequest.Builder builder(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }
}
