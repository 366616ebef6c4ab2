package dev.steward.core.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.core.stats.MultipleTesting;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class MonitorSpecsTest {
    private static final String FULL = """
            reference: {dataset: seattle-weather, version: 1}
            window: {requests: 1000, min-rows: 30}
            features: [temp_max, temp_min, precipitation, wind]
            drift: {correction: benjamini-hochberg, alpha: 0.05, large-window: 10000, wasserstein: 0.1, jensen-shannon: 0.1, psi: 0.2, bins: 10}
            multivariate: {enabled: true, sample: 500, permutations: 200, alpha: 0.05, seed: 1}
            outliers: {enabled: true, threshold: 6.0}
            performance: {estimate: true}
            schedule: {on-close: true, grace: 2s}
            alerts:
              - {name: drift, when: "drifted_features >= 2", for: 1, actions: [retrain], priority: 5}
              - {name: accuracy, when: "estimated_accuracy < 0.8", actions: [rollback-canary, cut-out]}
            """;

    @Test
    void anEmptySpecTakesEveryDefault() {
        assertThat(MonitorSpecs.parse("{}")).isEqualTo(MonitorSpec.DEFAULTS);
        assertThat(MonitorSpecs.parse("")).isEqualTo(MonitorSpec.DEFAULTS);
        assertThat(MonitorSpecs.parse("# nothing but a comment\n")).isEqualTo(MonitorSpec.DEFAULTS);

        MonitorSpec spec = MonitorSpec.DEFAULTS;
        assertThat(spec.reference()).isEmpty();
        assertThat(spec.window().kind()).isEqualTo(MonitorSpec.WindowKind.REQUESTS);
        assertThat(spec.window().requests()).isEqualTo(1000);
        assertThat(spec.window().minRows()).isEqualTo(30);
        assertThat(spec.features()).isEmpty();
        assertThat(spec.drift().correction()).isEqualTo(MultipleTesting.BENJAMINI_HOCHBERG);
        assertThat(spec.drift().alpha()).isEqualTo(0.05);
        assertThat(spec.drift().largeWindow()).isEqualTo(10_000);
        assertThat(spec.drift().psi()).isEmpty();
        assertThat(spec.drift().bins()).isEqualTo(10);
        assertThat(spec.multivariate()).isEqualTo(new MonitorSpec.Multivariate(true, 500, 200, 0.05, 1));
        assertThat(spec.outliers()).isEqualTo(new MonitorSpec.Outliers(true, Optional.empty()));
        assertThat(spec.performance().estimate()).isTrue();
        assertThat(spec.schedule()).isEqualTo(new MonitorSpec.Schedule(true, Duration.ofSeconds(2)));
        assertThat(spec.alerts()).isEmpty();
        assertThat(MonitorSpecs.toJson(spec)).isEqualTo("{\"window\":{\"requests\":1000,\"min-rows\":30},\"features\":[],\"drift\":{\"correction\":"
                + "\"benjamini-hochberg\",\"alpha\":0.05,\"large-window\":10000,\"wasserstein\":0.1,\"jensen-shannon\":0.1,\"bins\":10},"
                + "\"multivariate\":{\"enabled\":true,\"sample\":500,\"permutations\":200,\"alpha\":0.05,\"seed\":1},\"outliers\":{\"enabled\":true},"
                + "\"performance\":{\"estimate\":true},\"schedule\":{\"on-close\":true,\"grace\":\"2s\"},\"alerts\":[]}");
    }

    @Test
    void everyFieldIsReadFromYaml() {
        MonitorSpec spec = MonitorSpecs.parse(FULL);

        assertThat(spec.reference()).contains(new MonitorSpec.Reference("seattle-weather", 1));
        assertThat(spec.features()).containsExactly("temp_max", "temp_min", "precipitation", "wind");
        assertThat(spec.drift().psi()).contains(0.2);
        assertThat(spec.outliers().threshold()).contains(6.0);
        assertThat(spec.alerts()).hasSize(2);
        MonitorSpec.AlertRule drift = spec.alerts().get(0);
        assertThat(drift.name()).isEqualTo("drift");
        assertThat(drift.when()).isEqualTo(new AlertCondition(AlertCondition.Metric.DRIFTED_FEATURES, AlertCondition.Operator.GE, 2));
        assertThat(drift.forWindows()).isEqualTo(1);
        assertThat(drift.actions()).containsExactly(MonitorSpec.AlertAction.RETRAIN);
        assertThat(drift.retrainPriority()).isEqualTo(5);
        MonitorSpec.AlertRule accuracy = spec.alerts().get(1);
        assertThat(accuracy.actions()).containsExactly(MonitorSpec.AlertAction.ROLLBACK_CANARY, MonitorSpec.AlertAction.CUT_OUT);
        assertThat(accuracy.retrainPriority()).isZero();
        assertThat(accuracy.when().holds(OptionalDouble.of(0.7))).isTrue();
    }

    @Test
    void theCanonicalJsonReadsBackToTheSameSpecAndIsStable() {
        MonitorSpec spec = MonitorSpecs.parse(FULL);
        String json = MonitorSpecs.toJson(spec);

        assertThat(MonitorSpecs.fromJson(json)).isEqualTo(spec);
        assertThat(MonitorSpecs.toJson(MonitorSpecs.fromJson(json))).isEqualTo(json);
        assertThat(MonitorSpecs.parse(json)).as("JSON is YAML too").isEqualTo(spec);
        assertThat(json).contains("\"when\":\"drifted_features >= 2\"", "\"actions\":[\"rollback-canary\",\"cut-out\"]", "\"grace\":\"2s\"");
    }

    @Test
    void timeWindowsTakeShortAndIsoDurations() {
        assertThat(MonitorSpecs.parse("window: {duration: 1h}").window()).isEqualTo(new MonitorSpec.Window(MonitorSpec.WindowKind.TIME, 0,
                Duration.ofHours(1), 30));
        assertThat(MonitorSpecs.parse("window: {duration: PT1H30M, min-rows: 5}").window().duration()).isEqualTo(Duration.ofMinutes(90));
        assertThat(MonitorSpecs.parse("window: {duration: 1d}").window().duration()).isEqualTo(Duration.ofDays(1));
        assertThat(MonitorSpecs.parse("window: {duration: 30s}").window().duration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(MonitorSpecs.parse("schedule: {grace: 500ms}").schedule().grace()).isEqualTo(Duration.ofMillis(500));
        assertThat(MonitorSpecs.parse("schedule: {grace: 0s, on-close: false}").schedule()).isEqualTo(new MonitorSpec.Schedule(false,
                Duration.ZERO));

        MonitorSpec spec = MonitorSpecs.parse("window: {duration: PT1H30M}\nschedule: {grace: 500ms}");
        assertThat(MonitorSpecs.toJson(spec)).contains("\"duration\":\"90m\"", "\"grace\":\"500ms\"");
        assertThat(MonitorSpecs.fromJson(MonitorSpecs.toJson(spec))).isEqualTo(spec);
    }

    @Test
    void theSameSpecReadsAlikeFromJson() {
        String json = """
                {"window": {"duration": "15m"}, "drift": {"correction": "bonferroni"},
                 "alerts": [{"name": "mmd", "when": "mmd_p_value < 0.01", "for": 3, "actions": ["cut-out"]}]}
                """;
        MonitorSpec spec = MonitorSpecs.parse(json);

        assertThat(spec.window().duration()).isEqualTo(Duration.ofMinutes(15));
        assertThat(spec.drift().correction()).isEqualTo(MultipleTesting.BONFERRONI);
        assertThat(spec.alerts().get(0).forWindows()).isEqualTo(3);
        assertThat(MonitorSpecs.parse("drift: {correction: none}").drift().correction()).isEqualTo(MultipleTesting.NONE);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            window: {requests: 5}                               | window.requests
            window: {requests: 1000, duration: 1h}              | window.duration
            window: {duration: 1 hour}                          | window.duration
            window: {duration: 100ms}                           | window.duration
            window: {duration: 60}                              | window.duration
            window: {min-rows: 0}                               | window.min-rows
            window: {rows: 10}                                  | window.rows
            reference: {dataset: weather}                       | reference.version
            reference: {version: 2}                             | reference.dataset
            reference: {dataset: weather, version: 0}           | reference.version
            features: temp                                      | features
            features: [temp, temp]                              | features[1]
            features: [temp, 3]                                 | features[1]
            drift: {correction: holm}                           | drift.correction
            drift: {alpha: 1.5}                                 | drift.alpha
            drift: {alpha: fast}                                | drift.alpha
            drift: {large-window: 50}                           | drift.large-window
            drift: {wasserstein: -1}                            | drift.wasserstein
            drift: {jensen-shannon: 2}                          | drift.jensen-shannon
            drift: {psi: 0}                                     | drift.psi
            drift: {bins: 1}                                    | drift.bins
            multivariate: {sample: 5}                           | multivariate.sample
            multivariate: {permutations: 5}                     | multivariate.permutations
            multivariate: {alpha: 0}                            | multivariate.alpha
            multivariate: {enabled: yes please}                 | multivariate.enabled
            outliers: {threshold: -2}                           | outliers.threshold
            performance: {estimate: 1}                          | performance.estimate
            schedule: {grace: 2h}                               | schedule.grace
            schedule: {on_close: true}                          | schedule.on_close
            alerts: {name: drift}                               | alerts
            alerts: [drift]                                     | alerts[0]
            alerts: [{when: 'rows > 1'}]                        | alerts[0].name
            alerts: [{name: a}]                                 | alerts[0].when
            alerts: [{name: a, when: 'rows > 1'}, {name: b, when: 'speed > 1'}] | alerts[1].when
            alerts: [{name: a, when: 'accuracy < 2'}]           | alerts[0].when
            alerts: [{name: a, when: 'rows > 1', for: 0}]       | alerts[0].for
            alerts: [{name: a, when: 'rows > 1', priority: 101}] | alerts[0].priority
            alerts: [{name: 'bad name', when: 'rows > 1'}]      | alerts[0].name
            alerts: [{name: a, when: 'rows > 1', actions: [page]}] | alerts[0].actions[0]
            alerts: [{name: a, when: 'rows > 1', actions: [retrain, retrain]}] | alerts[0].actions[1]
            alerts: [{name: a, when: 'rows > 1'}, {name: a, when: 'rows > 2'}] | alerts[1].name
            alerts: [{name: a, when: 'rows > 1', severity: high}] | alerts[0].severity
            thresholds: {}                                      | thresholds
            window: 1000                                        | window
            """)
    void everyMistakeNamesItsField(String text, String field) {
        assertThatThrownBy(() -> MonitorSpecs.parse(text)).isInstanceOfSatisfying(StewardException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
            assertThat(e.field()).contains(field);
            assertThat(e.getMessage()).startsWith(field);
        });
    }

    @Test
    void textThatIsNoMappingOrTooLongIsRefusedAsTheSpec() {
        for (String text : List.of("[1, 2]", "window: {requests: [", "just words", "window: {requests: 10}\nwindow: {requests: 20}",
                "features: [" + "x,".repeat(40_000) + "y]")) {
            assertThatThrownBy(() -> MonitorSpecs.parse(text)).as(text.length() > 80 ? text.substring(0, 80) : text)
                    .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.field()).contains("spec"));
        }
        assertThatThrownBy(() -> MonitorSpecs.fromJson("{\"window\": 3}")).isInstanceOfSatisfying(StewardException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.DATA_CORRUPTED));
    }
}
