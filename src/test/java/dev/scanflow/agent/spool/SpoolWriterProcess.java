package dev.scanflow.agent.spool;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;

/** Stores 200 KiB reports into a spool without end, until it is killed (ReportSpoolTest kills it with -9). */
public final class SpoolWriterProcess {

    private SpoolWriterProcess() {
    }

    /** A report's content follows from its id, so a reader can tell a whole one from a torn one. */
    static byte[] content(String reportId) {
        byte[] unit = (reportId + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] content = new byte[unit.length * 5500];
        for (int i = 0; i < 5500; i++) {
            System.arraycopy(unit, 0, content, i * unit.length, unit.length);
        }
        return content;
    }

    public static void main(String[] args) throws Exception {
        ReportSpool spool = new ReportSpool(Path.of(args[0]), Long.MAX_VALUE, Clock.systemUTC());
        while (true) {
            String id = UUID.randomUUID().toString();
            spool.store(id, content(id));
        }
    }
}
