package dev.steward.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.core.serving.LoggedRequest;
import dev.steward.core.serving.log.RequestLogReader;
import dev.steward.core.serving.log.SegmentCheck;
import dev.steward.server.config.ConfigLoader;
import dev.steward.spi.serving.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server opens the request log under its home (offline commands never do), shows its gauges in /metrics and seals it on stop. */
class StewardRequestLogTest {
    @Test
    void onlyTheServerOpensTheLogUnderItsHomeShowsItInMetricsAndSealsItOnStop(@TempDir Path home) {
        LoggedRequest entry = new LoggedRequest("r-1", "penguins-api", 1, "penguins", 1, "pinned", "tok_1", "oip", 1_767_225_600_000L, 250_000, 1,
                List.of(Tensor.of("x", new long[] {1, 1}, new double[] {1.5})), Map.of("y", Tensor.of("y", new long[] {1}, new long[] {2})),
                Optional.empty());
        Steward steward = Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0")));
        assertThat(home.resolve("logs")).as("opening the stores, as offline commands do, leaves the log alone").doesNotExist();
        try (StewardServer server = StewardServer.start(steward)) {
            assertThat(server.steward().requestLog()).isSameAs(server.steward().requestLog());
            assertThat(server.steward().requestLog().offer(entry)).isTrue();

            String metrics = new HttpTestClient(server.uri()).get("/metrics", null).body();
            assertThat(metrics).contains("steward_request_log_queued ").contains("steward_request_log_dropped_total 0.0");
        }
        List<LoggedRequest> read = new ArrayList<>();
        List<SegmentCheck> checks = new RequestLogReader(home.resolve("logs")).read("penguins-api", read::add);
        assertThat(checks).singleElement().matches(c -> c.status() == SegmentCheck.Status.SEALED && c.intact());
        assertThat(read).containsExactly(entry);
    }
}
