package dev.scanflow.agent.scan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Gathers the open ports masscan reports while it still runs into batches for nmap -sV: a batch is due once no
 * new port came for the quiet window (masscan's pass over the target is over, or a lull), or once its first port
 * has waited the longest delay (a long pass over a large target still feeds nmap as it goes). Each
 * (address, protocol, port) goes into one batch only, however often masscan repeats it (it does on a retry).
 * Times are {@link System#nanoTime()} values, passed in so that tests decide them. Thread-safe.
 */
public final class PairBatcher {

    private final long quietNanos;
    private final long maxDelayNanos;
    private final Set<String> seen = new HashSet<>();
    private final List<MasscanPort> pending = new ArrayList<>();
    private long firstPendingAt;
    private long lastAt;

    public PairBatcher(Duration quiet, Duration maxDelay) {
        if (quiet.isNegative() || maxDelay.compareTo(quiet) < 0) {
            throw new IllegalArgumentException("need 0 <= quiet <= maxDelay, got " + quiet + " and " + maxDelay);
        }
        this.quietNanos = quiet.toNanos();
        this.maxDelayNanos = maxDelay.toNanos();
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
        if (pending.isEmpty() || (now - lastAt < quietNanos && now - firstPendingAt < maxDelayNanos)) {
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
