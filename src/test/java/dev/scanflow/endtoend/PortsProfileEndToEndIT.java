package dev.scanflow.endtoend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scanflow.agent.LabTrickle;
import dev.scanflow.lab.LabHost;
import dev.scanflow.lab.LabNetwork;
import dev.scanflow.net.Cidr;
import dev.scanflow.net.IpAddress;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The ports profile on real parts, end to end: real masscan and nmap -sV through the real agent routes on a
 * namespace lab, a version 2 report with ports and services over real HTTP to the real server routes, which
 * accept it and write the hosts that are up into phpIPAM's real schema on MariaDB (ports are not written
 * there yet).
 */
class PortsProfileEndToEndIT {

    private static final String CODE = "Ports-agent-code-0123456789abcdQ";
    private static final String TOKEN = "ports-agent-token";

    @Test
    void theServerAcceptsAPortsReportAndWritesTheHostsMasscanAndNmapFound() throws Exception {
        LabNetwork.assumeAvailable(LabNetwork.Tool.MASSCAN, LabNetwork.Tool.SSHD, LabNetwork.Tool.PYTHON3);
        Path archive = Files.createTempDirectory("scanflow-archive");
        try (LabNetwork lab = LabNetwork.create(3); TestPhpipam phpipam = TestPhpipam.create()) {
            LabHost h11 = lab.host(0);
            LabHost h12 = lab.host(1);
            lab.startHttpServer(h11, 8080);
            lab.startSshd(h12, 2222);
            LabTrickle.start(lab, lab.host(2));
            Cidr subnet = Cidr.parse(LabNetwork.SUBNET_V4);
            long agentId = phpipam.insertAgent("ports-site", CODE);
            long subnetId = phpipam.insertSubnet(subnet, agentId, true, true);

            Properties agent = new Properties();
            agent.setProperty("scanflow.agent.code", CODE);
            agent.setProperty("scanflow.agent.token", TOKEN);
            agent.setProperty("scanflow.agent.subnets", subnet.toString());
            agent.setProperty("scanflow.agent.subnet-profiles", subnet + "=ports");
            agent.setProperty("scanflow.agent.ports", "22,2222,8080");
            agent.setProperty("scanflow.agent.exclude-addresses", LabNetwork.SCANNER_V4);
            agent.setProperty("scanflow.agent.masscan.rate", "1000");
            agent.setProperty("scanflow.agent.masscan.retries", "1");
            agent.setProperty("scanflow.agent.masscan.wait", "2s");
            agent.setProperty("scanflow.agent.masscan.interface", lab.scannerInterface());
            agent.setProperty("scanflow.agent.masscan.router-ip", lab.gatewayAddress());
            agent.setProperty("scanflow.agent.masscan.min-addresses", "1"); // masscan's path on this small /24
            agent.setProperty("scanflow.agent.archive.dir", archive.toString());
            agent.setProperty("scanflow.agent.schedule", "0 0 0 1 1 ? 2099");
            agent.setProperty("scanflow.agent.scan-on-start", "true");
            agent.setProperty("scanflow.agent.scan-timeout", "120s");
            agent.setProperty("scanflow.agent.host-timeout", "60s");
            try (ServerUnderTest server = ServerUnderTest.start(phpipam, Map.of(CODE, TOKEN), new Properties(), agent)) {
                phpipam.awaitReports(1, Duration.ofSeconds(120));
            }

            Map<String, String> written = new TreeMap<>();
            for (Map<String, Object> row : phpipam.rows("SELECT ip_addr, mac FROM ipaddresses WHERE subnetId = ?", subnetId)) {
                written.put(IpAddress.fromDecimal(4, (String) row.get("ip_addr")).toString(),
                        ((String) row.get("mac")).toLowerCase(Locale.ROOT));
            }
            assertEquals(Map.of(h11.ipv4(), h11.mac(), h12.ipv4(), h12.mac()), written,
                    "the hosts with an open port, each with the MAC nmap -sV saw");
            List<Map<String, Object>> reports = phpipam.rows("SELECT inserted_count FROM `" + phpipam.scanflowSchema
                    + "`.ingested_reports");
            assertEquals(List.of(Map.of("inserted_count", "2")), reports);
        }
    }
}
