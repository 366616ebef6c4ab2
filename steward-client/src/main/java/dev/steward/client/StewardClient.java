package dev.steward.client;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Client of Steward's native API. Thread-safe; one instance can be shared by a whole program.
 *
 * <pre>{@code
 * try (StewardClient client = StewardClient.create(URI.create("http://127.0.0.1:8080"), token)) {
 *     client.verifyAudit();
 * }
 * }</pre>
 */
public final class StewardClient implements AutoCloseable {
    private final URI baseUrl;
    private final String token;
    private final HttpClient http;
    private final ObjectMapper mapper;

    private StewardClient(URI baseUrl, String token) {
        this.baseUrl = baseUrl;
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        this.mapper = new ObjectMapper()
                .registerModule(new Jdk8Module())
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    /**
     * @param baseUrl the server, e.g. {@code http://127.0.0.1:8080}
     * @param token an API token (sent as {@code Authorization: Bearer})
     */
    public static StewardClient create(URI baseUrl, String token) {
        requireNonNull(baseUrl, "baseUrl is null");
        requireNonNull(token, "token is null");
        String text = baseUrl.toString();
        return new StewardClient(URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text), token);
    }

    public URI baseUrl() {
        return baseUrl;
    }

    /** {@code /health}: the server's and its stores' status. */
    public JsonNode health() {
        return send(request("/health").GET(), JsonNode.class);
    }

    public WhoAmI whoAmI() {
        return send(request("/api/v1/whoami").GET(), WhoAmI.class);
    }

    public CreatedToken createToken(String name, String role) {
        return send(jsonRequest("/api/v1/tokens", "POST", Map.of("name", name, "role", role)), CreatedToken.class);
    }

    public List<TokenInfo> listTokens() {
        JsonNode body = send(request("/api/v1/tokens").GET(), JsonNode.class);
        return convert(body.get("tokens"), new TypeReference<List<TokenInfo>>() {});
    }

    public TokenInfo revokeToken(String id) {
        return send(request("/api/v1/tokens/" + encodePath(id)).DELETE(), TokenInfo.class);
    }

    public AuditPage listAudit(AuditFilter filter) {
        String query = filter.queryString();
        return send(request("/api/v1/audit" + (query.isEmpty() ? "" : "?" + query)).GET(), AuditPage.class);
    }

    public AuditVerificationResult verifyAudit() {
        return send(request("/api/v1/audit/verify").GET(), AuditVerificationResult.class);
    }

    /** Uploads a file as a content-addressed blob, streaming it. */
    public ArtifactInfo uploadArtifact(Path file) {
        try {
            return send(request("/api/v1/artifacts").header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofFile(file)), ArtifactInfo.class);
        } catch (java.io.FileNotFoundException e) {
            throw new StewardClientException(0, "INVALID_PARAMETER_VALUE", "no such file: " + file, "file", e);
        }
    }

    /** Opens a stored blob; the caller closes the stream. */
    public InputStream downloadArtifact(String sha256) {
        HttpResponse<InputStream> response = exchange(request("/api/v1/artifacts/" + encodePath(sha256)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() >= 400) {
            try (InputStream body = response.body()) {
                throw error(response.statusCode(), body.readAllBytes());
            } catch (IOException e) {
                throw new StewardClientException(response.statusCode(), "UNKNOWN", "HTTP " + response.statusCode(), null, e);
            }
        }
        return response.body();
    }

    /** Sends a JSON request to any path of the API and returns the JSON answer. */
    public JsonNode call(String method, String path, Object body) {
        HttpRequest.Builder builder = body == null ? request(path).method(method, HttpRequest.BodyPublishers.noBody())
                : jsonRequest(path, method, body);
        return send(builder, JsonNode.class);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(baseUrl.resolve(path))
                .timeout(Duration.ofMinutes(5))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json");
    }

    private HttpRequest.Builder jsonRequest(String path, String method, Object body) {
        try {
            return request(path).header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body)));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode the request body as JSON", e);
        }
    }

    private <T> T send(HttpRequest.Builder builder, Class<T> type) {
        HttpResponse<byte[]> response = exchange(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() >= 400) {
            throw error(response.statusCode(), response.body());
        }
        try {
            return mapper.readValue(response.body(), type);
        } catch (IOException e) {
            throw new StewardClientException(response.statusCode(), "MALFORMED_RESPONSE",
                    "the server's answer is not the expected JSON: " + e.getMessage(), null, e);
        }
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (ConnectException e) {
            throw new StewardClientException(0, "UNREACHABLE", "cannot reach Steward at " + baseUrl
                    + ": is the server running? (start it with: steward server)", null, e);
        } catch (IOException e) {
            throw new StewardClientException(0, "UNREACHABLE", "request to " + request.uri() + " failed: " + e, null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StewardClientException(0, "INTERRUPTED", "interrupted while calling " + request.uri(), null, e);
        }
    }

    private StewardClientException error(int status, byte[] body) {
        try {
            JsonNode node = mapper.readTree(body);
            if (node instanceof ObjectNode && node.has("error_code")) {
                return new StewardClientException(status, node.path("error_code").asText(), node.path("message").asText(),
                        node.hasNonNull("field") ? node.get("field").asText() : null, null);
            }
        } catch (IOException ignored) {
            // Not JSON (a proxy's page, say): report the status and the start of the text below.
        }
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
        return new StewardClientException(status, "HTTP_" + status, "HTTP " + status + ": "
                + (text.length() > 200 ? text.substring(0, 200) + "..." : text), null, null);
    }

    private <T> T convert(JsonNode node, TypeReference<T> type) {
        return mapper.convertValue(node, type);
    }

    private static String encodePath(String segment) {
        return java.net.URLEncoder.encode(segment, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public void close() {
        // java.net.http.HttpClient has close() only from Java 21; its threads end with the JVM.
    }
}
