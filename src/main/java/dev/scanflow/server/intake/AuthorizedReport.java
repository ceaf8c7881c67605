package dev.scanflow.server.intake;

import dev.scanflow.report.ScanReport;
import dev.scanflow.server.phpipam.PhpipamSubnet;
import dev.scanflow.server.phpipam.ScanAgent;

/** A report whose sender and subnet have been checked against phpIPAM: the only thing the writer accepts. */
public record AuthorizedReport(ScanReport report, ScanAgent agent, PhpipamSubnet subnet) {
}
