package dev.scanflow.traffic;

import java.util.ArrayList;
import java.util.List;

/**
 * Limits a result must keep; each one is optional (null: not checked).
 *
 * @param minThroughputBps minimum received throughput, bits per second
 * @param maxLossPercent   maximum UDP datagram loss, percent
 * @param maxJitterMs      maximum UDP jitter, milliseconds
 * @param maxRetransmits   maximum TCP retransmits over the whole test
 */
public record Thresholds(Long minThroughputBps, Double maxLossPercent, Double maxJitterMs, Long maxRetransmits) {

    public static final Thresholds NONE = new Thresholds(null, null, null, null);

    public Thresholds {
        SshHost.require(minThroughputBps == null || minThroughputBps >= 0, "min throughput must be >= 0");
        SshHost.require(maxLossPercent == null || (maxLossPercent >= 0 && maxLossPercent <= 100), "max loss must be 0..100");
        SshHost.require(maxJitterMs == null || maxJitterMs >= 0, "max jitter must be >= 0");
        SshHost.require(maxRetransmits == null || maxRetransmits >= 0, "max retransmits must be >= 0");
    }

    /** Every limit the figures cross, in words an operator reads in an alert; empty when all hold. */
    public List<String> breaches(TrafficFigures figures) {
        List<String> breaches = new ArrayList<>();
        if (minThroughputBps != null && figures.receivedBps() < minThroughputBps) {
            breaches.add(String.format(java.util.Locale.ROOT, "throughput %.0f bit/s below minimum %d bit/s",
                    figures.receivedBps(), minThroughputBps));
        }
        if (maxLossPercent != null && figures.lostPercent() != null && figures.lostPercent() > maxLossPercent) {
            breaches.add(String.format(java.util.Locale.ROOT, "loss %.2f%% above maximum %.2f%%",
                    figures.lostPercent(), maxLossPercent));
        }
        if (maxJitterMs != null && figures.jitterMs() != null && figures.jitterMs() > maxJitterMs) {
            breaches.add(String.format(java.util.Locale.ROOT, "jitter %.3f ms above maximum %.3f ms",
                    figures.jitterMs(), maxJitterMs));
        }
        if (maxRetransmits != null && figures.retransmits() != null && figures.retransmits() > maxRetransmits) {
            breaches.add("retransmits " + figures.retransmits() + " above maximum " + maxRetransmits);
        }
        return breaches;
    }
}
