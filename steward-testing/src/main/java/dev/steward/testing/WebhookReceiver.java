package dev.steward.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver on a loopback port, as a user would write one: it records every request,
 * answers a chosen status, and verifies signatures with its own HMAC code (not Steward's).
 */
public final class WebhookReceiver implements AutoCloseable {
    static {
        // Without it the JDK's server delays small responses by 40 ms or more (Nagle + delayed ACK).
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One request as it arrived; header names in lower case. */
    public record Request(Map<String, String> headers, byte[] body, int answeredWith) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + new String(body, StandardCharsets.UTF_8), e);
            }
        }

        public boolean delivered() {
            return answeredWith / 100 == 2;
        }

        /** The receiver's side of the protocol: HMAC-SHA256 over "{timestamp}.{body}", compared in constant time. */
        public boolean signedWith(String secret) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                mac.update((header("X-Steward-Timestamp") + ".").getBytes(StandardCharsets.UTF_8));
                String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
                String given = header("X-Steward-Signature");
                return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
            } catch (java.security.GeneralSecurityException e) {
                throw new AssertionError(e);
            }
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new ArrayList<>();
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicInteger failuresLeft = new AtomicInteger();

    public WebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/hook", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                byte[] body = in.readAllBytes();
                Map<String, String> headers = new TreeMap<>();
                exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
                int answer = failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 500 : status.get();
                synchronized (requests) {
                    requests.add(new Request(headers, body, answer));
                }
                exchange.sendResponseHeaders(answer, -1);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    /** The URL to subscribe, with a query string (receivers often put a routing key there). */
    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook?source=steward");
    }

    /** Answers {@code code} from now on. */
    public void answer(int code) {
        status.set(code);
    }

    /** Answers 500 to the next {@code count} requests, then the usual status again. */
    public void failNext(int count) {
        failuresLeft.set(count);
    }

    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    public List<Request> delivered() {
        return requests().stream().filter(Request::delivered).toList();
    }

    /** Waits (generously: the machine may be loaded) until the requests received satisfy {@code wanted}. */
    public List<Request> await(Predicate<List<Request>> wanted) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            List<Request> seen = requests();
            if (wanted.test(seen)) {
                return seen;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("timed out waiting for webhook requests; received: " + requests().stream()
                .map(r -> r.answeredWith() + " " + new String(r.body(), StandardCharsets.UTF_8)).toList());
    }

    public List<Request> awaitDelivered(int count) {
        await(seen -> seen.stream().filter(Request::delivered).count() >= count);
        return delivered();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
