package dev.steward.core.monitoring;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.monitoring.MonitorAlertRecord;
import dev.steward.spi.monitoring.MonitorRecord;
import dev.steward.spi.monitoring.MonitorWindowRecord;
import java.util.List;
import java.util.Optional;

/**
 * A monitor as the API and the CLI show it: its head (revision, reference, who changed it last),
 * its spec with every default written out, the latest closed window, the alerts firing now, and
 * whether this server is watching it.
 *
 * @param specJson the spec's canonical JSON ({@link MonitorSpecs#toJson})
 * @param features the features the reference compares (the spec's, or every input column)
 */
public record MonitorView(MonitorRecord record, MonitorSpec spec, String specJson, List<String> features, Optional<MonitorWindowRecord> latest,
        List<MonitorAlertRecord> firing, boolean active) {
    public MonitorView {
        requireNonNull(record, "record is null");
        requireNonNull(spec, "spec is null");
        requireNonNull(specJson, "specJson is null");
        features = List.copyOf(features);
        requireNonNull(latest, "latest is null");
        firing = List.copyOf(firing);
    }

    public String deployment() {
        return record.deployment();
    }

    public int revision() {
        return record.revision();
    }
}
