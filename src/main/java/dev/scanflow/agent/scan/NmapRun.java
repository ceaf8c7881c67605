package dev.scanflow.agent.scan;

import java.time.Instant;
import java.util.List;

/**
 * What nmap's XML said. {@code complete} is false when the output stopped before nmap's closing
 * runstats (killed, timed out, truncated): the hosts read up to there are kept.
 */
public record NmapRun(String args, Instant start, Instant end, boolean complete, List<NmapHost> hosts) {

    public NmapRun {
        hosts = List.copyOf(hosts);
    }
}
