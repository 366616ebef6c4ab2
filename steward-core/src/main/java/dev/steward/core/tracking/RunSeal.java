package dev.steward.core.tracking;

import dev.steward.core.util.Digests;
import dev.steward.spi.tracking.ArtifactFile;
import dev.steward.spi.tracking.KeyValue;
import dev.steward.spi.tracking.Metric;
import dev.steward.spi.tracking.Run;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.List;

/**
 * The digest that seals a run's content when it ends: params, tags, every metric point and every
 * artifact file, each field length-prefixed after a version tag. Metric points and artifacts are
 * not audited one by one; this digest, recorded in the run's audit event, makes a later edit of
 * any of them in the database detectable. Changing the encoding needs a new version tag.
 */
final class RunSeal {
    private static final String VERSION = "steward-run-seal-v1";

    private RunSeal() {}

    static String of(Run run, List<Metric> allMetrics, List<ArtifactFile> artifacts) {
        MessageDigest digest = Digests.newSha256();
        field(digest, VERSION);
        field(digest, run.info().runId());
        field(digest, run.info().experimentId());
        section(digest, "params", run.params());
        section(digest, "tags", run.tags());
        field(digest, "metrics");
        field(digest, Integer.toString(allMetrics.size()));
        allMetrics.stream()
                .sorted(Comparator.comparing(Metric::key).thenComparingLong(Metric::step).thenComparingLong(Metric::timestamp)
                        .thenComparingDouble(Metric::value))
                .forEach(metric -> {
                    field(digest, metric.key());
                    field(digest, Long.toString(Double.doubleToLongBits(metric.value())));
                    field(digest, Long.toString(metric.timestamp()));
                    field(digest, Long.toString(metric.step()));
                });
        field(digest, "artifacts");
        field(digest, Integer.toString(artifacts.size()));
        artifacts.stream().sorted(Comparator.comparing(ArtifactFile::path)).forEach(file -> {
            field(digest, file.path());
            field(digest, file.sha256());
        });
        return Digests.hex(digest.digest());
    }

    private static void section(MessageDigest digest, String name, List<KeyValue> pairs) {
        field(digest, name);
        field(digest, Integer.toString(pairs.size()));
        pairs.stream().sorted(Comparator.comparing(KeyValue::key)).forEach(pair -> {
            field(digest, pair.key());
            field(digest, pair.value());
        });
    }

    private static void field(MessageDigest digest, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        digest.update(bytes);
    }
}
