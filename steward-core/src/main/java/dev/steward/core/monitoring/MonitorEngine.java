package dev.steward.core.monitoring;

import static java.util.Objects.requireNonNull;

import dev.steward.core.serving.RequestLogTap;
import java.util.Optional;

/**
 * The data path of monitoring, as the monitoring service sees it: it checks a monitor against its
 * deployment and builds the reference once; it keeps, for every active monitor, the open window's
 * mergeable profile, fed through the request log's {@link RequestLogTap} (so it never re-reads
 * the log), and hands each window over as it closes; it evaluates a window's profile against the
 * reference into a {@link WindowReport}; and it recomputes a window from the log's segments for
 * audit. It never touches the metadata store: the service stores what it hands over.
 *
 * <p>Window profiles and references travel as bytes (their own versioned formats) so the service
 * can store them and merge the parts several replicas closed.
 */
public interface MonitorEngine extends RequestLogTap {
    /**
     * Checks {@code spec} against the deployment (its versions' signatures: every feature must be an
     * input column) and the reference (it must exist and hold every feature with a compatible type),
     * and builds the reference: per feature its exact sample and bins, the outlier model, the
     * reference's predictions through the deployment's primary version (and its probabilities'
     * calibration, for the estimate), a bounded sample for MMD. Errors are 4xx naming the field.
     */
    PreparedReference prepare(String deployment, MonitorSpec spec);

    /** Starts (or restarts, after a new revision) watching: windows open from now on. */
    void activate(ActiveMonitor monitor);

    /** Stops watching a deployment: its open window is dropped. */
    void deactivate(String deployment);

    /** Where closed windows go. Set once, before the first {@link #activate}. */
    void onClose(WindowSink sink);

    /** The open window of a deployment so far (for an on-demand run), empty when none is active. */
    Optional<ClosedWindow> current(String deployment);

    /**
     * Closes time windows whose end plus grace has passed (the service calls this once a second;
     * request windows close themselves as their last row is written).
     */
    void tick(long nowMillis);

    /** The profile of both parts (the same monitor, revision and window). */
    byte[] merge(byte[] profile, byte[] other);

    /** Evaluates a window's profile against the monitor's reference. */
    WindowReport evaluate(ActiveMonitor monitor, ClosedWindow window, LabelCounts labels, boolean partial, String source);

    /**
     * The window's profile recomputed from the request log's segments (entries received in
     * [{@code startMillis}, {@code endMillis}) of the deployment, the shadow arm left out), for audit.
     */
    ClosedWindow rebuild(ActiveMonitor monitor, long window, long startMillis, long endMillis);

    /** A reference as built by {@link #prepare}: stored by the service as an artifact (the bytes). */
    record PreparedReference(String dataset, int version, long rows, java.util.List<String> features, byte[] bytes) {
        public PreparedReference {
            requireNonNull(dataset, "dataset is null");
            features = java.util.List.copyOf(features);
            requireNonNull(bytes, "bytes is null");
        }
    }

    /** A monitor the engine watches for: its deployment, revision, spec and prepared reference. */
    record ActiveMonitor(String deployment, int revision, MonitorSpec spec, PreparedReference reference) {
        public ActiveMonitor {
            requireNonNull(deployment, "deployment is null");
            requireNonNull(spec, "spec is null");
            requireNonNull(reference, "reference is null");
        }
    }

    /**
     * A window's profile (or one replica's part of it).
     *
     * @param window for time windows, the window's number on the clock ({@code startMillis / duration});
     *     for request windows, -1: the service numbers them as they close
     * @param profile the window profile's bytes
     */
    record ClosedWindow(String deployment, int revision, long window, long startMillis, long endMillis, long rows, byte[] profile) {
        public ClosedWindow {
            requireNonNull(deployment, "deployment is null");
            requireNonNull(profile, "profile is null");
        }
    }

    /** Receives windows as they close (on the engine's thread: must not block for long). */
    interface WindowSink {
        void closed(ClosedWindow window);
    }
}
