package dev.scanflow.server.phpipam;

/** A row of phpIPAM's scanAgents table, as far as the intake needs it. */
public record ScanAgent(long id, String name) {
}
