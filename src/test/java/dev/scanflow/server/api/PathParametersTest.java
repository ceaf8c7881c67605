package dev.scanflow.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.server.delta.HostAddress;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PathParametersTest {

    @Test
    void partsAreReadFromThePathByTheTemplate() {
        PathParameters parts = PathParameters.match("/api/v1/subnets/{subnetId}/hosts/{address}",
                "/api/v1/subnets/21/hosts/2001:db8::5");
        assertEquals(21, parts.positiveLong("subnetId"));
        assertEquals(HostAddress.parse("2001:db8::5"), parts.address("address"));
        assertEquals(HostAddress.parse("2001:db8::5"), PathParameters.match("/h/{address}", "/h/2001%3Adb8%3A%3A5").address("address"));
        UUID id = UUID.randomUUID();
        assertEquals(id, PathParameters.match("/api/v1/scans/{scanId}", "/api/v1/scans/" + id).uuid("scanId"));
    }

    @Test
    void malformedPartsAre400NamingThePart() {
        ApiError error = assertThrows(ApiError.class, () -> PathParameters.match("/a/{alertId}", "/a/7x").positiveLong("alertId"));
        assertEquals(400, error.getStatus());
        assertTrue(error.getMessage().contains("'alertId'"), error.getMessage());
        assertThrows(ApiError.class, () -> PathParameters.match("/s/{scanId}", "/s/1-2-3-4-5").uuid("scanId"));
        assertThrows(ApiError.class, () -> PathParameters.match("/h/{address}", "/h/host.lab").address("address"));
    }

    @Test
    void aPathOfAnotherShapeIsAProgrammingError() {
        assertThrows(IllegalStateException.class, () -> PathParameters.match("/a/{alertId}", "/a/1/b"));
        assertThrows(IllegalStateException.class, () -> PathParameters.match("/a/{alertId}", "/b/1"));
    }
}
