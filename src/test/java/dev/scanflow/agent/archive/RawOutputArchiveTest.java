package dev.scanflow.agent.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.agent.TestSettings;
import dev.scanflow.agent.plan.ScanPlanner;
import dev.scanflow.agent.scan.Fixtures;
import dev.scanflow.agent.scan.ScanFailed;
import dev.scanflow.agent.scan.ScanRecord;
import dev.scanflow.agent.scan.ScannerRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RawOutputArchiveTest {

    private static final Instant NOW = Instant.parse("2026-11-22T01:30:00Z");

    @TempDir
    Path dir;

    private RawOutputArchive archive(int retentionDays) {
        return new RawOutputArchive(dir, retentionDays, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static ScanRecord record(Instant start) {
        ScanRecord record = ScanRecord.of(new ScanPlanner(TestSettings.of("scanflow.agent.subnets", "198.18.0.0/23"))
                .plan("198.18.0.0/23").get(1));
        record.add(new ScannerRun("masscan", List.of("masscan", "-p", "2222,8080", "--range", "198.18.1.0/24"), 0, false,
                start, start.plusSeconds(4), Fixtures.bytes("masscan-ports-lab.json"), Fixtures.bytes("masscan-ports-lab.stderr")));
        record.add(new ScannerRun("nmap", List.of("nmap", "-sV", "198.18.0.11"), 143, true, start.plusSeconds(4),
                start.plusSeconds(9), Fixtures.bytes("nmap-sV-partial.xml"), new byte[0]));
        return record;
    }

    @Test
    void keepsEveryRunsOutputUnchangedUnderTheReportIdWithAManifest() throws Exception {
        ScanRecord record = record(NOW);

        Path stored = archive(30).store(record);

        assertEquals(dir.resolve("2026-11-22").resolve(record.reportId().toString()), stored);
        assertArrayEquals(Fixtures.bytes("masscan-ports-lab.json"), Files.readAllBytes(stored.resolve("1-masscan.stdout")));
        assertArrayEquals(Fixtures.bytes("masscan-ports-lab.stderr"), Files.readAllBytes(stored.resolve("1-masscan.stderr")));
        assertArrayEquals(Fixtures.bytes("nmap-sV-partial.xml"), Files.readAllBytes(stored.resolve("2-nmap.stdout")));
        JsonNode manifest = new ObjectMapper().readTree(stored.resolve(RawOutputArchive.MANIFEST).toFile());
        assertEquals(record.reportId().toString(), manifest.get("reportId").asText());
        assertTrue(manifest.get("reportSent").asBoolean());
        assertEquals("198.18.0.0/23", manifest.get("subnet").asText());
        assertEquals("198.18.1.0/24", manifest.get("target").asText());
        assertEquals(1, manifest.get("chunk").get("index").asInt());
        JsonNode nmap = manifest.get("runs").get(1);
        assertEquals("[\"nmap\",\"-sV\",\"198.18.0.11\"]", nmap.get("command").toString());
        assertEquals(143, nmap.get("exitCode").asInt());
        assertTrue(nmap.get("timedOut").asBoolean());
        assertEquals("2026-11-22T01:30:04Z", nmap.get("start").asText());
        assertEquals("2-nmap.stdout", nmap.get("stdout").asText());
    }

    @Test
    void aFailedJobIsKeptWithItsReason() throws Exception {
        ScanRecord record = record(NOW);

        Path stored = archive(30).storeFailed(record, new ScanFailed("masscan exited with 1"));

        JsonNode manifest = new ObjectMapper().readTree(stored.resolve(RawOutputArchive.MANIFEST).toFile());
        assertFalse(manifest.get("reportSent").asBoolean());
        assertEquals("masscan exited with 1", manifest.get("failure").asText());
    }

    @Test
    void nothingToKeepIsNoDirectory() {
        assertNull(archive(30).storeFailed(null, new ScanFailed("planning failed")));
        assertNull(archive(30).store(ScanRecord.of(record(NOW).job())));
        assertEquals(0, dir.toFile().list().length);
    }

    @Test
    void purgeDeletesTheDaysOlderThanTheRetentionAndNothingElse() throws Exception {
        RawOutputArchive archive = archive(7);
        Path old = archive.store(record(NOW.minusSeconds(8 * 86400)));
        Path lastKept = archive.store(record(NOW.minusSeconds(7 * 86400)));
        Path today = archive.store(record(NOW));
        Files.writeString(dir.resolve("README.txt"), "not a day", StandardCharsets.UTF_8);

        assertEquals(1, archive.purge());

        assertFalse(Files.exists(old.getParent()), old.getParent() + " is older than 7 days");
        assertTrue(Files.exists(lastKept.resolve(RawOutputArchive.MANIFEST)));
        assertTrue(Files.exists(today.resolve(RawOutputArchive.MANIFEST)));
        assertTrue(Files.exists(dir.resolve("README.txt")));
    }
}
