package dev.scanflow.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scanflow.net.Cidr;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nmap's top 1000 ports, as --top-ports 1000, through the real agent routes, real nmap on loopback and the
 * real server: the report is accepted, where the same list as scanflow.agent.ports (3,813 characters) used
 * to be refused with 400 after every scan.
 */
class TopPortsReportIT {

    private static final String TOKEN = "top-ports-token";

    @TempDir
    Path home;

    @Test
    void aTopThousandServicesScanIsAcceptedByTheServer() throws Exception {
        Cidr subnet = Cidr.parse("127.0.97.0/30");
        try (TestPhpipam phpipam = TestPhpipam.create()) {
            long agent = phpipam.insertAgent("top-ports-site", TestSettings.CODE);
            phpipam.insertSubnet(subnet, agent, true, true);
            Properties agentProperties = TestSettings.properties("scanflow.agent.token", TOKEN,
                    "scanflow.agent.subnets", subnet.toString(), "scanflow.agent.profile", "services-nmap",
                    "scanflow.agent.top-ports", "1000", "scanflow.agent.scan-on-start", "true",
                    "scanflow.agent.archive.dir", Files.createDirectories(home.resolve("archive")).toString());
            try (ServerUnderTest server = ServerUnderTest.start(phpipam, Map.of(TestSettings.CODE, TOKEN), new Properties(),
                    agentProperties)) {
                phpipam.awaitReports(1, Duration.ofSeconds(120));
                assertEquals(1, phpipam.rows("SELECT report_id FROM `" + phpipam.scanflowSchema + "`.ingested_reports").size());
            }
        }
    }
}
