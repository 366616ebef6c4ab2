package dev.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StartupWorkloadTest {
    @Test
    void everyCommandOfTheWorkloadRunsItsWholePathAndTheMissingDatasetItsErrorPath() throws IOException {
        Map<String, Integer> statuses = StartupWorkload.run();

        assertThat(statuses).containsEntry("data show missing", Main.FAILED).hasSizeGreaterThan(5);
        assertThat(statuses).allSatisfy((command, status) -> {
            if (!command.equals("data show missing")) {
                assertThat(status).as(command).isZero();
            }
        });
    }
}
