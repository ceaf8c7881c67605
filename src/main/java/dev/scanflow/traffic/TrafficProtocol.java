package dev.scanflow.traffic;

/** What iperf3 sends: TCP measures throughput and retransmits, UDP a paced stream with loss and jitter. */
public enum TrafficProtocol {
    TCP, UDP
}
