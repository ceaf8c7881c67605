package dev.scanflow.bench;

import dev.scanflow.lab.ExecResult;
import dev.scanflow.lab.LabNetwork;
import dev.scanflow.net.Cidr;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.ProducerTemplate;

/**
 * Benchmarks of the spine (bench/spine runs it; figures go into the README):
 * <ol>
 *   <li>server start-to-ready: `java -jar target/scanflow.jar server` spawned as a process, until
 *       /observe/health answers 200;</li>
 *   <li>one agent cycle on the lab /24 (nmap, parse, POST, phpIPAM write) next to nmap alone on the same
 *       target, alternated in the same run.</li>
 * </ol>
 */
public final class SpineBench {

    private static final int ROUNDS = 5;
    private static final String CODE = "Bench-agent-code-0123456789abcdB";
    private static final String TOKEN = "bench-token";

    public static void main(String[] args) throws Exception {
        System.out.printf("machine: %d cores, %s, %s %s, Java %s%n", Runtime.getRuntime().availableProcessors(),
                memory(), System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("java.version"));
        try (TestPhpipam phpipam = TestPhpipam.create()) {
            serverStartToReady(phpipam);
            agentCycleVersusNmap(phpipam);
        }
        System.exit(0);
    }

    private static void serverStartToReady(TestPhpipam phpipam) throws Exception {
        Path jar = Path.of("target/scanflow.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("build first: ./mvnw -q -DskipTests package");
        }
        Path config = Files.createTempFile("bench-server", ".properties");
        Path tokens = Files.createTempFile("bench-tokens", "");
        Files.writeString(tokens, dev.scanflow.server.intake.AgentTokens.hashLine(CODE, TOKEN) + "\n");
        List<Double> seconds = new ArrayList<>();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
        for (int round = 0; round < ROUNDS; round++) {
            int port = ServerUnderTest.freePort();
            Properties properties = phpipam.serverProperties();
            properties.setProperty("scanflow.server.host", "127.0.0.1");
            properties.setProperty("scanflow.server.port", Integer.toString(port));
            properties.setProperty("scanflow.server.tokens-file", tokens.toString());
            try (var out = Files.newOutputStream(config)) {
                properties.store(out, "bench");
            }
            long start = System.nanoTime();
            Process server = new ProcessBuilder("java", "-Dscanflow.home=" + Path.of(".").toAbsolutePath().normalize(),
                    "-jar", jar.toString(), "server", "--config", config.toString())
                    .redirectErrorStream(true).redirectOutput(Path.of("target/bench-server.log").toFile()).start();
            try {
                long deadline = start + Duration.ofSeconds(60).toNanos();
                while (!ready(http, port)) {
                    if (System.nanoTime() > deadline || !server.isAlive()) {
                        throw new IllegalStateException("server did not become ready; see target/bench-server.log");
                    }
                    Thread.sleep(20);
                }
                seconds.add((System.nanoTime() - start) / 1e9);
            } finally {
                server.destroy();
                server.waitFor();
            }
        }
        System.out.printf("server start-to-ready (process spawn to /observe/health 200), %d runs: %s%n", ROUNDS, summary(seconds));
    }

    private static boolean ready(HttpClient http, int port) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/observe/health")).timeout(Duration.ofMillis(500)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void agentCycleVersusNmap(TestPhpipam phpipam) throws Exception {
        LabNetwork.assumeAvailable();
        int hosts = 20;
        try (LabNetwork lab = LabNetwork.create(hosts)) {
            Cidr subnet = Cidr.parse(LabNetwork.SUBNET_V4);
            long agentId = phpipam.insertAgent("bench-site", CODE);
            phpipam.insertSubnet(subnet, agentId, true, true);
            Properties agent = new Properties();
            agent.setProperty("scanflow.agent.code", CODE);
            agent.setProperty("scanflow.agent.token", TOKEN);
            agent.setProperty("scanflow.agent.subnets", subnet.toString());
            agent.setProperty("scanflow.agent.schedule", "0 0 0 1 1 ? 2099");
            agent.setProperty("scanflow.agent.scan-on-start", "false");
            List<Double> cycle = new ArrayList<>();
            List<Double> nmap = new ArrayList<>();
            try (ServerUnderTest server = ServerUnderTest.start(phpipam, Map.of(CODE, TOKEN), new Properties(), agent)) {
                ProducerTemplate producer = server.app().context().createProducerTemplate();
                producer.sendBody("direct:scan-cycle", null); // warm-up: JIT, connections, first inserts
                for (int round = 0; round < ROUNDS; round++) {
                    long start = System.nanoTime();
                    ExecResult alone = LabNetwork.exec(List.of("nmap", "-sn", "-n", "-T4", "--host-timeout", "120s",
                            "-oX", "-", subnet.toString()), Duration.ofMinutes(2));
                    nmap.add((System.nanoTime() - start) / 1e9);
                    if (!alone.ok()) {
                        throw new IllegalStateException(alone.describeFailure());
                    }
                    start = System.nanoTime();
                    producer.sendBody("direct:scan-cycle", null);
                    cycle.add((System.nanoTime() - start) / 1e9);
                }
            }
            int reports = phpipam.rows("SELECT report_id FROM `" + phpipam.scanflowSchema + "`.ingested_reports").size();
            System.out.printf("lab /24 with %d hosts + gateway + scanner up, %d rounds alternated (%d reports applied):%n",
                    hosts, ROUNDS, reports);
            System.out.printf("  nmap -sn alone:                            %s%n", summary(nmap));
            System.out.printf("  agent cycle (nmap, parse, POST, DB write): %s%n", summary(cycle));
            System.out.printf("  overhead of ScanFlow over nmap (medians):  %.3f s%n", median(cycle) - median(nmap));
        }
    }

    private static String summary(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return String.format("median %.3f s (min %.3f, max %.3f)", median(values), sorted.get(0), sorted.get(sorted.size() - 1));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String memory() {
        try {
            String line = Files.readAllLines(Path.of("/proc/meminfo")).get(0);
            return Math.round(Long.parseLong(line.replaceAll("\\D", "")) / 1024.0 / 1024.0) + " GiB RAM";
        } catch (IOException e) {
            return "unknown RAM";
        }
    }
}
