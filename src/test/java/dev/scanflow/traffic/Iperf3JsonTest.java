package dev.scanflow.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class Iperf3JsonTest {

    /** Real iperf3 3.12 output (`iperf3 -c 127.0.0.1 -p 1 -J`, which exited 0). */
    @Test
    void theErrorFieldIsReadBeforeAnyFigure() throws Exception {
        String json = Files.readString(Path.of("src/test/resources/traffic/iperf3-connection-refused.json"));

        TrafficTestFailed failed = assertThrows(TrafficTestFailed.class, () -> Iperf3Json.figures(json, TrafficProtocol.TCP));

        assertEquals(TrafficTestFailed.Reason.IPERF3_FAILED, failed.reason());
        assertEquals("iperf3: unable to connect to server: Connection refused", failed.getMessage());
    }

    @Test
    void outputThatIsNotJsonIsAFailureWithTheOutputInTheMessage() {
        TrafficTestFailed failed = assertThrows(TrafficTestFailed.class,
                () -> Iperf3Json.figures("iperf3: error - something", TrafficProtocol.UDP));

        assertTrue(failed.getMessage().contains("iperf3: error - something"), failed.getMessage());
    }
}
