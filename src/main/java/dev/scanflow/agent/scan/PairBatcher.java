package dev.scanflow.agent.scan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Gathers the open ports masscan reports while it still runs into batches for nmap -sV. The first batch waits
 * for the end of masscan's first pass over the target (known in advance: addresses x ports / rate) and then for
 * a quiet window without a new port, so that it holds nearly everything and nmap runs once per group of
 * addresses with the same ports, as after a whole masscan run: batches cut mid-pass split the groups into
 * more nmap runs than the service scan pool runs at once, and they then wait for each other (measured on the
 * lab /22: 23 s against 10 s). Later ports (found by a retry, or late answers) go in later batches after the
 * same quiet window. A pass too long to wait for still feeds nmap: a batch goes once its first port has waited
 * the longest delay. Each (address, protocol, port) goes into one batch only, however often masscan repeats it.
 * Times are {@link System#nanoTime()} values, passed in so that tests decide them. Thread-safe.
 */
public final class PairBatcher {

    private final long quietNanos;
    private final long maxDelayNanos;
    private final long passEnd;
    private final Set<String> seen = new HashSet<>();
    private final List<MasscanPort> pending = new ArrayList<>();
    private long firstPendingAt;
    private long lastAt;

    /**
     * @param passEnd when masscan's first pass over the target ends ({@link System#nanoTime()} scale): no batch
     *                goes before it unless its first port waited {@code maxDelay}
     */
    public PairBatcher(Duration quiet, Duration maxDelay, long passEnd) {
        if (quiet.isNegative() || maxDelay.compareTo(quiet) < 0) {
            throw new IllegalArgumentException("need 0 <= quiet <= maxDelay, got " + quiet + " and " + maxDelay);
        }
        this.quietNanos = quiet.toNanos();
        this.maxDelayNanos = maxDelay.toNanos();
        this.passEnd = passEnd;
    }

    /** A port masscan reported at {@code now}; false if it was already batched or pending. */
    public synchronized boolean offer(MasscanPort port, long now) {
        if (!seen.add(key(port))) {
            return false;
        }
        if (pending.isEmpty()) {
            firstPendingAt = now;
        }
        pending.add(port);
        lastAt = now;
        return true;
    }

    /** The ports due for nmap at {@code now} (and no longer pending), or an empty list if none is due yet. */
    public synchronized List<MasscanPort> due(long now) {
        boolean settled = now - passEnd >= 0 && now - lastAt >= quietNanos;
        if (pending.isEmpty() || (!settled && now - firstPendingAt < maxDelayNanos)) {
            return List.of();
        }
        return drain();
    }

    /**
     * When masscan has ended: everything still pending, plus whatever its whole output holds that no line
     * brought (a line cut short by a kill), so that nmap sees exactly what masscan found.
     */
    public synchronized List<MasscanPort> rest(Collection<MasscanPort> all) {
        for (MasscanPort port : all) {
            if (seen.add(key(port))) {
                pending.add(port);
            }
        }
        return drain();
    }

    private List<MasscanPort> drain() {
        List<MasscanPort> batch = List.copyOf(pending);
        pending.clear();
        return batch;
    }

    private static String key(MasscanPort port) {
        return port.address() + "/" + port.protocol() + "/" + port.port();
    }
}
