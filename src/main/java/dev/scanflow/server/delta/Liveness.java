package dev.scanflow.server.delta;

/** What a report says about a host: nmap's up; down; or unknown and skipped, which say nothing. */
public enum Liveness {
    UP,
    DOWN,
    UNKNOWN;

    public static Liveness of(String nmapState) {
        if ("up".equals(nmapState)) {
            return UP;
        }
        return "down".equals(nmapState) ? DOWN : UNKNOWN;
    }
}
