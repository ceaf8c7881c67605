package dev.scanflow.traffic;

/**
 * What one iperf3 run measured (iperf3 3.12 -J, end section).
 *
 * @param sentBps            bits per second sent by the client
 * @param receivedBps        bits per second received by the server
 * @param retransmits        TCP retransmits (null for UDP)
 * @param jitterMs           UDP jitter in ms (null for TCP)
 * @param lostPercent        UDP datagrams lost, percent (null for TCP)
 * @param clientCpuPercent   total CPU of the client host's iperf3
 * @param serverCpuPercent   total CPU of the server host's iperf3
 */
public record TrafficFigures(double sentBps, double receivedBps, Long retransmits, Double jitterMs, Double lostPercent,
                             double clientCpuPercent, double serverCpuPercent) {
}
