package dev.scanflow.server.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.report.Coverage;
import dev.scanflow.report.ReportJson;
import dev.scanflow.report.ScanReport;
import dev.scanflow.report.ScannedHost;
import dev.scanflow.report.ScannedPort;
import dev.scanflow.server.delta.ObservedChunk;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** How a kept chunk is written and read back, and that rows kept by older servers (the whole report) still read. */
class PendingChunksFormatTest {

    private final PendingChunks pending = new PendingChunks("scanflow");

    @Test
    void aChunkReadsBackAsItWasReduced() throws Exception {
        ObservedChunk chunk = ObservedChunk.of(chunk(300));
        assertEquals(chunk, pending.decode(pending.encode(chunk)));
    }

    @Test
    void repeatedServiceStringsAreWrittenOnce() throws Exception {
        ScanReport chunk = chunk(2000);
        int json = ReportJson.mapper().writeValueAsBytes(chunk).length;
        int kept = pending.encode(ObservedChunk.of(chunk)).length;
        assertTrue(kept * 10 < json, "kept " + kept + " bytes against " + json + " of JSON");
    }

    @Test
    void aRowKeptAsGzippedSmileByAnOlderServerStillReads() throws Exception {
        ScanReport chunk = chunk(5);
        assertEquals(ObservedChunk.of(chunk), pending.decode(gzipped(ReportJson.binary(), chunk)));
    }

    @Test
    void aRowKeptAsGzippedJsonByAnOlderServerStillReads() throws Exception {
        ScanReport chunk = chunk(5);
        assertEquals(ObservedChunk.of(chunk), pending.decode(gzipped(ReportJson.mapper(), chunk)));
    }

    /** The report as an older server kept it: written by {@code mapper}, gzipped. */
    private static byte[] gzipped(ObjectMapper mapper, ScanReport chunk) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            mapper.writeValue(zip, chunk);
        }
        return out.toByteArray();
    }

    private static ScanReport chunk(int hosts) {
        List<ScannedHost> scanned = new ArrayList<>();
        for (int h = 0; h < hosts; h++) {
            String address = "10.0." + (h / 250) + "." + (h % 250 + 1);
            List<ScannedPort> ports = List.of(
                    new ScannedPort("tcp", 22, "open", "syn-ack", new ScannedPort.Service("ssh", "OpenSSH", "9.2p1 Debian 2",
                            "protocol 2.0", null, List.of("cpe:/a:openbsd:openssh:9.2p1", "cpe:/o:linux:linux_kernel")),
                            Map.of("ssh-hostkey", "256 aa:bb (ED25519)")),
                    new ScannedPort("tcp", 443, "open", "syn-ack", new ScannedPort.Service("http", "nginx", "1.22.1", null,
                            "ssl", List.of()), null),
                    new ScannedPort("tcp", 25, "closed", "reset", null, null));
            scanned.add(new ScannedHost(address, "up", h % 2 == 0 ? "02:5F:00:00:00:" + String.format("%02X", h % 256) : null,
                    h % 2 == 0 ? "Lab" : null, h % 3 == 0 ? List.of("host-" + h + ".lab") : List.of(), ports));
        }
        Instant start = Instant.parse("2026-11-20T10:00:00Z");
        return new ScanReport(2, UUID.randomUUID(), "Corpus-agent-code-0123456789abcX", "10.0.0.0/16", start,
                start.plusSeconds(5), List.of("nmap", "-sS", "-sV", "10.0.0.0/20"), scanned, "services-nmap",
                new ScanReport.Chunk(UUID.randomUUID(), 3, 16), true,
                new Coverage(List.of("10.0.0.0/20"), List.of(new Coverage.PortProbe("tcp", "22,25,443", List.of("10.0.0.0/20")))));
    }
}
