package dev.steward.spi.monitoring;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Store port of monitoring: monitors and their revisions, closed windows with their reports and
 * profiles, the parts replicas stored of time windows, the labels of each window, on-demand runs and
 * alerts. Used inside one transaction.
 */
public interface MonitorRepository {
    /** The live (not deleted) monitor of a deployment. */
    Optional<MonitorRecord> find(String deployment);

    /** The monitor of a deployment, deleted or not. */
    Optional<MonitorRecord> findAny(String deployment);

    /** Every live monitor, by deployment. */
    List<MonitorRecord> list();

    void insert(MonitorRecord monitor);

    /**
     * Moves a head to {@code next} if its revision, change time and deleted flag are still
     * {@code expected}'s (compare-and-set).
     *
     * @return false when someone changed it first
     */
    boolean update(MonitorRecord expected, MonitorRecord next);

    void insertRevision(MonitorRevisionRecord revision);

    /** A monitor's revisions, oldest first. */
    List<MonitorRevisionRecord> revisions(String deployment);

    Optional<MonitorRevisionRecord> revision(String deployment, int revision);

    /**
     * Stores a closed window with its profile unless the deployment has a window of that number:
     * the claim that decides which replica closes a window.
     *
     * @return false when the number is taken (nothing changed)
     */
    boolean insertWindow(MonitorWindowRecord window, byte[] profile);

    Optional<MonitorWindowRecord> window(String deployment, long window);

    /** A window's profile bytes. */
    Optional<byte[]> profile(String deployment, long window);

    /** A deployment's windows, newest (highest number) first, numbered below {@code before} when given. */
    List<MonitorWindowRecord> windows(String deployment, Optional<Long> before, int limit);

    /** The highest window number of a deployment, over every revision. */
    OptionalLong lastWindow(String deployment);

    /** The window of a deployment holding the time {@code millis} (start ≤ millis < end), the newest if several do. */
    Optional<MonitorWindowRecord> windowAt(String deployment, long millis);

    /**
     * Stores a replica's part of a time window.
     *
     * @return false when that replica stored its part of the window already
     */
    boolean insertPart(WindowPartRecord part);

    /** Every part stored of a window, by replica. */
    List<WindowPartRecord> parts(String deployment, int revision, long window);

    /** The parts of a deployment whose window has no row yet, oldest window first. */
    List<WindowPartRecord> unclosedParts(String deployment);

    /** Adds counters to a window's labels (creating them at zero first): atomic, so replicas never lose each other's labels. */
    void addLabels(WindowLabelsRecord delta);

    Optional<WindowLabelsRecord> labels(String deployment, long window);

    /** Keeps a deployment's latest on-demand run, replacing the one before. */
    void putRun(MonitorRunRecord run);

    Optional<MonitorRunRecord> run(String deployment);

    /**
     * Stores a new firing alert unless its rule has one firing already.
     *
     * @return false when the rule was firing (nothing changed)
     */
    boolean insertAlert(MonitorAlertRecord alert);

    /**
     * Moves an alert to {@code next} if its state and last window are still {@code expected}'s (compare-and-set).
     *
     * @return false when someone changed it first
     */
    boolean updateAlert(MonitorAlertRecord expected, MonitorAlertRecord next);

    Optional<MonitorAlertRecord> alert(String id);

    /** The firing alert of a deployment's rule, if any. */
    Optional<MonitorAlertRecord> firing(String deployment, String rule);

    /** Alerts, the latest fired first, of one deployment and in one state when given. */
    List<MonitorAlertRecord> alerts(Optional<String> deployment, Optional<String> state, int limit);
}
