package dev.scanflow.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.lab.LabHost;
import dev.scanflow.lab.LabNetwork;
import dev.scanflow.lab.LabProcess;
import dev.scanflow.launch.CamelApp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real traffic tests through routes/traffic/traffic-tests.yaml: real OpenSSH sshd and real iperf3 in lab
 * namespaces, keys made at test time, host keys checked against a known_hosts file this test writes. Traffic
 * goes only between the lab hosts this test created (198.18.0.11-13).
 */
class TrafficTestsLabIT {

    private static final Duration SHORT = Duration.ofSeconds(20);
    private static final int FIRST_PORT = 15201;

    @TempDir
    static Path dir;

    private static LabNetwork lab;
    private static CamelApp app;
    private static ProducerTemplate template;
    private static Path clientKey;
    private static Path knownHosts;
    private static String hostKeyLine;
    private static LabHost h11;
    private static LabHost h12;
    private static LabHost h13;

    @BeforeAll
    static void lab() throws Exception {
        LabNetwork.assumeAvailable(LabNetwork.Tool.SSHD, LabNetwork.Tool.SSH_KEYGEN, LabNetwork.Tool.IPERF3);
        lab = LabNetwork.create(3);
        h11 = lab.host(0);
        h12 = lab.host(1);
        h13 = lab.host(2);
        clientKey = dir.resolve("id_ecdsa");
        LabNetwork.exec(List.of("ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-C", "scanflow-test", "-f",
                clientKey.toString()), SHORT).orThrow();
        Path authorized = dir.resolve("authorized_keys");
        Files.copy(dir.resolve("id_ecdsa.pub"), authorized);
        List<String> login = List.of("-o", "AuthorizedKeysFile=" + authorized, "-o", "StrictModes=no");
        lab.startSshd(h11, h11.ipv4(), 22, login);
        lab.startSshd(h12, h12.ipv4(), 2222, login);
        lab.startSshd(h13, h13.ipv4(), 22, login);
        String scanned = LabNetwork.exec(List.of("ssh-keyscan", "-t", "ed25519", h11.ipv4()), SHORT).orThrow().stdout();
        hostKeyLine = scanned.lines().filter(l -> !l.startsWith("#")).findFirst().orElseThrow()
                .substring(h11.ipv4().length() + 1); // "ssh-ed25519 AAAA..." (every lab sshd has the same host key)
        knownHosts = dir.resolve("known_hosts");
        // h13 is missing on purpose: its key is unknown
        writeKnownHosts(h11.ipv4() + " " + hostKeyLine, "[" + h12.ipv4() + "]:2222 " + hostKeyLine);

        KnownHostsVerifier verifier = new KnownHostsVerifier(knownHosts);
        app = new CamelApp()
                .bean("trafficTests", new TrafficTests(new TestSlots(FIRST_PORT, FIRST_PORT + 9), verifier,
                        Duration.ofSeconds(5), Clock.systemUTC()))
                .bean("trafficSshClient", SshClients.strict(verifier))
                .routes("file:routes/traffic/*.yaml");
        CamelContext context = app.start();
        template = context.createProducerTemplate();
    }

    @AfterAll
    static void close() throws Exception {
        if (app != null) {
            app.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    private static void writeKnownHosts(String... lines) throws IOException {
        Files.write(knownHosts, List.of(lines), StandardCharsets.UTF_8);
    }

    private static SshHost ssh(LabHost host, int port) {
        return new SshHost(host.ipv4(), port, "root", clientKey, host.ipv4(), "/usr/bin/iperf3");
    }

    private static TrafficTest tcp(String name, SshHost client, SshHost server, Thresholds thresholds) {
        return new TrafficTest(name, client, server, TrafficProtocol.TCP, Duration.ofSeconds(2), null, 1,
                Duration.ofSeconds(15), thresholds);
    }

    private static TrafficResult run(TrafficTest test) {
        return template.requestBody("direct:traffic-test", test, TrafficResult.class);
    }

    @Test
    void tcpBetweenTwoLabHostsMeasuresTheVethLink() {
        TrafficResult result = run(tcp("h11-h12", ssh(h11, 22), ssh(h12, 2222), new Thresholds(1_000_000L, null, null, null)));

        assertEquals(TrafficResult.Status.PASSED, result.status(), result.toString());
        TrafficFigures f = result.figures();
        // a veth pair through a bridge moves Gbit/s; anything under 100 Mbit/s or above 1 Tbit/s is not a measurement
        assertTrue(f.receivedBps() > 100e6 && f.receivedBps() < 1e12, "received " + f.receivedBps());
        assertTrue(f.sentBps() >= f.receivedBps() * 0.9, f.toString());
        assertNotNull(f.retransmits());
        assertTrue(f.clientCpuPercent() > 0 && f.serverCpuPercent() > 0, f.toString());
        assertTrue(result.cleanedUp(), "the server iperf3 was stopped");
        assertTrue(result.serverPort() >= FIRST_PORT && result.serverPort() <= FIRST_PORT + 9);
        assertNoIperf3On(result.serverPort());
    }

    @Test
    void udpAtATargetRateReportsJitterAndLoss() {
        TrafficTest test = new TrafficTest("h12-h11-udp", ssh(h12, 2222), ssh(h11, 22), TrafficProtocol.UDP,
                Duration.ofSeconds(2), 10_000_000L, 1, Duration.ofSeconds(15), new Thresholds(null, 5.0, 10.0, null));

        TrafficResult result = run(test);

        assertEquals(TrafficResult.Status.PASSED, result.status(), result.toString());
        TrafficFigures f = result.figures();
        assertTrue(f.sentBps() > 9e6 && f.sentBps() < 11e6, "sent " + f.sentBps());
        assertTrue(f.lostPercent() < 5.0, f.toString());
        assertTrue(f.jitterMs() >= 0 && f.jitterMs() < 10, f.toString());
        assertNull(f.retransmits());
    }

    /**
     * A rate limit on one link (tc tbf on h13's side: this kernel has no sch_netem, so loss cannot be made here)
     * takes TCP throughput under the pair's minimum: the result is BREACHED and says which threshold.
     */
    @Test
    void aRateLimitOnOneLinkCrossesTheThroughputThreshold() {
        lab.execInHost(h13, List.of("tc", "qdisc", "add", "dev", "e0", "root", "tbf", "rate", "20mbit", "burst",
                "32kbit", "latency", "400ms"), SHORT).orThrow();
        try {
            writeKnownHosts(h11.ipv4() + " " + hostKeyLine, "[" + h12.ipv4() + "]:2222 " + hostKeyLine,
                    h13.ipv4() + " " + hostKeyLine);
            TrafficResult result = run(tcp("h13-h11", ssh(h13, 22), ssh(h11, 22), new Thresholds(50_000_000L, null, null, null)));

            assertEquals(TrafficResult.Status.BREACHED, result.status(), result.toString());
            assertTrue(result.figures().receivedBps() < 25e6 && result.figures().receivedBps() > 5e6, result.toString());
            assertEquals(1, result.breaches().size(), result.breaches().toString());
            assertTrue(result.breaches().get(0).startsWith("throughput "), result.breaches().toString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            lab.execInHost(h13, List.of("tc", "qdisc", "del", "dev", "e0", "root"), SHORT);
            restoreKnownHosts();
        }
    }

    @Test
    void anUnknownHostKeyRefusesTheTest() {
        TrafficResult result = run(tcp("h11-h13", ssh(h11, 22), ssh(h13, 22), null));

        assertRefused(result, "198.18.0.13", "host key unknown");
        assertEquals(0, result.serverPort(), "no server was started");
    }

    @Test
    void aChangedHostKeyRefusesTheTest() throws Exception {
        Path other = dir.resolve("other_host_key");
        LabNetwork.exec(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.toString()), SHORT).orThrow();
        String otherKey = Files.readString(dir.resolve("other_host_key.pub")).strip();
        try {
            writeKnownHosts(h11.ipv4() + " " + otherKey, "[" + h12.ipv4() + "]:2222 " + hostKeyLine);
            TrafficResult result = run(tcp("h12-h11", ssh(h12, 2222), ssh(h11, 22), null));
            assertRefused(result, "198.18.0.11", "host key CHANGED");
        } finally {
            restoreKnownHosts();
        }
    }

    @Test
    void aLineForALongerAddressNeverMatchesByItsPrefix() throws Exception {
        // 198.18.0.11 is a substring of 198.18.0.111: Camel's reader would take this line for h11
        try {
            writeKnownHosts("198.18.0.111 " + hostKeyLine, "[" + h12.ipv4() + "]:2222 " + hostKeyLine);
            TrafficResult result = run(tcp("h12-h11", ssh(h12, 2222), ssh(h11, 22), null));
            assertRefused(result, "198.18.0.11", "host key unknown");
        } finally {
            restoreKnownHosts();
        }
    }

    @Test
    void anUnreachableHostFailsClearly() {
        LabHost nobody = new LabHost("h50", "none", "198.18.0.50", "02:5f:00:00:00:32", null);
        TrafficResult result = run(tcp("h11-h50", ssh(h11, 22), ssh(nobody, 22), null));

        assertEquals(TrafficResult.Status.FAILED, result.status(), result.toString());
        assertEquals(TrafficTestFailed.Reason.SSH_FAILED, result.failure(), result.toString());
        assertTrue(result.error().contains("198.18.0.50"), result.error());
    }

    @Test
    void iperf3MissingOnTheClientHostIsSaidAndTheServerIsStopped() {
        SshHost client = new SshHost(h11.ipv4(), 22, "root", clientKey, h11.ipv4(), "/usr/bin/iperf3-not-installed");
        TrafficResult result = run(tcp("h11-h12", client, ssh(h12, 2222), null));

        assertEquals(TrafficResult.Status.FAILED, result.status(), result.toString());
        assertEquals(TrafficTestFailed.Reason.IPERF3_MISSING, result.failure(), result.toString());
        assertTrue(result.error().contains("client host 198.18.0.11"), result.error());
        assertTrue(result.cleanedUp(), "the server started on h12 was stopped");
        assertNoIperf3On(result.serverPort());
    }

    @Test
    void aBusyPortMovesTheTestToTheNextPortOfTheRange() throws Exception {
        // another iperf3 holds the port the next test would get: learn it from a first test, then occupy it
        TrafficResult first = run(tcp("h11-h12", ssh(h11, 22), ssh(h12, 2222), null));
        assertEquals(TrafficResult.Status.PASSED, first.status(), first.toString());
        int expected = first.serverPort() == FIRST_PORT + 9 ? FIRST_PORT : first.serverPort() + 1;
        try (LabProcess squatter = lab.startProcess(h12, List.of("iperf3", "-s", "-B", h12.ipv4(), "-p",
                Integer.toString(expected)))) {
            LabNetwork.awaitPort(h12.ipv4(), expected, SHORT);
            TrafficResult result = run(tcp("h11-h12", ssh(h11, 22), ssh(h12, 2222), null));

            assertEquals(TrafficResult.Status.PASSED, result.status(), result.toString());
            assertTrue(result.serverPort() != expected, "moved off the busy port " + expected);
            assertTrue(squatter.isAlive(), "the other iperf3 was left alone");
        }
    }

    @Test
    void aTestKilledByItsTimeoutLeavesNoIperf3Behind() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/iptables")),
                "iptables is not installed (Debian package iptables)");
        // the client's packets to the test ports vanish: iperf3 -c hangs until the hard timeout stops it
        lab.execInHost(h13, List.of("iptables", "-A", "OUTPUT", "-p", "tcp", "--dport",
                FIRST_PORT + ":" + (FIRST_PORT + 9), "-j", "DROP"), SHORT).orThrow();
        try {
            writeKnownHosts(h11.ipv4() + " " + hostKeyLine, "[" + h12.ipv4() + "]:2222 " + hostKeyLine,
                    h13.ipv4() + " " + hostKeyLine);
            TrafficTest test = new TrafficTest("h13-h12", ssh(h13, 22), ssh(h12, 2222), TrafficProtocol.TCP,
                    Duration.ofSeconds(1), null, 1, Duration.ofSeconds(6), null);
            long started = System.nanoTime();

            TrafficResult result = run(test);

            assertEquals(TrafficTestFailed.Reason.TIMED_OUT, result.failure(), result.toString());
            assertTrue(Duration.ofNanos(System.nanoTime() - started).getSeconds() < 30, "stopped near its timeout");
            assertTrue(result.cleanedUp(), result.toString());
            assertNoIperf3On(result.serverPort());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            lab.execInHost(h13, List.of("iptables", "-F", "OUTPUT"), SHORT);
            restoreKnownHosts();
        }
    }

    private static void restoreKnownHosts() {
        try {
            writeKnownHosts(h11.ipv4() + " " + hostKeyLine, "[" + h12.ipv4() + "]:2222 " + hostKeyLine);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void assertRefused(TrafficResult result, String host, String why) {
        assertEquals(TrafficResult.Status.FAILED, result.status(), result.toString());
        assertEquals(TrafficTestFailed.Reason.HOST_KEY_REFUSED, result.failure(), result.toString());
        assertTrue(result.error().contains(host) && result.error().contains(why), result.error());
        assertNull(result.figures());
    }

    /** No process on this machine (every lab namespace shares its process table) is an iperf3 on that port. */
    private static void assertNoIperf3On(int port) {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            List<String> left = procs.filter(p -> p.getFileName().toString().matches("[0-9]+"))
                    .map(p -> {
                        try {
                            return Files.readString(p.resolve("cmdline")).replace('\0', ' ');
                        } catch (IOException e) {
                            return "";
                        }
                    })
                    .filter(cmd -> cmd.contains("iperf3") && cmd.contains("-s -1") && cmd.contains("-p " + port + " "))
                    .toList();
            assertTrue(left.isEmpty(), "iperf3 left running: " + left);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

}
