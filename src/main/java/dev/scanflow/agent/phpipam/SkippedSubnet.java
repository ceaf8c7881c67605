package dev.scanflow.agent.phpipam;

/** A subnet assigned to the agent in phpIPAM that it does not scan, and why (for logs and health). */
public record SkippedSubnet(long id, String subnet, String reason) {
}
