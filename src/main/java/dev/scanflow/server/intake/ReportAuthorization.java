package dev.scanflow.server.intake;

import dev.scanflow.net.Cidr;
import dev.scanflow.report.ScanReport;
import dev.scanflow.server.phpipam.PhpipamDirectory;
import dev.scanflow.server.phpipam.PhpipamSubnet;
import dev.scanflow.server.phpipam.ScanAgent;
import java.util.List;

/**
 * Checks a report's content against phpIPAM: the token's agent sent it, that agent exists in scanAgents,
 * and the subnet is a leaf subnet (not a folder, no children) that phpIPAM assigns to that agent.
 * Refusals are 403: the sender is known, but not allowed to write there.
 */
public class ReportAuthorization {

    private final PhpipamDirectory directory;

    public ReportAuthorization(PhpipamDirectory directory) {
        this.directory = directory;
    }

    public AuthorizedReport authorize(ScanReport report, String tokenAgentCode) {
        if (!report.agentCode().equals(tokenAgentCode)) {
            throw ReportRejected.forbidden("the token was not issued to the agent named in the report");
        }
        ScanAgent agent = directory.agentByCode(report.agentCode())
                .orElseThrow(() -> ReportRejected.forbidden("agent code unknown in phpIPAM's scanAgents"));
        Cidr cidr = Cidr.parse(report.subnet());
        List<PhpipamSubnet> candidates = directory.subnetsOf(agent.id(), cidr);
        if (candidates.isEmpty()) {
            throw ReportRejected.forbidden("subnet " + cidr + " is not assigned to agent '" + agent.name() + "'");
        }
        if (candidates.size() > 1) {
            throw new ReportRejected(409, "subnet " + cidr + " is assigned to agent '" + agent.name()
                    + "' more than once (several sections or VRFs): unassign all but one");
        }
        PhpipamSubnet subnet = candidates.get(0);
        if (subnet.isFolder()) {
            throw ReportRejected.forbidden("phpIPAM entry " + subnet.id() + " is a folder, not a subnet");
        }
        if (subnet.childCount() > 0) {
            throw ReportRejected.forbidden("subnet " + cidr + " has child subnets: only leaf subnets are scanned");
        }
        return new AuthorizedReport(report, agent, subnet);
    }
}
