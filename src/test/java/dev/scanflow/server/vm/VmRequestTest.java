package dev.scanflow.server.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.server.api.ApiError;
import java.util.List;
import org.junit.jupiter.api.Test;

class VmRequestTest {

    private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBm3 admin@example.net";

    private static String body(String subnet, String name, String extra) {
        return "{\"subnet\":" + subnet + ",\"name\":\"" + name + "\",\"node\":\"pve1\",\"template\":9000,\"cores\":2,"
                + "\"memory\":2048" + extra + ",\"sshKeys\":[\"" + KEY + "\"]}";
    }

    @Test
    void aRequestReadsAndItsCanonicalFormReadsBackTheSame() {
        VmRequest request = VmRequest.parse(body("7", "web-01.example.net", ""));
        assertEquals("7", request.subnet());
        assertNull(request.diskGb());
        assertEquals(List.of(KEY), request.sshKeys());
        assertEquals(request, VmRequest.fromJson(request.json()));
        assertEquals("203.0.113.0/24", VmRequest.parse(body("\"203.0.113.0/24\"", "a", ",\"diskGb\":32")).subnet());
    }

    @Test
    void everyBadFieldIsA400NamingIt() {
        for (String[] bad : new String[][] {
                {body("7", "bad_name", ""), "'name'"},
                {body("7", "ok", ",\"cores\":0"), "'cores'"},
                {body("7", "ok", ",\"diskGb\":\"32\""), "'diskGb'"},
                {body("7", "ok", ",\"colour\":\"red\""), "unknown field 'colour'"},
                {body("7", "ok", "").replace(KEY, "ssh-ed25519 AAAA\\nssh-rsa BBBB"), "'sshKeys'"},
                {body("true", "ok", ""), "'subnet'"},
                {"{\"subnet\": 7", "not JSON"}}) {
            ApiError error = assertThrows(ApiError.class, () -> VmRequest.parse(bad[0]), bad[0]);
            assertEquals(400, error.getStatus());
            assertTrue(error.getMessage().contains(bad[1]), error.getMessage());
        }
    }

    @Test
    void withTheFeatureOffTheApiAnswers503() {
        VmApi api = new VmApi(false, null, null, null);
        ApiError error = assertThrows(ApiError.class, () -> api.create(null, body("7", "ok", "")));
        assertEquals(503, error.getStatus());
        assertEquals(503, assertThrows(ApiError.class, () -> api.job("/api/v1/vms/x")).getStatus());
    }
}
