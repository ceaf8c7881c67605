package dev.scanflow.server.delta;

/**
 * How sure the delta engine must be before it calls a host gone or a port closed.
 *
 * @param confirmMisses        consecutive covering scans that must miss a host or port before it is gone or
 *                             closed (default 2): masscan at high rates drops packets, so one miss proves
 *                             little; scans that do not cover it neither count nor break the run
 * @param closedConfirmsAtOnce whether a port nmap reports "closed" is closed at once (default true). "closed"
 *                             is the host's own RST, not silence, so packet loss cannot produce it; ndiff
 *                             likewise shows an observed open → closed as a change right away. With false it
 *                             counts as one more miss.
 */
public record DeltaPolicy(int confirmMisses, boolean closedConfirmsAtOnce) {

    public static final DeltaPolicy DEFAULT = new DeltaPolicy(2, true);

    public DeltaPolicy {
        if (confirmMisses < 1 || confirmMisses > 100) {
            throw new IllegalArgumentException("confirmMisses must be between 1 and 100, not " + confirmMisses);
        }
    }
}
