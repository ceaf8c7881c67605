package dev.scanflow.agent.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.agent.spool.ReportSpool;
import dev.scanflow.agent.spool.SpooledReport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportDeliveryTest {

    @TempDir
    Path dir;

    private final MovingClock clock = new MovingClock(Instant.parse("2026-11-30T12:00:00Z"));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private ReportDelivery delivery(ReportSpool spool) {
        // no jitter here (random 1.0: the whole wait), so the waits can be asserted
        return new ReportDelivery(spool, new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8), () -> 1.0), clock, meters);
    }

    private ReportSpool spoolWith(String... ids) throws Exception {
        ReportSpool spool = new ReportSpool(dir, 1 << 20, clock);
        for (String id : ids) {
            spool.store(id, ("{\"reportId\":\"" + id + "\"}").getBytes());
            clock.now = clock.now.plusMillis(1);
        }
        return spool;
    }

    @Test
    void anAcknowledgedReportLeavesAndTheNextOldestGoesAtOnce() throws Exception {
        String a = UUID.randomUUID().toString();
        String b = UUID.randomUUID().toString();
        ReportSpool spool = spoolWith(a, b);
        ReportDelivery delivery = delivery(spool);
        SpooledReport first = delivery.next();
        assertEquals(a, first.reportId());
        SpooledReport second = delivery.answered(first, 202, null, "{}");
        assertEquals(b, second.reportId());
        // a report the server had already (200 duplicate) is acknowledged too
        assertNull(delivery.answered(second, 200, null, "{\"status\":\"duplicate\"}"));
        assertEquals(0, spool.waiting().size());
    }

    @Test
    void transientFailuresKeepTheReportFirstAndBackOffDoublingUpToTheCap() throws Exception {
        String a = UUID.randomUUID().toString();
        String b = UUID.randomUUID().toString();
        ReportSpool spool = spoolWith(a, b);
        ReportDelivery delivery = delivery(spool);
        long[] expected = {1, 2, 4, 8, 8, 8};
        int[] statuses = {500, 503, 429, 502, 0, 504};
        for (int i = 0; i < expected.length; i++) {
            SpooledReport report = delivery.next();
            assertEquals(a, report.reportId(), "attempt " + i);
            if (statuses[i] == 0) {
                delivery.failed(report, new java.net.ConnectException("Connection refused"));
            } else {
                assertNull(delivery.answered(report, statuses[i], null, "busy"));
            }
            clock.now = clock.now.plusSeconds(expected[i]).minusMillis(1);
            assertNull(delivery.next(), "still backing off after failure " + (i + 1));
            clock.now = clock.now.plusMillis(1);
        }
        assertEquals(List.of(a, b), spool.waiting().stream().map(SpooledReport::reportId).toList());
        // and once the server takes it, the back-off starts over
        delivery.answered(delivery.next(), 202, null, "{}");
        delivery.answered(delivery.next(), 503, null, "busy");
        clock.now = clock.now.plusSeconds(1);
        assertEquals(b, delivery.next().reportId());
    }

    @Test
    void retryAfterIsHonoured() throws Exception {
        ReportSpool spool = spoolWith(UUID.randomUUID().toString());
        ReportDelivery delivery = delivery(spool);
        delivery.answered(delivery.next(), 429, "30", "slow down");
        clock.now = clock.now.plusSeconds(29);
        assertNull(delivery.next());
        clock.now = clock.now.plusSeconds(1);
        assertEquals(1, spool.waiting().size());
        assertEquals(spool.oldest().orElseThrow(), delivery.next());
    }

    @Test
    void permanentRefusalsGoToPoisonWithTheReplyAndTheQueueMovesOn() throws Exception {
        String[] ids = new String[6];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = UUID.randomUUID().toString();
        }
        ReportSpool spool = spoolWith(ids);
        ReportDelivery delivery = delivery(spool);
        SpooledReport report = delivery.next();
        for (int status : new int[] {400, 401, 403, 409, 413}) {
            report = delivery.answered(report, status, null, "refused " + status);
        }
        assertEquals(ids[5], report.reportId());
        try (Stream<Path> poisoned = Files.list(spool.poisonDirectory())) {
            assertEquals(10, poisoned.count());
        }
        assertEquals(5.0, meters.get("scanflow.agent.reports.poisoned").counter().count());
        assertEquals(1.0, meters.get("scanflow.agent.spool.reports").gauge().value());
    }

    @Test
    void backoffJitterStaysBetweenHalfAndAllOfTheWait() {
        Backoff low = new Backoff(Duration.ofSeconds(2), Duration.ofMinutes(5), () -> 0.0);
        Backoff high = new Backoff(Duration.ofSeconds(2), Duration.ofMinutes(5), () -> 0.999999);
        assertEquals(Duration.ofSeconds(1), low.after(1));
        assertEquals(Duration.ofSeconds(2), high.after(1));
        assertEquals(Duration.ofSeconds(150), low.after(40));
        assertTrue(high.after(40).compareTo(Duration.ofMinutes(5)) <= 0);
    }

    static final class MovingClock extends Clock {
        Instant now;

        MovingClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
