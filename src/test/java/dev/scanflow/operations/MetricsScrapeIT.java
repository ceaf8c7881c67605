package dev.scanflow.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.net.Cidr;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A running server and agent (one process, as the demo runs them) after real work: a loopback scan through
 * real nmap, applied into phpIPAM, and a refused report. Its /observe/metrics must pass {@code promtool check
 * metrics}, and every metric that the Grafana dashboard and the Prometheus rules use must be in it.
 */
public class MetricsScrapeIT {

    private static final String CODE = "Agent-metrics-0123456789abcdefgh";
    private static final String TOKEN = "token-of-the-metrics-agent";
    private static final Path HOME = ServerUnderTest.HOME;
    /** A metric name in PromQL: what is left once strings, label matchers, ranges and groupings are taken out. */
    private static final Pattern NAME = Pattern.compile("\\b((?:scanflow|camel|jvm|process|system|executor)_[a-zA-Z0-9_]+)");

    @Test
    void theScrapeIsPromtoolCleanAndHasEveryMetricTheDashboardsAndRulesUse() throws Exception {
        assumeTrue(ObservedHealthIT.onPath("nmap") || "true".equals(System.getenv("CI")), "nmap is not installed");
        TestPhpipam phpipam = TestPhpipam.create();
        long agent = phpipam.insertAgent("site-metrics", CODE);
        long onVlan = phpipam.insertSubnet(Cidr.parse("127.0.0.0/30"), agent, true, true);
        phpipam.insertSubnet(Cidr.parse("127.0.0.4/30"), agent, true, true); // on no VLAN
        long vlan = phpipam.insert("INSERT INTO vlans (domainId, name, number, description) VALUES (1, 'lab-metrics', 20, 'test')");
        phpipam.execute("UPDATE subnets SET vlanId = ? WHERE id = ?", vlan, onVlan);
        Properties agentSettings = new Properties();
        agentSettings.setProperty("scanflow.agent.code", CODE);
        agentSettings.setProperty("scanflow.agent.token", TOKEN);
        agentSettings.setProperty("scanflow.agent.subnets", "127.0.0.0/30,127.0.0.4/30");
        agentSettings.setProperty("scanflow.agent.schedule", "0 0 0 1 1 ? 2099");
        try (ServerUnderTest server = ServerUnderTest.start(phpipam, Map.of(CODE, TOKEN), new Properties(), agentSettings)) {
            phpipam.awaitReports(2, Duration.ofSeconds(90));
            assertEquals(401, server.post("/api/v1/reports", "{}".getBytes(StandardCharsets.UTF_8), "Bearer wrong").status());

            String scrape = awaitScrape(server, "scanflow_subnet_hosts_up{site=\"site-metrics\",subnet=\"127.0.0.4/30\"",
                    Duration.ofSeconds(40));
            Files.writeString(HOME.resolve("target/metrics-scrape.txt"), scrape);

            assertSample(scrape, "scanflow_reports_total{outcome=\"accepted\",reason=\"applied\"}", 1);
            assertSample(scrape, "scanflow_reports_total{outcome=\"refused\",reason=\"unauthenticated\"}", 1);
            assertTrue(scrape.contains("scanflow_reports_total{outcome=\"accepted\",reason=\"duplicate\"} 0.0"),
                    "copies of a request the route hands on are not counted as reports");
            assertSample(scrape, "scanflow_report_apply_seconds_count", 1);
            assertSample(scrape, "scanflow_scan_duration_seconds_count{profile=\"discovery\"}", 1);
            assertSample(scrape, "scanflow_phpipam_writes_total{kind=\"subnet_last_scan\"}", 1);
            assertSample(scrape, "scanflow_agent_deliveries_total{outcome=\"accepted\"}", 1);
            assertSample(scrape, "scanflow_changes_total{type=\"host_new\"}", 1);
            assertTrue(scrape.contains("scanflow_subnet_last_scan_timestamp_seconds{site=\"site-metrics\",subnet=\"127.0.0.0/30\"}"), "last scan per subnet");
            // phpIPAM's VLAN of the subnet as a label, "none" for a subnet without one
            for (String gauge : List.of("scanflow_subnet_hosts_up", "scanflow_subnet_open_ports", "scanflow_subnet_open_alerts")) {
                assertTrue(scrape.contains(gauge + "{site=\"site-metrics\",subnet=\"127.0.0.0/30\",vlan=\"20\"}"), gauge + " on VLAN 20");
                assertTrue(scrape.contains(gauge + "{site=\"site-metrics\",subnet=\"127.0.0.4/30\",vlan=\"none\"}"), gauge + " on no VLAN");
            }
            assertFalse(Pattern.compile("\\{[^}]*[a-z][A-Z]").matcher(scrape.replaceAll("\"[^\"]*\"", "\"\"")).find(),
                    "no camelCase label names");

            promtoolCheckMetrics(scrape);
            Set<String> used = usedMetricNames();
            assertTrue(used.size() > 15, "the dashboards and rules use metrics: " + used);
            List<String> missing = new ArrayList<>();
            for (String name : used) {
                // the traffic gauges exist once a traffic test ran: TrafficTestsServerLabIT checks them on its scrape
                if (name.startsWith("scanflow_traffic_")) {
                    continue;
                }
                if (!Pattern.compile("(?m)^" + Pattern.quote(name) + "[{ ]").matcher(scrape).find()) {
                    missing.add(name);
                }
            }
            assertEquals(List.of(), missing, "metrics the dashboards or rules use that the server does not expose");
        } finally {
            phpipam.close();
        }
    }

    private static void assertSample(String scrape, String series, double atLeast) {
        for (String line : scrape.lines().toList()) {
            if (line.startsWith(series + " ")) {
                double value = Double.parseDouble(line.substring(series.length() + 1).trim());
                assertTrue(value >= atLeast, line);
                return;
            }
        }
        throw new AssertionError("no series " + series + " in the scrape");
    }

    private static String awaitScrape(ServerUnderTest server, String needle, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        String scrape = "";
        while (System.nanoTime() < deadline) {
            scrape = server.get("/observe/metrics").body();
            if (scrape.contains(needle)) {
                return scrape;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(needle + " never appeared in /observe/metrics");
    }

    static void promtoolCheckMetrics(String scrape) throws IOException, InterruptedException {
        if (!ObservedHealthIT.onPath("promtool")) {
            assertFalse("true".equals(System.getenv("CI")), "promtool is missing (Debian package prometheus)");
            System.out.println("promtool not installed: check metrics skipped");
            return;
        }
        Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        promtool.getOutputStream().write(scrape.getBytes(StandardCharsets.UTF_8));
        promtool.getOutputStream().close();
        String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(promtool.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, promtool.exitValue(), "promtool check metrics:\n" + output);
        assertEquals("", output.strip(), "promtool check metrics has remarks:\n" + output);
    }

    /** Every metric name in the Grafana dashboards' expressions and the Prometheus rules. */
    public static Set<String> usedMetricNames() throws IOException {
        Set<String> names = new TreeSet<>();
        List<String> expressions = new ArrayList<>();
        try (Stream<Path> dashboards = Files.list(HOME.resolve("config/grafana/dashboards"))) {
            for (Path dashboard : dashboards.filter(p -> p.toString().endsWith(".json")).toList()) {
                collectExpressions(new ObjectMapper().readTree(dashboard.toFile()), expressions);
            }
        }
        try (Stream<Path> rules = Files.list(HOME.resolve("config/prometheus/rules"))) {
            for (Path file : rules.filter(p -> p.toString().endsWith(".yml")).toList()) {
                for (String line : Files.readAllLines(file)) {
                    String trimmed = line.strip();
                    if (trimmed.startsWith("expr:")) {
                        expressions.add(trimmed.substring(5));
                    }
                }
            }
        }
        for (String expression : expressions) {
            String bare = expression.replaceAll("\"[^\"]*\"", "\"\"").replaceAll("\\{[^}]*}", "");
            Matcher name = NAME.matcher(bare);
            while (name.find()) {
                names.add(name.group(1));
            }
        }
        return names;
    }

    private static void collectExpressions(JsonNode node, List<String> into) {
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                if ((field.getKey().equals("expr") || field.getKey().equals("query")) && field.getValue().isTextual()) {
                    into.add(field.getValue().asText());
                } else {
                    collectExpressions(field.getValue(), into);
                }
            });
        } else if (node.isArray()) {
            node.forEach(child -> collectExpressions(child, into));
        }
    }
}
