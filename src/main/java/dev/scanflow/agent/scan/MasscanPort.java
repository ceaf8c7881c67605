package dev.scanflow.agent.scan;

/**
 * One port masscan reported on one address.
 *
 * @param address  the address as masscan wrote it, normalized (IPv6 compressed, lower case)
 * @param protocol tcp (or udp, sctp)
 * @param port     the port number
 * @param status   masscan's status: open (closed only with --show closed, which ScanFlow never passes)
 * @param reason   masscan's reason, e.g. syn-ack
 * @param ttl      the answer's TTL (masscan writes 0 for IPv6)
 */
public record MasscanPort(String address, String protocol, int port, String status, String reason, int ttl) {
}
