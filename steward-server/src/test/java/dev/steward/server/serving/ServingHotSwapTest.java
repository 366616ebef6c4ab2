package dev.steward.server.serving;

import static dev.steward.server.serving.ServingFixture.json;
import static dev.steward.server.serving.ServingFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Version changes under load fail no request: an update to another version, then a restore of the first revision, on every protocol. */
class ServingHotSwapTest {
    static ServingFixture fixture;

    @BeforeAll
    static void start() {
        fixture = ServingFixture.shared();
        fixture.deploy("swap-api", ServingFixture.rf("", 1, 1));
    }

    @Test
    void anUpdateAndARevisionRestoreUnderConcurrentClientsFailNoRequest() throws Exception {
        ServingTraffic traffic = new ServingTraffic(fixture, "swap-api", 2);
        try {
            ServingTraffic.await(() -> traffic.answeredBy("1") > 60, "traffic on version 1");
            fixture.update("swap-api", ServingFixture.rf("", 2, 1));
            int onTwo = traffic.answeredBy("2");
            ServingTraffic.await(() -> traffic.answeredBy("2") > onTwo + 60, "traffic on version 2");
            int onOne = traffic.answeredBy("1");
            int restored = json(ok(fixture.http.post("/api/v1/deployments/swap-api/restore", fixture.deployer,
                    "{\"revision\": 1, \"reason\": \"back to version 1\"}"), 200)).get("revision").asInt();
            fixture.awaitReady("swap-api", restored);
            ServingTraffic.await(() -> traffic.answeredBy("1") > onOne + 60, "traffic on version 1 again");
        } finally {
            traffic.close();
        }

        assertThat(traffic.answers).as("every answer during the swap and the restore").allSatisfy(answer ->
                assertThat(answer.status()).as(answer.protocol() + ": " + answer.body()).isEqualTo(200));
        assertThat(traffic.answers).extracting(ServingTraffic.Answer::protocol).containsAll(ServingTraffic.PROTOCOLS);
    }
}
