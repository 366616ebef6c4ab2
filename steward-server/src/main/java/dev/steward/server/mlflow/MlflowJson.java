package dev.steward.server.mlflow;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import dev.steward.core.tracking.ArtifactEntry;
import dev.steward.spi.tracking.DatasetInput;
import dev.steward.spi.tracking.Experiment;
import dev.steward.spi.tracking.KeyValue;
import dev.steward.spi.tracking.Metric;
import dev.steward.spi.tracking.Run;
import dev.steward.spi.tracking.RunInfo;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * MLflow's JSON messages (service.proto, proto2) as records. Unset fields and empty repeated
 * fields are left out, as protobuf's JSON printer does; int64 values are JSON numbers, as the
 * MLflow server writes them.
 */
final class MlflowJson {
    private MlflowJson() {}

    // ---- requests ----------------------------------------------------------------------------

    record CreateExperiment(String name, String artifactLocation, List<Tag> tags) {}

    record UpdateExperiment(String experimentId, String newName) {}

    record ExperimentId(String experimentId) {}

    record SetExperimentTag(String experimentId, String key, String value) {}

    record SearchExperiments(Integer maxResults, String pageToken, String filter, List<String> orderBy,
            @JsonDeserialize(using = EnumNameOrNumber.class) String viewType) {}

    record CreateRun(String experimentId, String userId, Long startTime, List<Tag> tags, String runName) {}

    record UpdateRun(String runId, String runUuid, @JsonDeserialize(using = EnumNameOrNumber.class) String status, Long endTime,
            String runName) {}

    record RunId(String runId, String runUuid) {}

    record LogMetric(String runId, String runUuid, String key, Double value, Long timestamp, Long step) {}

    record LogParam(String runId, String runUuid, String key, String value) {}

    record SetTag(String runId, String runUuid, String key, String value) {}

    record DeleteTag(String runId, String key) {}

    record LogBatch(String runId, List<MetricJson> metrics, List<Tag> params, List<Tag> tags) {}

    record LogInputs(String runId, List<DatasetInputJson> datasets) {}

    record SearchRuns(List<String> experimentIds, String filter, @JsonDeserialize(using = EnumNameOrNumber.class) String runViewType,
            Integer maxResults, List<String> orderBy, String pageToken) {}

    /**
     * An enum field (run status, view type) as its name or as its number: protobuf's JSON form
     * allows both, and the service parses either. Every other string field takes only a string.
     */
    static final class EnumNameOrNumber extends StdDeserializer<String> {
        private static final long serialVersionUID = 1L;

        EnumNameOrNumber() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.hasToken(JsonToken.VALUE_STRING) || p.hasToken(JsonToken.VALUE_NUMBER_INT)) {
                return p.getText();
            }
            return (String) ctxt.handleUnexpectedToken(String.class, p);
        }
    }

    // ---- messages ----------------------------------------------------------------------------

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Tag(String key, String value) {
        static List<Tag> of(List<KeyValue> pairs) {
            return pairs.isEmpty() ? null : pairs.stream().map(p -> new Tag(p.key(), p.value())).toList();
        }

        static List<Tag> of(Map<String, String> pairs) {
            return pairs.isEmpty() ? null : pairs.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(e -> new Tag(e.getKey(), e.getValue())).toList();
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record MetricJson(String key, Double value, Long timestamp, Long step) {
        static MetricJson of(Metric metric) {
            return new MetricJson(metric.key(), metric.value(), metric.timestamp(), metric.step());
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ExperimentJson(String experimentId, String name, String artifactLocation, String lifecycleStage, Long lastUpdateTime,
            Long creationTime, List<Tag> tags) {
        static ExperimentJson of(Experiment e) {
            return new ExperimentJson(e.id(), e.name(), e.artifactLocation(), e.lifecycleStage(), e.lastUpdateTime(), e.creationTime(),
                    Tag.of(e.tags()));
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RunInfoJson(String runId, String runUuid, String runName, String experimentId, String userId, String status, Long startTime,
            Long endTime, String artifactUri, String lifecycleStage) {
        static RunInfoJson of(RunInfo info) {
            return new RunInfoJson(info.runId(), info.runId(), info.runName(), info.experimentId(), info.userId(), info.status().name(),
                    info.startTime(), info.endTime().orElse(null), info.artifactUri(), info.lifecycleStage());
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RunDataJson(List<MetricJson> metrics, List<Tag> params, List<Tag> tags) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record DatasetJson(String name, String digest, String sourceType, String source, String schema, String profile) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record DatasetInputJson(List<Tag> tags, DatasetJson dataset) {
        static DatasetInputJson of(DatasetInput input) {
            return new DatasetInputJson(Tag.of(input.tags()), new DatasetJson(input.name(), input.digest(), input.sourceType(),
                    input.source(), input.schema().orElse(null), input.profile().orElse(null)));
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RunInputsJson(List<DatasetInputJson> datasetInputs) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RunJson(RunInfoJson info, RunDataJson data, RunInputsJson inputs) {
        static RunJson of(Run run) {
            List<MetricJson> metrics = run.metrics().isEmpty() ? null : run.metrics().stream().map(MetricJson::of).toList();
            List<DatasetInputJson> inputs = run.inputs().isEmpty() ? null : run.inputs().stream().map(DatasetInputJson::of).toList();
            return new RunJson(RunInfoJson.of(run.info()), new RunDataJson(metrics, Tag.of(run.params()), Tag.of(run.tags())),
                    new RunInputsJson(inputs));
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record FileInfoJson(String path, Boolean isDir, Long fileSize) {
        static FileInfoJson of(ArtifactEntry entry, String path) {
            return new FileInfoJson(path, entry.isDir(), entry.fileSize().orElse(null));
        }
    }

    // ---- responses ---------------------------------------------------------------------------

    record Empty() {}

    record CreateExperimentResponse(String experimentId) {}

    record ExperimentResponse(ExperimentJson experiment) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SearchExperimentsResponse(List<ExperimentJson> experiments, String nextPageToken) {}

    record RunResponse(RunJson run) {}

    record UpdateRunResponse(RunInfoJson runInfo) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SearchRunsResponse(List<RunJson> runs, String nextPageToken) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record MetricHistoryResponse(List<MetricJson> metrics, String nextPageToken) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ListArtifactsResponse(String rootUri, List<FileInfoJson> files, String nextPageToken) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ListProxyArtifactsResponse(List<FileInfoJson> files) {}
}
