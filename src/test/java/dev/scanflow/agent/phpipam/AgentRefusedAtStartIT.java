package dev.scanflow.agent.phpipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.agent.scan.TopPorts;
import dev.scanflow.launch.ScanFlow;
import dev.scanflow.net.Cidr;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TableSnapshot;
import dev.scanflow.testing.TestPhpipam;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A configuration that cannot work is refused when the agent starts, through its real command line
 * ({@code scanflow agent --config <file>}): exit status 2, one line on stderr saying why, no request to
 * phpIPAM, and, with a real server and its MariaDB running where the agent would report, no row of phpIPAM
 * or ScanFlow changed. Had the agent started, it would have scanned loopback at once (scan-on-start) and
 * reported to that server.
 */
class AgentRefusedAtStartIT {

    private static final String TOKEN = "refused-at-start-token";
    private static final String SUBNET = "127.0.97.0/30";

    @TempDir
    Path home;

    private TestPhpipam phpipam;
    private ServerUnderTest server;

    @BeforeEach
    void startServer() {
        phpipam = TestPhpipam.create();
        long agent = phpipam.insertAgent("remote1", FakePhpipam.AGENT_CODE);
        phpipam.insertSubnet(Cidr.parse(SUBNET), agent, true, true);
        server = ServerUnderTest.start(phpipam, Map.of(FakePhpipam.AGENT_CODE, TOKEN), new Properties());
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
        phpipam.close();
    }

    private record Run(int status, String err) {
    }

    /** The agent's command line on a config file with these lines (owner-only: it holds secrets). */
    private Run agent(List<String> lines) throws IOException {
        List<String> all = new ArrayList<>(List.of(
                "scanflow.agent.code=" + FakePhpipam.AGENT_CODE,
                "scanflow.agent.token=" + TOKEN,
                "scanflow.agent.server-url=http://127.0.0.1:" + server.port,
                "scanflow.agent.subnets=" + SUBNET,
                "scanflow.agent.scan-on-start=true",
                "scanflow.agent.archive.dir=" + Files.createDirectories(home.resolve("archive")),
                "scanflow.agent.spool.dir=" + Files.createDirectories(home.resolve("spool"))));
        all.addAll(lines);
        Path config = home.resolve("agent.properties");
        Files.write(config, all);
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // a start that is not refused would run the agent until the JVM ends: bounded, it fails the test
        int status = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> ScanFlow.execute(
                new String[] {"agent", "--config", config.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)),
                "the agent started with a configuration that cannot work");
        return new Run(status, err.toString(StandardCharsets.UTF_8));
    }

    private void refused(List<String> lines, String message) throws Exception {
        TableSnapshot before = TableSnapshot.of(phpipam);
        assertTrue(before.holds("phpipam.ipaddresses") && before.holds("scanflow.host_state"), before.tables().keySet().toString());
        Run run = agent(lines);
        assertEquals(2, run.status(), run.err());
        assertEquals(1, run.err().lines().count(), "one line: " + run.err());
        assertTrue(run.err().contains(message), "[" + message + "] in: " + run.err());
        // the scan-on-start timer would have fired after 1 s: give a report the time it would have needed
        Thread.sleep(1500);
        TableSnapshot.of(phpipam).assertUnchangedSince(before, "refused at start");
    }

    @Test
    void anSslCodeAppOverPlainHttpIsRefusedBeforeAnyRequest() throws Exception {
        try (FakePhpipam api = FakePhpipam.startPlainHttp().documentedSite()) {
            refused(List.of("scanflow.phpipam-api.url=" + api.url(), "scanflow.phpipam-api.app-id=" + FakePhpipam.APP_ID,
                    "scanflow.phpipam-api.app-code=" + FakePhpipam.APP_CODE),
                    "scanflow.phpipam-api.url must be https:// for scanflow.phpipam-api.security=ssl_code (\"SSL with"
                            + " App code token\"): phpIPAM answers every plain-HTTP request 503 \"SSL connection is"
                            + " required for API\"");
            assertEquals(List.of(), api.requests(), "phpIPAM was not asked");
        }
    }

    @Test
    void aUserTokenOverPlainHttpBeyondLoopbackIsRefused() throws Exception {
        // never contacted: refused at start (a documentation address, THE ADDRESS RULE)
        refused(List.of("scanflow.phpipam-api.url=http://192.0.2.10", "scanflow.phpipam-api.app-id=" + FakePhpipam.APP_ID,
                "scanflow.phpipam-api.security=none", "scanflow.phpipam-api.user=scanflow-reader",
                "scanflow.phpipam-api.password=pw-Quiet-Harbour-42"), "would cross the network in clear");
    }

    @Test
    void nmapsTopThousandAsAPortListIsRefusedNamingTheLimit() throws Exception {
        String top1000 = TopPorts.resolve("nmap", 1000).toString();
        refused(List.of("scanflow.agent.profile=services-nmap", "scanflow.agent.ports=" + top1000),
                "scanflow.agent.ports: the port list is " + top1000.length() + " characters in nmap's syntax, and the"
                        + " server refuses a report whose command has an argument over 1024 characters (profile"
                        + " services-nmap); use scanflow.agent.top-ports=N");
    }

    @Test
    void topPortsTooLongForMasscanIsRefused() throws Exception {
        refused(List.of("scanflow.agent.profile=ports", "scanflow.agent.top-ports=1000"), "masscan's -p");
    }

    @Test
    void aChunkLargerThanAReportMayHoldIsRefused() throws Exception {
        refused(List.of("scanflow.agent.chunk-prefix.ipv4=15"), "scanflow.agent.chunk-prefix.ipv4=15: a chunk of 131072 addresses");
    }
}
