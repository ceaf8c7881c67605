package dev.scanflow.transport;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.testing.ServerUnderTest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The demo's Kafka mode as an operator starts it ({@code scanflow demo --kafka}, its own JVM): an in-process
 * KRaft broker on 127.0.0.1, the agent's report published to the reports topic and applied by the server from
 * it (the apply log names the topic, partition and offset), then phpIPAM's rows printed; stopped with SIGTERM
 * (what Ctrl-C does), it exits.
 */
class DemoKafkaIT {

    @Test
    void theDemosReportGoesAgentToKafkaToServer() throws Exception {
        Assumptions.assumeTrue(nmapInstalled() || "true".equals(System.getenv("CI")), "the demo needs nmap");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dscanflow.home=" + ServerUnderTest.HOME,
                "dev.scanflow.launch.ScanFlow", "demo", "--kafka", "--port", Integer.toString(ServerUnderTest.freePort()));
        Process demo = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        boolean kafkaLine = false;
        boolean published = false;
        boolean consumed = false;
        boolean shown = false;
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            for (String line; System.nanoTime() < deadline && (line = lines.readLine()) != null; ) {
                output.add(line);
                kafkaLine |= line.matches("Kafka: in-process KRaft broker at 127\\.0\\.0\\.1:\\d+; the agent publishes to scanflow\\.reports.*");
                published |= line.contains("ReportDelivery - report ") && line.contains("delivered (Kafka [scanflow.reports-");
                consumed |= line.contains("report-intake-kafka - report ") && line.contains("from scanflow.reports-");
                shown |= published && consumed && line.startsWith("phpIPAM after report ");
                if (kafkaLine && shown) {
                    break;
                }
            }
            Thread drain = new Thread(() -> lines.lines().forEach(l -> { }), "demo-output");
            drain.setDaemon(true);
            drain.start();
            String tail = String.join("\n", output.subList(Math.max(0, output.size() - 40), output.size()));
            assertTrue(kafkaLine, "the demo names its broker:\n" + tail);
            assertTrue(published, "the agent published to the reports topic:\n" + tail);
            assertTrue(consumed, "the server applied it from the reports topic:\n" + tail);
            assertTrue(shown, "phpIPAM's rows were printed after it:\n" + tail);
            demo.destroy();
            assertTrue(demo.waitFor(90, TimeUnit.SECONDS), "SIGTERM stops the demo");
        } finally {
            demo.destroyForcibly();
        }
    }

    private static boolean nmapInstalled() {
        for (String path : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!path.isEmpty() && Files.isExecutable(Path.of(path, "nmap"))) {
                return true;
            }
        }
        return false;
    }
}
