package dev.steward.core.serving;

import java.util.Map;
import java.util.function.Consumer;

/**
 * The deployments a server serves, as an immutable snapshot the hot path reads without touching
 * the store: {@link #current()} is a volatile read. The snapshot is replaced when a deployment
 * changes on this server (at once) or on another replica sharing the store (within a second, by
 * polling); listeners hear of every replacement, in order, on one thread.
 */
public interface DeploymentDirectory {
    /** Every live (not deleted) deployment by name. */
    Map<String, DeploymentState> current();

    /** Called with each new snapshot after it is published; must not block. */
    void onChange(Consumer<Map<String, DeploymentState>> listener);
}
