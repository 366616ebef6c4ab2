package dev.steward.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.server.config.ConfigLoader;
import dev.steward.server.config.StewardConfig;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path home;

    @Test
    void defaultsBindLoopbackAndKeepEverythingInTheHome() {
        StewardConfig config = ConfigLoader.load(home, Map.of(), Map.of());

        assertThat(config.home()).isEqualTo(home.toAbsolutePath().normalize());
        assertThat(config.server().bindAddress()).isEqualTo("127.0.0.1");
        assertThat(config.server().port()).isEqualTo(8080);
        assertThat(config.server().maxBodyBytes()).isEqualTo(16L << 20);
        assertThat(config.server().maxJsonDepth()).isEqualTo(64);
        assertThat(config.server().maxStringLength()).isEqualTo(1 << 20);
        assertThat(config.server().maxArtifactBytes()).isEqualTo(5L << 30);
        assertThat(config.server().shutdownTimeoutMs()).isEqualTo(30_000);
        assertThat(config.store().url()).isEqualTo("jdbc:sqlite:" + config.home().resolve("steward.db"));
        assertThat(config.store().poolSize()).isEqualTo(8);
        assertThat(config.store().busyTimeoutMs()).isEqualTo(10_000);
        assertThat(config.store().sqliteSynchronous()).isEqualTo("NORMAL");
        assertThat(config.artifactsUrl()).isEqualTo(config.home().resolve("artifacts").toString());
        assertThat(config.adminTokenFile()).isEqualTo(config.home().resolve("admin.token"));
        assertThat(config.jobs().concurrency()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(config.jobs().directory()).isEqualTo(config.home().resolve("jobs"));
        assertThat(config.jobs().isolateTraining()).isTrue();
        assertThat(config.webhooks().timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.webhooks().maxAttempts()).isEqualTo(30);
        assertThat(config.webhooks().maxAge()).isEqualTo(Duration.ofHours(24));
        assertThat(config.webhooks().retryBase()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.feedback().indexPredictions()).isEqualTo(100_000);
        assertThat(config.feedback().indexRows()).isEqualTo(1_000_000);
        assertThat(config.feedback().indexAge()).isEqualTo(Duration.ofHours(24));
        assertThat(config.feedback().maxBatch()).isEqualTo(1_000);
        assertThat(config.feedback().reviewBuffer()).isEqualTo(10_000);
        assertThat(ConfigLoader.load(home, Map.of("STEWARD_JOBS_TRAINING_ISOLATION", "none"), Map.of()).jobs().isolateTraining()).isFalse();
        assertThatThrownBy(() -> ConfigLoader.load(home, Map.of(), Map.of("jobs.training-isolation", "thread")))
                .hasMessageContaining("must be process");
    }

    @Test
    void fileOverridesDefaultsEnvironmentOverridesFileAndFlagsOverrideEverything() throws IOException {
        Files.writeString(home.resolve("steward.yaml"), """
                server:
                  port: 9000
                  bind-address: 0.0.0.0
                store:
                  pool-size: 3
                """);

        StewardConfig fromFile = ConfigLoader.load(home, Map.of(), Map.of());
        StewardConfig fromEnvironment = ConfigLoader.load(home, Map.of("STEWARD_SERVER_PORT", "9100", "OTHER", "x"), Map.of());
        StewardConfig fromFlags = ConfigLoader.load(home, Map.of("STEWARD_SERVER_PORT", "9100"), Map.of("server.port", "9200"));

        assertThat(fromFile.server().port()).isEqualTo(9000);
        assertThat(fromFile.server().bindAddress()).isEqualTo("0.0.0.0");
        assertThat(fromFile.store().poolSize()).isEqualTo(3);
        assertThat(fromEnvironment.server().port()).isEqualTo(9100);
        assertThat(fromFlags.server().port()).isEqualTo(9200);
        assertThat(fromFlags.server().bindAddress()).isEqualTo("0.0.0.0");
    }

    @Test
    void flatDottedKeysWorkInTheFileToo() throws IOException {
        Files.writeString(home.resolve("steward.yaml"), "server.port: 9300\n");

        assertThat(ConfigLoader.load(home, Map.of(), Map.of()).server().port()).isEqualTo(9300);
    }

    @Test
    void anUnknownKeyInTheFileIsAnErrorThatNamesIt() throws IOException {
        Files.writeString(home.resolve("steward.yaml"), "server:\n  prot: 9000\n");

        assertThatThrownBy(() -> ConfigLoader.load(home, Map.of(), Map.of()))
                .isInstanceOfSatisfying(StewardException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
                    assertThat(e.field()).contains("server.prot");
                    assertThat(e.getMessage()).contains("server.prot", "steward.yaml", "server.port");
                });
    }

    @Test
    void anUnknownFlagIsAnErrorThatNamesIt() {
        assertThatThrownBy(() -> ConfigLoader.load(home, Map.of(), Map.of("store.ulr", "x")))
                .isInstanceOf(StewardException.class)
                .hasMessageContaining("store.ulr");
    }

    @Test
    void aBadValueNamesTheKeyAndWhereItCameFrom() {
        assertThatThrownBy(() -> ConfigLoader.load(home, Map.of("STEWARD_SERVER_PORT", "eighty"), Map.of()))
                .isInstanceOfSatisfying(StewardException.class, e -> {
                    assertThat(e.field()).contains("server.port");
                    assertThat(e.getMessage()).contains("STEWARD_SERVER_PORT", "eighty");
                });
        assertThatThrownBy(() -> ConfigLoader.load(home, Map.of(), Map.of("server.port", "70000")))
                .hasMessageContaining("between 0 and 65535");
        assertThatThrownBy(() -> ConfigLoader.load(home, Map.of(), Map.of("store.sqlite-synchronous", "off")))
                .hasMessageContaining("NORMAL or FULL");
    }

    @Test
    void aFileThatIsNotAMappingIsRejected() throws IOException {
        Files.writeString(home.resolve("steward.yaml"), "- a\n- b\n");

        assertThatThrownBy(() -> ConfigLoader.load(home, Map.of(), Map.of()))
                .isInstanceOf(StewardException.class)
                .hasMessageContaining("mapping");
    }

    @Test
    void environmentVariableNamesFollowTheKeys() {
        assertThat(ConfigLoader.environmentVariable("server.bind-address")).isEqualTo("STEWARD_SERVER_BIND_ADDRESS");
    }
}
