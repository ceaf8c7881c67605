package dev.scanflow.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.scanflow.agent.scan.MasscanOutputParser;
import dev.scanflow.agent.scan.NmapXmlParser;
import dev.scanflow.agent.scan.ScanOutputRejected;
import dev.scanflow.server.intake.ReportReader;
import dev.scanflow.server.intake.ReportRejected;
import java.io.ByteArrayInputStream;

/**
 * Fuzz targets for what reads input ScanFlow does not control: the server's report reader (any body an agent
 * or anyone else POSTs) and the agent's parsers of nmap's XML and masscan's output. The contract under test:
 * either a result, or the one documented refusal ({@link ReportRejected} 400, {@link ScanOutputRejected});
 * never another exception, never a StackOverflowError, never a hang (Jazzer reports slow inputs).
 *
 * <p>In a normal build (no JAZZER_FUZZ) each target runs its seed inputs only, from
 * src/test/resources/dev/scanflow/fuzz/ParserFuzzTestInputs/&lt;target&gt;/, which keeps CI bounded and turns
 * every crash ever found into a regression test. To fuzz for real, one target at a time, for the time given:
 * {@code JAZZER_FUZZ=1 ./mvnw -B test -Dtest=ParserFuzzTest#reportReader -Djazzer.max_duration=5m}.
 */
class ParserFuzzTest {

    private static final ReportReader READER = new ReportReader();
    private static final NmapXmlParser NMAP = new NmapXmlParser();
    private static final MasscanOutputParser MASSCAN = new MasscanOutputParser();

    @FuzzTest(maxDuration = "60s")
    void reportReader(byte[] body) {
        try {
            READER.read(body);
        } catch (ReportRejected refused) {
            assertEquals(400, refused.getStatus(), refused.getMessage());
        }
    }

    @FuzzTest(maxDuration = "60s")
    void nmapXml(byte[] output) {
        try {
            NMAP.parse(new ByteArrayInputStream(output));
        } catch (ScanOutputRejected refused) {
            // the documented refusal: not nmap XML, or entities
        }
    }

    @FuzzTest(maxDuration = "60s")
    void masscanOutput(byte[] output) {
        try {
            MASSCAN.parse(new ByteArrayInputStream(output));
        } catch (ScanOutputRejected refused) {
            // the documented refusal: neither -oJ nor -oX
        }
    }
}
