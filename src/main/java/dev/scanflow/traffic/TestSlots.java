package dev.scanflow.traffic;

import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;

/**
 * One test per pair at a time, and server ports from the configured range so that two running tests never
 * share one. A pair that is busy is refused at once (the caller learns it; a scheduled run comes again).
 */
public final class TestSlots {

    private final int firstPort;
    private final int lastPort;
    private final BitSet used;
    private final Set<String> busyPairs = new HashSet<>();
    private int next;

    public TestSlots(int firstPort, int lastPort) {
        SshHost.require(firstPort >= 1024 && lastPort <= 65535 && firstPort <= lastPort,
                "port range must be within 1024..65535 and first <= last: " + firstPort + "-" + lastPort);
        this.firstPort = firstPort;
        this.lastPort = lastPort;
        this.used = new BitSet(lastPort - firstPort + 1);
    }

    public synchronized void claimPair(String pairKey) {
        if (!busyPairs.add(pairKey)) {
            throw new TrafficTestFailed(TrafficTestFailed.Reason.PAIR_BUSY,
                    "a test of this pair is already running: " + pairKey);
        }
    }

    public synchronized void releasePair(String pairKey) {
        busyPairs.remove(pairKey);
    }

    /** The next free port after the one handed out last (round robin, so a busy port is not tried at once again). */
    public synchronized int claimPort() {
        int size = lastPort - firstPort + 1;
        for (int i = 0; i < size; i++) {
            int index = (next + i) % size;
            if (!used.get(index)) {
                used.set(index);
                next = (index + 1) % size;
                return firstPort + index;
            }
        }
        throw new TrafficTestFailed(TrafficTestFailed.Reason.NO_FREE_PORT,
                "every port of " + firstPort + "-" + lastPort + " is in use by a running test");
    }

    public synchronized void releasePort(int port) {
        if (port >= firstPort && port <= lastPort) {
            used.clear(port - firstPort);
        }
    }
}
