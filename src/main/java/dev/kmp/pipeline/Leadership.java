package dev.kmp.pipeline;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Whether this replica is the one that acts for all (pushes OTLP, writes to the cluster). With
 * several replicas the reconciler's Lease decides; a single replica, or one without Kubernetes,
 * is always the leader. Components that push follow it through {@link #addListener}.
 */
public final class Leadership {
    private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean leader;

    public Leadership(boolean leader) {
        this.leader = leader;
    }

    public boolean isLeader() {
        return leader;
    }

    /** Called by whoever decides (the Lease); listeners hear every change. */
    public void set(boolean nowLeader) {
        boolean changed = leader != nowLeader;
        leader = nowLeader;
        if (changed) {
            listeners.forEach(l -> l.accept(nowLeader));
        }
    }

    public void addListener(Consumer<Boolean> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<Boolean> listener) {
        listeners.remove(listener);
    }
}
