package dev.scanflow.server.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.server.store.StepHook;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A crash injected between every two steps of the apply path (authorize → phpIPAM write → record report →
 * gather chunks → delta → history → alerts → commit): the agent sends the same report again, as it does after
 * any failure, and in the end phpIPAM and ScanFlow hold exactly what a run without the crash leaves: nothing
 * lost, nothing counted twice, deltas included.
 */
class ApplyCrashIT {

    private static Map<String, List<Map<String, Object>>> expected;

    @BeforeAll
    static void runWithoutCrash() throws Exception {
        try (TestPhpipam phpipam = TestPhpipam.create()) {
            long subnetId = ApplyScenario.seed(phpipam);
            try (ServerUnderTest server = ServerUnderTest.start(phpipam, Map.of(ApplyScenario.AGENT, ApplyScenario.TOKEN),
                    new Properties())) {
                for (byte[] report : ApplyScenario.REPORTS) {
                    assertEquals(0, ApplyScenario.deliver(server, report));
                }
            }
            expected = ApplyScenario.state(phpipam, subnetId);
        }
        assertEquals(3, expected.get("ingested_reports").size());
        assertEquals(2, expected.get("applied_scans").size());
        assertFalse(expected.get("change_log").isEmpty());
        assertFalse(expected.get("alerts").isEmpty(), "the rescan should raise an alert (telnet opened)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"authorized", "phpipam-written", "report-recorded", "chunks-gathered", "delta", "history",
            "alerts", "committed"})
    void aCrashAfterEachStepLosesNothingAndDoublesNothing(String step) throws Exception {
        AtomicBoolean armed = new AtomicBoolean(true);
        StepHook crash = reached -> {
            if (reached.equals(step) && armed.compareAndSet(true, false)) {
                throw new IllegalStateException("crash injected after step " + step);
            }
        };
        try (TestPhpipam phpipam = TestPhpipam.create()) {
            long subnetId = ApplyScenario.seed(phpipam);
            int failures = 0;
            try (ServerUnderTest server = ServerUnderTest.start(phpipam, Map.of(ApplyScenario.AGENT, ApplyScenario.TOKEN),
                    new Properties(), null, crash)) {
                for (byte[] report : ApplyScenario.REPORTS) {
                    failures += ApplyScenario.deliver(server, report);
                }
            }
            assertFalse(armed.get(), "the crash after " + step + " never happened");
            assertEquals(1, failures, "the crashed report is refused once and taken when sent again");
            Map<String, List<Map<String, Object>>> actual = ApplyScenario.state(phpipam, subnetId);
            for (String table : expected.keySet()) {
                assertEquals(expected.get(table), actual.get(table), table + " after a crash after " + step);
            }
            assertTrue(actual.get("pending_chunks").isEmpty());
        }
    }
}
