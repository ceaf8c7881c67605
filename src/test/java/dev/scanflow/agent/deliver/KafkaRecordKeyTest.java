package dev.scanflow.agent.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KafkaRecordKeyTest {

    private final KafkaRecordKey key = new KafkaRecordKey("site-a");

    @Test
    void siteAndSubnetWhereverTheSubnetStands() throws IOException {
        assertEquals("site-a/192.0.2.0/24", key.of(bytes(
                "{\"formatVersion\":2,\"hosts\":[{\"address\":\"192.0.2.1\",\"subnet\":\"x\"}],\"subnet\":\"192.0.2.0/24\"}")));
        assertEquals("site-a/2001:db8::/120", key.of(bytes("{\"subnet\":\"2001:db8::/120\",\"hosts\":[]}")));
    }

    @Test
    void aReportWithoutSubnetHasNoKey() {
        assertThrows(IOException.class, () -> key.of(bytes("{\"hosts\":[]}")));
        assertThrows(IOException.class, () -> key.of(bytes("[]")));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
