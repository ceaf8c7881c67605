package dev.scanflow.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.agent.plan.ScanPlanner;
import dev.scanflow.agent.scan.NmapHost;
import dev.scanflow.agent.scan.NmapRun;
import dev.scanflow.agent.scan.NmapXmlParser;
import dev.scanflow.agent.scan.ScanExecution;
import dev.scanflow.agent.scan.ScanFailed;
import dev.scanflow.agent.scan.ScanProgress;
import dev.scanflow.agent.scan.ScanRecord;
import dev.scanflow.agent.scan.WatchedExecResult;
import dev.scanflow.agent.scan.WatchedExecutor;
import dev.scanflow.lab.LabNetwork;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.exec.ExecBinding;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real processes through real camel-exec with the agent's {@link WatchedExecutor}: how a timeout, a missing
 * binary and a failing scanner really come back, and the progress gauge of a scanner while it runs. nmap
 * only ever scans loopback here (THE ADDRESS RULE), so no lab is needed, only nmap.
 */
class ScanExecHygieneIT {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ScanProgress progress = new ScanProgress(registry, Duration.ofSeconds(1), Clock.systemUTC());
    private final ScanExecution execution = new ScanExecution();
    private CamelContext camel;

    @BeforeEach
    void startCamel() throws Exception {
        camel = new DefaultCamelContext();
        camel.getRegistry().bind("watchedExecutor", new WatchedExecutor(progress, Clock.systemUTC()));
        camel.start();
    }

    @AfterEach
    void stopCamel() {
        camel.stop();
    }

    private Exchange exec(String program, long timeoutMillis, List<String> args) {
        String timeout = timeoutMillis > 0 ? "&timeout=" + timeoutMillis : "";
        return camel.createProducerTemplate().request("exec:" + program + "?commandExecutor=#watchedExecutor" + timeout,
                exchange -> exchange.getIn().setHeader(ExecBinding.EXEC_COMMAND_ARGS, args));
    }

    private static ScanRecord record() {
        return ScanRecord.of(new ScanPlanner(TestSettings.of()).plan("127.0.0.0/29").get(0));
    }

    private static void assumeNmap() {
        if (LabNetwork.Tool.NMAP.locate().isEmpty()) {
            LabNetwork.assumeAvailable(LabNetwork.Tool.NMAP); // skips with the reason, fails under CI=true
        }
    }

    @Test
    void aCommandThatOutlivesItsTimeoutIsKilledAndSaidToBe() {
        long start = System.nanoTime();
        Exchange exchange = exec("sleep", 500, List.of("30"));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        assertNull(exchange.getException(), "a timeout is not an exception in camel-exec");
        WatchedExecResult result = assertInstanceOf(WatchedExecResult.class, exchange.getMessage().getBody());
        assertTrue(result.timedOut());
        assertEquals(143, result.getExitValue(), "killed with SIGTERM");
        assertTrue(tookMillis < 10_000, "killed after about 0.5 s, not after 30 s: " + tookMillis + " ms");
        ScanFailed failed = assertThrows(ScanFailed.class, () -> execution.output(result, record()));
        assertTrue(failed.getMessage().contains("killed by the scan timeout")
                && failed.getMessage().contains("before it wrote any result"), failed.getMessage());
    }

    @Test
    void aCommandThatEndsInTimeIsNotTakenForATimeout() {
        Exchange exchange = exec("sh", 10_000, List.of("-c", "echo out; echo err >&2; exit 3"));

        WatchedExecResult result = assertInstanceOf(WatchedExecResult.class, exchange.getMessage().getBody());
        assertFalse(result.timedOut());
        assertEquals(3, result.getExitValue());
        ScanFailed failed = assertThrows(ScanFailed.class, () -> execution.output(result, record()));
        assertEquals("sh exited with 3: err", failed.getMessage());
    }

    @Test
    void aMissingBinaryIsASentenceNamingIt() {
        Exchange exchange = exec("/nonexistent/scanflow/masscan", 5_000, List.of("-p", "22"));

        ScanFailed failed = assertInstanceOf(ScanFailed.class, exchange.getException());
        assertTrue(failed.getMessage().startsWith("cannot run masscan (/nonexistent/scanflow/masscan)"), failed.getMessage());
    }

    @Test
    void nothingRunsWithoutATimeout() {
        Exchange exchange = exec("sleep", 0, List.of("1"));

        ScanFailed failed = assertInstanceOf(ScanFailed.class, exchange.getException());
        assertTrue(failed.getMessage().contains("without a timeout"), failed.getMessage());
    }

    @Test
    void nmapsOwnErrorComesBackWithItsExitCodeAndStderr() {
        assumeNmap();
        Exchange exchange = exec("nmap", 30_000, List.of("--no-such-option", "-oX", "-", "127.0.0.1"));

        ScanFailed failed = assertThrows(ScanFailed.class,
                () -> execution.output((WatchedExecResult) exchange.getMessage().getBody(), record()));
        assertTrue(failed.getMessage().startsWith("nmap exited with 255"), failed.getMessage());
        assertTrue(failed.getMessage().contains("no-such-option"), failed.getMessage());
    }

    @Test
    void aKilledNmapRunIsReadUpToWhereItStoppedWhileItsProgressGaugeRan() throws Exception {
        assumeNmap();
        // three loopback hosts, one after the other, each about 1.5 s (150 ports, 10 ms apart): killed in the third
        List<String> args = List.of("-sT", "-n", "-Pn", "--max-hostgroup", "1", "--scan-delay", "10ms", "-p", "1-150",
                "--stats-every", "1s", "-oX", "-", "127.0.0.1", "127.0.0.2", "127.0.0.3");
        ConcurrentSkipListSet<Double> seen = new ConcurrentSkipListSet<>();
        ScheduledExecutorService poll = Executors.newSingleThreadScheduledExecutor();
        poll.scheduleAtFixedRate(() -> {
            Gauge gauge = registry.find(ScanProgress.GAUGE).tag("scanner", "nmap").tag("target", "127.0.0.1 +2 more").gauge();
            if (gauge != null) {
                seen.add(gauge.value());
            }
        }, 0, 100, TimeUnit.MILLISECONDS);
        Exchange exchange;
        try {
            exchange = exec("nmap", 4_000, args);
        } finally {
            poll.shutdownNow();
        }

        WatchedExecResult result = assertInstanceOf(WatchedExecResult.class, exchange.getMessage().getBody());
        assertTrue(result.timedOut());
        ScanRecord record = record();
        NmapRun run = new NmapXmlParser().parse(execution.output(result, record));
        assertFalse(run.complete(), "no <runstats>: killed");
        List<String> done = run.hosts().stream().map(NmapHost::address).toList();
        assertTrue(List.of(List.of("127.0.0.1"), List.of("127.0.0.1", "127.0.0.2")).contains(done), done.toString());
        assertTrue(record.anyTimedOut());
        assertTrue(seen.stream().anyMatch(p -> p > 0 && p < 100), "percent done seen while it ran: " + seen);
        assertNull(registry.find(ScanProgress.GAUGE).gauge(), "no gauge once the scanner has ended");
    }
}
