package dev.scanflow.server.delta;

/**
 * A known host's status. There is no "down": a host up that a covering scan misses stays UP with a miss
 * count until N consecutive covering scans have missed it; then it is GONE (phpIPAM's "previously used").
 */
public enum HostStatus {
    UP,
    GONE
}
