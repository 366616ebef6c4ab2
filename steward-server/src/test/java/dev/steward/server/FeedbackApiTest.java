package dev.steward.server;

import static dev.steward.server.StewardServerTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.core.serving.CanaryController;
import dev.steward.core.serving.FeedbackService;
import dev.steward.core.serving.RecordedPrediction;
import dev.steward.core.serving.ReviewService;
import dev.steward.server.config.ConfigLoader;
import dev.steward.spi.serving.FeedbackRecord;
import dev.steward.spi.serving.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feedback and the review queue through the real server. The serving engine is not part of this
 * test: it stands in for it by recording predictions (and offering abstained rows) straight into
 * the server's {@code FeedbackService} and {@code ReviewService}, then sends feedback over HTTP as
 * an application would.
 */
class FeedbackApiTest {
    private static final String MODEL = "penguins-linear";

    @TempDir
    static Path home;

    static StewardServer server;
    static HttpTestClient http;
    static String admin;
    static String alice;
    static String bob;
    static String app;
    static String viewer;

    @BeforeAll
    static void start() throws IOException {
        server = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0", "feedback.max-batch", "50"))));
        http = new HttpTestClient(server.uri());
        admin = server.createdAdminToken().orElseThrow();
        alice = token("alice", "editor");
        bob = token("bob", "deployer");
        app = token("app", "inference");
        viewer = token("vera", "viewer");
        byte[] graph;
        try (InputStream in = FeedbackApiTest.class.getResourceAsStream("/model/external/penguins-linear.onnx")) {
            graph = in.readAllBytes();
        }
        String sha = ok(http.put("/api/v1/artifacts", alice, graph), 201).get("sha256").asText();
        for (int i = 0; i < 2; i++) {
            ok(http.post("/api/v1/models/" + MODEL + "/versions", alice, "{\"onnx_sha256\": \"" + sha + "\", \"signature\": {\"classes\":"
                    + " [\"Adelie\", \"Chinstrap\", \"Gentoo\"], \"target\": \"species\", \"inputs\": [{\"name\": \"float_input\", \"columns\":"
                    + " [\"beak_length_mm\", \"beak_depth_mm\", \"flipper_length_mm\", \"body_mass_g\"]}]}}"), 201);
        }
        ok(http.post("/api/v1/models/" + MODEL + "/versions/1/promote", bob, "{\"environment\": \"production\"}"), 200);
        for (String name : List.of("penguins-api", "review-api", "strict-api")) {
            ok(http.post("/api/v1/deployments", bob, "{\"name\": \"" + name + "\", \"model\": \"models:/" + MODEL + "/1\"}"), 201);
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static RecordedPrediction penguins(String deployment, String requestId, int version, String... labels) {
        return RecordedPrediction.classification(requestId, deployment, 1, MODEL, version, version == 1 ? "weighted" : "canary", labels, new double[0],
                new boolean[0], System.currentTimeMillis());
    }

    @Test
    void feedbackIsJoinedToThePredictionsCountedOnceReportedUnknownWhenNoneMatchesAndSummedPerVersion() {
        FeedbackService feedback = server.steward().feedback();
        List<FeedbackRecord> heard = new CopyOnWriteArrayList<>();
        feedback.onFeedback(fact -> {
            if (fact.deployment().equals("penguins-api")) {
                heard.add(fact);
            }
        });
        long before = System.currentTimeMillis();
        feedback.record(penguins("penguins-api", "req-a", 1, "Adelie", "Gentoo"));
        feedback.record(penguins("penguins-api", "req-b", 2, "Gentoo"));
        feedback.record(RecordedPrediction.regression("req-r", "penguins-api", 1, "mass", 1, "pinned", new double[] {4_100}, System.currentTimeMillis()));
        feedback.record(penguins("review-api", "req-elsewhere", 1, "Adelie"));
        String batch = """
                {"feedback": [
                  {"request_id": "req-a", "row": 0, "label": "Adelie"},
                  {"request_id": "req-a", "row": 1, "label": "Adelie"},
                  {"request_id": "req-b", "label": "Gentoo", "reward": 1.0},
                  {"request_id": "req-r", "value": 4000},
                  {"request_id": "req-x", "label": "Adelie"},
                  {"request_id": "req-elsewhere", "label": "Adelie"},
                  {"request_id": "req-a", "row": 0, "label": "Adelie"},
                  {"request_id": "req-a", "reward": 0.0}
                ]}
                """;

        JsonNode first = ok(http.post("/api/v1/deployments/penguins-api/feedback", app, batch), 200);
        JsonNode again = ok(http.post("/api/v1/deployments/penguins-api/feedback", app, batch), 200);

        assertThat(first.get("accepted").asInt()).isEqualTo(5);
        assertThat(first.get("duplicates").asInt()).as("the same row's label twice in one batch").isEqualTo(1);
        assertThat(first.get("unknown")).extracting(JsonNode::asText).as("another deployment's request is not this one's")
                .containsExactly("req-x", "req-elsewhere");
        assertThat(again.get("accepted").asInt()).as("sending a batch again changes nothing").isZero();
        assertThat(again.get("duplicates").asInt()).isEqualTo(6);
        assertThat(again.get("unknown")).hasSize(2);

        JsonNode figures = ok(http.get("/api/v1/deployments/penguins-api/feedback", viewer), 200);
        assertThat(figures.get("labelled").asInt()).isEqualTo(3);
        assertThat(figures.get("accuracy").asDouble()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(figures.get("valued").asInt()).isEqualTo(1);
        assertThat(figures.get("mean_absolute_error").asDouble()).isEqualTo(100.0);
        assertThat(figures.get("rewarded").asInt()).isEqualTo(2);
        assertThat(figures.get("mean_reward").asDouble()).isEqualTo(0.5);
        assertThat(figures.get("versions")).extracting(v -> v.get("model").asText() + "/" + v.get("version").asInt())
                .containsExactly("mass/1", MODEL + "/1", MODEL + "/2");
        JsonNode v1 = figures.at("/versions/1");
        assertThat(v1.get("labelled").asInt()).isEqualTo(2);
        assertThat(v1.get("accuracy").asDouble()).isEqualTo(0.5);
        assertThat(v1.get("mean_reward").asDouble()).isEqualTo(0.0);
        assertThat(figures.at("/versions/0").has("accuracy")).as("a regression has no accuracy").isFalse();
        assertThat(figures.at("/window/predictions").asInt()).isEqualTo(100_000);
        assertThat(feedback.liveAccuracy("penguins-api", MODEL, 1)).hasValue(0.5);
        assertThat(feedback.liveAccuracy("penguins-api", MODEL, 2)).hasValue(1.0);
        assertThat(feedback.live("penguins-api", MODEL, 2).meanReward()).hasValue(1.0);
        assertThat(feedback.liveAccuracy("penguins-api", MODEL, 3)).isEmpty();
        assertThat(feedback.since("penguins-api", "models:/" + MODEL + "/1", before)).as("the canary's guardrail")
                .isEqualTo(new CanaryController.Labelled(2, 1));
        assertThat(feedback.since("penguins-api", "models:/" + MODEL + "/1", System.currentTimeMillis() + 60_000).labelled()).isZero();
        assertThat(heard).as("each stored fact once, the bandits' rewards among them").hasSize(6);
        assertThat(heard.stream().filter(f -> f.reward().isPresent())).extracting(f -> f.model() + "/" + f.version() + "=" + f.reward().getAsDouble())
                .containsExactlyInAnyOrder(MODEL + "/2=1.0", MODEL + "/1=0.0");

        JsonNode events = ok(http.get("/api/v1/audit?action=feedback.record&object_id=penguins-api", admin), 200).get("events");
        assertThat(events).as("the batch that changed nothing is not audited").hasSize(1);
        assertThat(events.at("/0/details/accepted").asText()).isEqualTo("5");
        assertThat(events.at("/0/actor_name").asText()).isEqualTo("app");
        assertThat(http.get("/api/v1/deployments/penguins-api/feedback", app).statusCode()).as("an inference token sends, not reads").isEqualTo(403);
    }

    @Test
    void anAbstainedRowIsQueuedWithItsInputsLabelledOnceAndItsLabelCountsAsFeedback() {
        RecordedPrediction unsure = RecordedPrediction.classification("req-c", "review-api", 1, MODEL, 1, "weighted", new String[] {"Adelie", "Chinstrap"},
                new double[] {0.95, 0.41}, new boolean[] {false, true}, System.currentTimeMillis());
        server.steward().feedback().record(unsure);
        server.steward().reviews().offer(unsure, List.of(Tensor.of("float_input", new long[] {2, 4},
                new float[] {39.1f, 18.7f, 181, 3750, 48.5f, 17.5f, 191, 3400})));

        JsonNode queue = JobsHttp.poll(() -> ok(http.get("/api/v1/deployments/review-api/reviews", viewer), 200), q -> q.get("open").asInt() == 1);
        JsonNode review = queue.at("/reviews/0");
        assertThat(queue.get("reviews")).hasSize(1);
        assertThat(review.get("request_id").asText()).isEqualTo("req-c");
        assertThat(review.get("row").asInt()).isEqualTo(1);
        assertThat(review.get("predicted").asText()).isEqualTo("Chinstrap");
        assertThat(review.get("confidence").asDouble()).isEqualTo(0.41);
        assertThat(review.get("inputs").get("float_input")).extracting(JsonNode::asDouble).containsExactly(48.5, 17.5, 191.0, 3400.0);
        assertThat(review.get("status").asText()).isEqualTo("open");
        String id = review.get("id").asText();
        assertThat(ok(http.get("/api/v1/reviews/" + id, viewer), 200)).isEqualTo(review);

        refused(http.post("/api/v1/reviews/" + id + "/label", alice, "{\"label\": \"Emperor\"}"), 400, "label", "Adelie, Chinstrap, Gentoo");
        refused(http.post("/api/v1/reviews/" + id + "/label", viewer, "{\"label\": \"Gentoo\"}"), 403, null, null);
        JsonNode labelled = ok(http.post("/api/v1/reviews/" + id + "/label", alice, "{\"label\": \"Gentoo\"}"), 200);
        assertThat(labelled.get("status").asText()).isEqualTo("labelled");
        assertThat(labelled.get("label").asText()).isEqualTo("Gentoo");
        assertThat(labelled.get("labelled_by").asText()).isEqualTo("alice");
        assertThat(labelled.get("feedback").asText()).isEqualTo("accepted");
        refused(http.post("/api/v1/reviews/" + id + "/label", alice, "{\"label\": \"Adelie\"}"), 409, null, "was labelled 'Gentoo' by alice");

        JsonNode open = ok(http.get("/api/v1/deployments/review-api/reviews", viewer), 200);
        assertThat(open.get("reviews")).as("a labelled review leaves the open queue").isEmpty();
        assertThat(open.get("open").asInt()).isZero();
        JsonNode all = ok(http.get("/api/v1/deployments/review-api/reviews?status=all", viewer), 200);
        assertThat(all.at("/reviews/0/label").asText()).isEqualTo("Gentoo");
        JsonNode figures = ok(http.get("/api/v1/deployments/review-api/feedback", viewer), 200);
        assertThat(figures.get("labelled").asInt()).isEqualTo(1);
        assertThat(figures.get("correct").asInt()).isZero();
        assertThat(server.steward().feedback().liveAccuracy("review-api", MODEL, 1)).hasValue(0.0);
        JsonNode late = ok(http.post("/api/v1/deployments/review-api/feedback", app, "{\"feedback\": [{\"request_id\": \"req-c\", \"row\": 1,"
                + " \"label\": \"Gentoo\"}, {\"request_id\": \"req-c\", \"row\": 0, \"label\": \"Adelie\"}]}"), 200);
        assertThat(late.get("duplicates").asInt()).as("the reviewed row has its truth already").isEqualTo(1);
        assertThat(late.get("accepted").asInt()).isEqualTo(1);
        JsonNode event = ok(http.get("/api/v1/audit?action=review.label&object_id=" + id, admin), 200).at("/events/0");
        assertThat(event.at("/details/label").asText()).isEqualTo("Gentoo");
        assertThat(event.at("/details/predicted").asText()).isEqualTo("Chinstrap");
        assertThat(event.get("actor_name").asText()).isEqualTo("alice");
        assertThat(server.steward().reviews().dropped()).isZero();
    }

    @Test
    void theReviewBufferDropsAndCountsWhatDoesNotFitAndClosingWritesWhatItHolds() {
        Steward steward = server.steward();
        ReviewService small = new ReviewService(steward.store(), steward.feedback(), steward.audit(), steward.clock(), 1);
        RecordedPrediction three = RecordedPrediction.classification("req-buffer", "strict-api", 1, MODEL, 1, "weighted", new String[] {"Adelie", "Adelie",
                "Gentoo"}, new double[] {0.4, 0.9, 0.5}, new boolean[] {true, false, true}, System.currentTimeMillis());
        List<Tensor> inputs = List.of(Tensor.column("island", new String[] {"Dream", "Biscoe", "Torgersen"}));

        boolean kept = small.offer(three, inputs);
        small.start();
        small.close();
        boolean afterClose = small.offer(three, inputs);

        assertThat(kept).as("two abstained rows, room for one").isFalse();
        assertThat(afterClose).isFalse();
        assertThat(small.dropped()).isEqualTo(3);
        JsonNode queued = ok(http.get("/api/v1/deployments/strict-api/reviews", viewer), 200).get("reviews");
        assertThat(queued).extracting(r -> r.get("request_id").asText() + "/" + r.get("row").asInt()).containsExactly("req-buffer/0");
        assertThat(queued.at("/0/inputs/island").asText()).isEqualTo("Dream");
    }

    @Test
    void badFeedbackIsRefusedWholeNamingTheItemAndNothingIsStored() {
        server.steward().feedback().record(penguins("strict-api", "req-s", 1, "Adelie"));
        String good = "{\"request_id\": \"req-s\", \"label\": \"Adelie\"}";

        refused(http.post("/api/v1/deployments/nothing/feedback", app, "{\"feedback\": [" + good + "]}"), 404, null, "no deployment named");
        refused(http.post("/api/v1/deployments/strict-api/feedback", app, "{\"feedback\": [" + (good + ",").repeat(50) + good + "]}"), 413,
                "feedback", "at most 50 items");
        refused(http.post("/api/v1/deployments/strict-api/feedback", app, "{\"feedback\": [" + (good + ",").repeat(3)
                + "{\"request_id\": \"req-s\"}]}"), 400, "feedback[3]", "neither");
        refused(http.post("/api/v1/deployments/strict-api/feedback", app, "{\"feedback\": [{\"request_id\": \"req-s\", \"label\": \"Emperor\"}]}"),
                400, "feedback[0].label", "not a class of " + MODEL + "/1");
        refused(http.post("/api/v1/deployments/strict-api/feedback", app, "{\"feedback\": [{\"request_id\": \"req-s\", \"row\": 1.5}]}"), 400,
                "feedback[0].row", null);
        refused(http.post("/api/v1/deployments/strict-api/feedback", app, "{\"feedback\": [{\"request_id\": \"req-s\", \"value\": 2}]}"), 400,
                "feedback[0].value", "classification");
        refused(http.post("/api/v1/deployments/strict-api/feedback", app, "{\"feedback\": []}"), 400, "feedback", "empty");
        refused(http.post("/api/v1/deployments/strict-api/feedback", app, "{}"), 400, "feedback", "required");
        refused(http.post("/api/v1/deployments/strict-api/feedback", app, "{\"feedback\": [" + good + "], \"extra\": 1}"), 400, "extra", null);
        refused(http.get("/api/v1/deployments/nothing/reviews", viewer), 404, null, null);
        refused(http.get("/api/v1/deployments/strict-api/reviews?status=closed", viewer), 400, "status", "open, labelled or all");
        refused(http.get("/api/v1/reviews/rev_0123", viewer), 400, "id", null);
        refused(http.get("/api/v1/reviews/rev_0123456789abcdef", viewer), 404, null, null);
        refused(http.post("/api/v1/reviews/rev_0123456789abcdef/label", alice, "{}"), 400, "label", null);

        JsonNode accepted = ok(http.post("/api/v1/deployments/strict-api/feedback", app, "{\"feedback\": [" + good + "]}"), 200);
        assertThat(accepted.get("accepted").asInt()).as("the refused batches stored nothing").isEqualTo(1);
    }

    private static String token(String name, String role) {
        return json(http.post("/api/v1/tokens", admin, "{\"name\": \"" + name + "\", \"role\": \"" + role + "\"}")).get("secret").asText();
    }

    private static void refused(HttpResponse<String> response, int status, String field, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = json(response);
        if (field != null) {
            assertThat(body.path("field").asText()).as(response.body()).isEqualTo(field);
        }
        if (message != null) {
            assertThat(body.get("message").asText()).as(response.body()).contains(message);
        }
    }

    private static JsonNode ok(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return json(response);
    }
}
