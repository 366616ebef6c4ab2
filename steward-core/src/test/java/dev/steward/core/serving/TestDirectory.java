package dev.steward.core.serving;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** An in-memory {@link DeploymentDirectory}: tests publish snapshots by hand. */
final class TestDirectory implements DeploymentDirectory {
    private final List<Consumer<Map<String, DeploymentState>>> listeners = new CopyOnWriteArrayList<>();
    private volatile Map<String, DeploymentState> current = Map.of();

    @Override
    public Map<String, DeploymentState> current() {
        return current;
    }

    @Override
    public void onChange(Consumer<Map<String, DeploymentState>> listener) {
        listeners.add(listener);
    }

    /** Publishes a deployment's next revision (or its first) and tells the listeners. */
    synchronized DeploymentState put(String name, DeploymentSpec spec) {
        DeploymentState before = current.get(name);
        return publish(new DeploymentState(name, before == null ? 1 : before.revision() + 1, spec, false, Optional.empty(), System.currentTimeMillis()));
    }

    synchronized DeploymentState stop(String name, String reason) {
        DeploymentState before = current.get(name);
        return publish(new DeploymentState(name, before.revision(), before.spec(), true, Optional.of(reason), System.currentTimeMillis()));
    }

    synchronized void remove(String name) {
        Map<String, DeploymentState> next = new HashMap<>(current);
        next.remove(name);
        current = Map.copyOf(next);
        listeners.forEach(l -> l.accept(current));
    }

    private DeploymentState publish(DeploymentState state) {
        Map<String, DeploymentState> next = new HashMap<>(current);
        next.put(state.name(), state);
        current = Map.copyOf(next);
        listeners.forEach(l -> l.accept(current));
        return state;
    }

    /** A spec serving the given versions with their weights, default batching and limits, no threshold. */
    static DeploymentSpec spec(DeploymentSpec.ServedVersion... versions) {
        return new DeploymentSpec("production", List.of(versions), Optional.empty(), DeploymentSpec.Batching.DEFAULT, DeploymentSpec.Limits.DEFAULT,
                Optional.empty());
    }

    static DeploymentSpec.ServedVersion version(String model, int version, double weight) {
        return new DeploymentSpec.ServedVersion(model, version, weight, Optional.empty());
    }
}
