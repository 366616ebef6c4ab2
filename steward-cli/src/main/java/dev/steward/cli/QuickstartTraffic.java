package dev.steward.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.cli.QuickstartData.Penguin;
import dev.steward.spi.StewardException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntConsumer;

/**
 * The quickstart's application: it calls a deployment as clients of other tools would, in turn
 * through the Open Inference Protocol ({@code /v2/models/NAME/infer}), MLflow's scoring protocol
 * ({@code /deployments/NAME/invocations}) and Steward's records API, each request with an
 * {@code X-Request-Id} of its own, and then tells the deployment the true species of each answer
 * (feedback by request id), ten at a time.
 */
final class QuickstartTraffic {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> STRINGS = List.of("island", "sex");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI server;
    private final String token;
    /** Unique per quickstart process, so that a second quickstart's request ids never collide with the first's. */
    private final String prefix = "qs-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    private long counter;

    QuickstartTraffic(URI server, String token) {
        this.server = requireNonNull(server, "server is null");
        this.token = requireNonNull(token, "token is null");
    }

    /** Requests by protocol, their median latency and how many were labelled. */
    record Tally(int oip, int invocations, int records, double p50Millis, int labelled) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d requests (%d OIP v2, %d /invocations, %d records API), p50 %.1f ms, %d labels fed back",
                    oip + invocations + records, oip, invocations, records, p50Millis, labelled);
        }
    }

    /** Waits until the deployment's versions are loaded and warm ({@code /v2/models/NAME/ready}). */
    void awaitReady(String deployment, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            HttpResponse<String> ready = exchange(HttpRequest.newBuilder(server.resolve("/v2/models/" + deployment + "/ready"))
                    .header("Authorization", "Bearer " + token).GET());
            if (ready.statusCode() == 200) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw StewardException.internal(deployment + " was not ready after " + patience.toSeconds() + " s: " + ready.body(), null);
            }
            pause();
        }
    }

    /** Sends one request per penguin, rotating the protocols; with {@code feedback}, the true species of each answer. */
    Tally send(String deployment, List<Penguin> penguins, boolean feedback, IntConsumer sent) {
        int[] protocols = new int[3];
        double[] millis = new double[penguins.size()];
        List<Map<String, Object>> labels = new ArrayList<>();
        int labelled = 0;
        for (int i = 0; i < penguins.size(); i++) {
            Penguin penguin = penguins.get(i);
            String id = prefix + counter++;
            // OIP carries a missing number as NaN, which JSON cannot hold: incomplete penguins go through the other two protocols.
            int protocol = (int) (counter % 3);
            if (protocol == 0 && penguin.record().containsValue(null)) {
                protocol = 1;
            }
            long start = System.nanoTime();
            HttpResponse<String> answer = exchange(request(deployment, protocol, penguin).header("X-Request-Id", id));
            millis[i] = (System.nanoTime() - start) / 1e6;
            if (answer.statusCode() != 200) {
                throw StewardException.invalid("traffic", "the deployment " + deployment + " answered HTTP " + answer.statusCode() + ": "
                        + answer.body());
            }
            protocols[protocol]++;
            if (feedback) {
                labels.add(Map.of("request_id", id, "row", 0, "label", penguin.species()));
                if (labels.size() == 10 || i == penguins.size() - 1) {
                    labelled += feedback(deployment, labels);
                    labels.clear();
                }
            }
            sent.accept(i + 1);
        }
        Arrays.sort(millis);
        return new Tally(protocols[0], protocols[1], protocols[2], millis.length == 0 ? Double.NaN : millis[millis.length / 2], labelled);
    }

    private int feedback(String deployment, List<Map<String, Object>> labels) {
        HttpResponse<String> answer = exchange(json("/api/v1/deployments/" + deployment + "/feedback", Map.of("feedback", labels)));
        if (answer.statusCode() != 200) {
            throw StewardException.invalid("feedback", "feedback to " + deployment + " was refused, HTTP " + answer.statusCode() + ": "
                    + answer.body());
        }
        try {
            return JSON.readTree(answer.body()).path("accepted").asInt();
        } catch (IOException e) {
            throw StewardException.internal("reading the feedback's answer " + answer.body(), e);
        }
    }

    private HttpRequest.Builder request(String deployment, int protocol, Penguin penguin) {
        Map<String, Object> record = penguin.record();
        return switch (protocol) {
            case 0 -> {
                List<Map<String, Object>> inputs = new ArrayList<>();
                record.forEach((column, value) -> inputs.add(Map.of("name", column, "shape", List.of(1, 1), "datatype",
                        STRINGS.contains(column) ? "BYTES" : "FP64", "data", List.of(value))));
                yield json("/v2/models/" + deployment + "/infer", Map.of("inputs", inputs));
            }
            case 1 -> json("/deployments/" + deployment + "/invocations", Map.of("dataframe_records", List.of(record)));
            default -> json("/api/v1/deployments/" + deployment + "/predict", Map.of("records", List.of(record)));
        };
    }

    private HttpRequest.Builder json(String path, Object body) {
        try {
            return HttpRequest.newBuilder(server.resolve(path)).timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        } catch (IOException e) {
            throw StewardException.internal("encoding a request to " + path, e);
        }
    }

    private HttpResponse<String> exchange(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw StewardException.internal("calling " + server, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StewardException.internal("interrupted while calling " + server, e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StewardException.internal("interrupted while waiting for a deployment", e);
        }
    }
}
