package dev.scanflow.agent.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.agent.CapturedLogs;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Progress read from real scanner output: nmap's taskprogress elements, masscan's \r-separated status lines. */
class ScanProgressTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ScanProgress progress = new ScanProgress(registry, Duration.ofSeconds(10),
            Clock.fixed(Instant.parse("2026-11-22T01:00:00Z"), ZoneOffset.UTC));

    private Gauge gauge(String scanner, String target) {
        return registry.find(ScanProgress.GAUGE).tag("scanner", scanner).tag("target", target).gauge();
    }

    private static List<String> lines(String fixture) {
        return new String(Fixtures.bytes(fixture), StandardCharsets.UTF_8).lines().toList(); // \n and \r both end lines
    }

    @Test
    void nmapsTaskProgressBecomesTheGaugeAndALogLine() {
        List<String> args = List.of("-sV", "-Pn", "-p", "2222,8080", "-oX", "-", "198.18.0.11", "198.18.0.12");
        try (CapturedLogs logs = new CapturedLogs(); ScanProgress.Tracker tracker = progress.track("/usr/bin/nmap", args)) {
            assertEquals(0.0, gauge("nmap", "198.18.0.11 198.18.0.12").value(), "registered at start");

            lines("nmap-sV-pairs-lab.xml").forEach(tracker::line);

            // the capture's last <taskprogress> says Service scan 50.00% done
            assertEquals(50.0, gauge("nmap", "198.18.0.11 198.18.0.12").value());
            assertEquals(2, logs.matching("INFO", "nmap on 198.18.0.11 198.18.0.12: Service scan", "% done").size(),
                    String.join("\n", logs.lines()));
        }
        assertNull(gauge("nmap", "198.18.0.11 198.18.0.12"), "removed when the scanner ends");
    }

    @Test
    void masscansStatusLinesBecomeTheGaugeAndALogLinePerInterval() {
        List<String> args = List.of("-p", "2222,8080", "--rate", "1000", "-oJ", "-", "--range", "198.18.0.0/24");
        try (CapturedLogs logs = new CapturedLogs(); ScanProgress.Tracker tracker = progress.track("masscan", args)) {
            lines("masscan-ports-lab.stderr").forEach(tracker::line);

            assertEquals(100.0, gauge("masscan", "198.18.0.0/24").value());
            List<String> logged = logs.matching("masscan on 198.18.0.0/24:");
            assertEquals(1, logged.size(), "the clock stands still: one line per 10 s interval " + logged);
            assertEquals(true, logged.get(0).endsWith("0.00% done, found 0"), logged.get(0));
        }
    }

    @Test
    void twoRunsWithTheSameTargetShareTheGaugeUntilBothEnd() {
        ScanProgress.Tracker first = progress.track("nmap", List.of("-oX", "-", "127.0.0.1"));
        ScanProgress.Tracker second = progress.track("nmap", List.of("-oX", "-", "127.0.0.1"));
        second.line("<taskprogress task=\"Connect Scan\" time=\"1\" percent=\"29.70\" remaining=\"3\" etc=\"4\"/>");

        first.close();
        assertEquals(29.7, gauge("nmap", "127.0.0.1").value());
        second.close();
        assertNull(gauge("nmap", "127.0.0.1"));
    }

    @Test
    void prometheusServesTheGaugeUnderTheNameTheReadmeGives() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ScanProgress served = new ScanProgress(prometheus, Duration.ofSeconds(10), Clock.systemUTC());
        try (ScanProgress.Tracker tracker = served.track("nmap", List.of("-oX", "-", "127.0.0.1"))) {
            tracker.line("<taskprogress task=\"Connect Scan\" time=\"1\" percent=\"29.70\" remaining=\"3\" etc=\"4\"/>");

            assertTrue(prometheus.scrape().contains("scanflow_scan_progress_percent{scanner=\"nmap\",target=\"127.0.0.1\"} 29.7"),
                    prometheus.scrape());
        }
        assertFalse(prometheus.scrape().contains("scanflow_scan_progress_percent{"), "gone once the scanner ended");
    }

    @Test
    void manyTargetsAreShortenedAndOptionsAreNotTargets() {
        assertEquals("198.18.0.11 +2 more", ScanProgress.targets(List.of("-oX", "-", "198.18.0.11", "198.18.0.12", "198.18.0.13")));
        assertEquals("198.18.0.0/24", ScanProgress.targets(List.of("-oJ", "-", "--range", "198.18.0.0/24")));
        assertEquals("5", ScanProgress.targets(List.of("5")), "no output option: the last argument");
    }

    @Test
    void linesThatSayNothingAboutProgressChangeNothing() {
        try (ScanProgress.Tracker tracker = progress.track("nmap", List.of("-oX", "-", "127.0.0.1"))) {
            tracker.line("<host><status state=\"up\" reason=\"localhost-response\" reason_ttl=\"0\"/>");
            tracker.line("Starting masscan 1.3.2 (http://bit.ly/14GZzcT) at 2026-11-22 01:21:42 GMT");

            assertEquals(0.0, gauge("nmap", "127.0.0.1").value());
        }
    }
}
