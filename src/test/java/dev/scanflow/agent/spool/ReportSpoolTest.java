package dev.scanflow.agent.spool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportSpoolTest {

    @TempDir
    Path dir;

    private static byte[] json(String id) {
        return ("{\"reportId\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void keepsReportsOldestFirstAlsoWhenTheClockStandsStillOrGoesBack() throws IOException {
        // a clock that goes back: the order is the order of storing, not of the wall clock
        Clock backwards = Clock.fixed(Instant.parse("2026-11-30T12:00:00Z"), ZoneOffset.UTC);
        ReportSpool spool = new ReportSpool(dir, 1 << 20, backwards);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            spool.store(id, json(id));
        }
        assertEquals(ids, spool.waiting().stream().map(SpooledReport::reportId).toList());
        assertArrayEquals(json(ids.get(0)), spool.oldest().orElseThrow().read());
    }

    @Test
    void aRestartResumesWithEveryReportInOrderAndDropsHalfWrittenOnes() throws IOException {
        ReportSpool first = new ReportSpool(dir, 1 << 20, Clock.systemUTC());
        String a = UUID.randomUUID().toString();
        String b = UUID.randomUUID().toString();
        first.store(a, json(a));
        first.store(b, json(b));
        // what a kill -9 in the middle of a write leaves: a file in incoming/, never renamed
        Files.writeString(dir.resolve("incoming").resolve("00000000000000000001-" + UUID.randomUUID() + ".json"), "{\"rep");
        // a clock behind the one before the restart: new reports still queue behind the old ones
        Clock earlier = Clock.offset(Clock.systemUTC(), Duration.ofHours(-1));
        ReportSpool restarted = new ReportSpool(dir, 1 << 20, earlier);
        String c = UUID.randomUUID().toString();
        restarted.store(c, json(c));
        assertEquals(List.of(a, b, c), restarted.waiting().stream().map(SpooledReport::reportId).toList());
        try (Stream<Path> incoming = Files.list(dir.resolve("incoming"))) {
            assertEquals(0, incoming.count());
        }
    }

    @Test
    void anAcknowledgedReportLeavesAndARefusedOneGoesToPoisonWithTheReply() throws IOException {
        ReportSpool spool = new ReportSpool(dir, 1 << 20, Clock.systemUTC());
        String a = UUID.randomUUID().toString();
        String b = UUID.randomUUID().toString();
        String c = UUID.randomUUID().toString();
        spool.store(a, json(a));
        spool.store(b, json(b));
        spool.store(c, json(c));
        spool.acknowledge(spool.oldest().orElseThrow());
        Path poisoned = spool.poison(spool.oldest().orElseThrow(), 400, "{\"status\":400,\"message\":\"scanStart is bad\"}");
        assertEquals(List.of(c), spool.waiting().stream().map(SpooledReport::reportId).toList());
        assertArrayEquals(json(b), Files.readAllBytes(poisoned));
        Path reply = poisoned.resolveSibling(poisoned.getFileName().toString().replace(".json", ".reply.txt"));
        assertEquals("HTTP 400\n{\"status\":400,\"message\":\"scanStart is bad\"}\n", Files.readString(reply));
    }

    @Test
    void theBacklogCountsAgesAndWeighsTheWaitingReports() throws IOException {
        Instant start = Instant.parse("2026-11-30T12:00:00Z");
        MovingClock clock = new MovingClock(start);
        ReportSpool spool = new ReportSpool(dir, 1 << 20, clock);
        String a = UUID.randomUUID().toString();
        spool.store(a, json(a));
        clock.now = start.plusSeconds(90);
        spool.store(a, json(a));
        Backlog backlog = spool.backlog();
        assertEquals(2, backlog.count());
        assertEquals(Duration.ofSeconds(90), backlog.oldestAge());
        assertEquals(2L * json(a).length, backlog.bytes());
    }

    @Test
    void isFullAtItsSizeLimitAndStillKeepsEveryReport() throws IOException {
        ReportSpool spool = new ReportSpool(dir, 2048, Clock.systemUTC());
        byte[] report = new byte[1000];
        spool.store(UUID.randomUUID().toString(), report);
        spool.store(UUID.randomUUID().toString(), report);
        assertFalse(spool.isFull());
        spool.store(UUID.randomUUID().toString(), report);
        assertTrue(spool.isFull());
        assertEquals(3, spool.waiting().size());
    }

    /** A real full disk: a 256 KiB tmpfs (needs root). A write that does not fit leaves nothing behind. */
    @Test
    void aFullDiskFailsTheWriteAndLeavesNoHalfReport() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
        Path mount = Files.createDirectories(dir.resolve("small"));
        Process mounting = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mount.toString())
                .inheritIO().start();
        assumeTrue(mounting.waitFor(10, TimeUnit.SECONDS) && mounting.exitValue() == 0, "tmpfs could not be mounted");
        try {
            ReportSpool spool = new ReportSpool(mount, 1L << 30, Clock.systemUTC());
            byte[] report = new byte[60 * 1024];
            java.util.Arrays.fill(report, (byte) 'x');
            int stored = 0;
            IOException full = null;
            for (int i = 0; i < 10 && full == null; i++) {
                try {
                    spool.store(UUID.randomUUID().toString(), report);
                    stored++;
                } catch (IOException e) {
                    full = e;
                }
            }
            assertTrue(full != null, "a 256 KiB disk took ten 60 KiB reports");
            assertTrue(stored >= 2, "only " + stored + " reports fitted");
            assertEquals(stored, spool.waiting().size());
            for (SpooledReport waiting : spool.waiting()) {
                assertArrayEquals(report, waiting.read());
            }
            try (Stream<Path> incoming = Files.list(mount.resolve("incoming"))) {
                assertEquals(0, incoming.count());
            }
        } finally {
            new ProcessBuilder("umount", mount.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * A separate JVM stores reports as fast as it can and is killed with -9 in the middle: every report in the
     * outbox is whole, and the next start removes what was half written.
     */
    @Test
    void killMinus9MidWriteLeavesOnlyWholeReports() throws Exception {
        Path spoolDir = dir.resolve("spool");
        Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SpoolWriterProcess.class.getName(), spoolDir.toString())
                .redirectErrorStream(true).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (countIn(spoolDir.resolve("outbox")) < 20 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        new ProcessBuilder("kill", "-9", Long.toString(writer.pid())).start().waitFor();
        assertTrue(writer.waitFor(10, TimeUnit.SECONDS));
        assertEquals(137, writer.exitValue());
        ReportSpool reopened = new ReportSpool(spoolDir, 1L << 30, Clock.systemUTC());
        List<SpooledReport> waiting = reopened.waiting();
        assertTrue(waiting.size() >= 20, "only " + waiting.size() + " reports written before the kill");
        for (SpooledReport report : waiting) {
            assertArrayEquals(SpoolWriterProcess.content(report.reportId()), report.read(), "report " + report.reportId());
        }
        assertEquals(0, countIn(spoolDir.resolve("incoming")));
    }

    private static long countIn(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.count();
        }
    }

    private static final class MovingClock extends Clock {
        Instant now;

        MovingClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
