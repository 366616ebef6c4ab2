package dev.steward.spi.monitoring;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * An alert of a monitor's rule: {@link #FIRING} from the window where its condition had held for
 * {@code for} windows in a row, {@link #RESOLVED} at the first window where it did not. A rule has
 * at most one firing alert at a time.
 *
 * @param id {@code alr_} + 16 hex
 * @param firstWindow the window it fired on
 * @param lastWindow the latest window the condition held in
 * @param evidenceJson {@code {"window", "metric", "value", "condition", "windows": [...]}}: what made it fire
 * @param actionsJson what its actions did, a JSON array of {@code {"action", "outcome", ...}}
 * @param resolvedWindow the window where the condition no longer held
 */
public record MonitorAlertRecord(String id, String deployment, int revision, String rule, String state, long firedAt, Optional<Long> resolvedAt,
        long firstWindow, long lastWindow, Optional<Long> resolvedWindow, String evidenceJson, String actionsJson) {
    public static final String FIRING = "firing";
    public static final String RESOLVED = "resolved";

    public MonitorAlertRecord {
        requireNonNull(id, "id is null");
        requireNonNull(deployment, "deployment is null");
        requireNonNull(rule, "rule is null");
        requireNonNull(state, "state is null");
        requireNonNull(resolvedAt, "resolvedAt is null");
        requireNonNull(resolvedWindow, "resolvedWindow is null");
        requireNonNull(evidenceJson, "evidenceJson is null");
        requireNonNull(actionsJson, "actionsJson is null");
    }
}
