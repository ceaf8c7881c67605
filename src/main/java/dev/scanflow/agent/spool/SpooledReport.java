package dev.scanflow.agent.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** One report waiting in the spool: its file, its place in the order, its id, and when it was spooled. */
public record SpooledReport(Path file, long sequence, String reportId, Instant spooledAt) {

    static SpooledReport of(Path file, long sequence, String reportId) {
        return new SpooledReport(file, sequence, reportId,
                Instant.ofEpochSecond(sequence / 1_000_000L, (sequence % 1_000_000L) * 1_000L));
    }

    public byte[] read() throws IOException {
        return Files.readAllBytes(file);
    }
}
