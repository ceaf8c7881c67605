package dev.scanflow.server.history;

import dev.scanflow.server.delta.SubnetKey;

/**
 * The state a delta was computed from is no longer the stored one (another writer applied an observation
 * to the same subnet first). Nothing was written; load the state again and recompute.
 */
public class StaleState extends RuntimeException {

    private final SubnetKey key;

    public StaleState(SubnetKey key, long computedFrom, long stored) {
        super("state of " + key + " is at version " + stored + ", the delta was computed from version " + computedFrom);
        this.key = key;
    }

    public SubnetKey key() {
        return key;
    }
}
