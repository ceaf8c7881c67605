package dev.scanflow.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the operator token allows on Jolokia, request by request (the IT replays them over HTTP). */
class JolokiaPolicyTest {

    private static final String ROUTE = "org.apache.camel:context=scanflow,type=routes,name=\\\"report-intake\\\"";
    private final JolokiaPolicy policy = new JolokiaPolicy();

    private boolean allowed(String json) {
        return policy.checkPost(json.getBytes(StandardCharsets.UTF_8)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"version\"}",
        "{\"type\":\"list\"}",
        "{\"type\":\"search\",\"mbean\":\"*:*\"}",
        "{\"type\":\"read\",\"mbean\":\"org.apache.camel:*\"}",
        "{\"type\":\"read\",\"mbean\":\"" + ROUTE + "\",\"attribute\":\"State\"}",
        "{\"type\":\"exec\",\"mbean\":\"" + ROUTE + "\",\"operation\":\"stop()\"}",
        "{\"type\":\"exec\",\"mbean\":\"" + ROUTE + "\",\"operation\":\"stop(long)\",\"arguments\":[5]}",
        "{\"type\":\"exec\",\"mbean\":\"" + ROUTE + "\",\"operation\":\"start\"}",
        "{\"type\":\"exec\",\"mbean\":\"" + ROUTE + "\",\"operation\":\"suspend()\"}",
        "{\"type\":\"exec\",\"mbean\":\"" + ROUTE + "\",\"operation\":\"resume()\"}",
        "[{\"type\":\"version\"},{\"type\":\"read\",\"mbean\":\"" + ROUTE + "\"}]"})
    void allows(String request) {
        assertTrue(allowed(request), request);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"exec\",\"mbean\":\"org.apache.camel:context=scanflow,type=context,name=\\\"scanflow\\\"\",\"operation\":\"sendStringBody(java.lang.String,java.lang.String)\"}",
        "{\"type\":\"exec\",\"mbean\":\"org.apache.camel:context=scanflow,type=context,name=\\\"scanflow\\\"\",\"operation\":\"createEndpoint\"}",
        "{\"type\":\"exec\",\"mbean\":\"" + ROUTE + "\",\"operation\":\"remove()\"}",
        "{\"type\":\"exec\",\"mbean\":\"" + ROUTE + "\",\"operation\":\"updateRouteFromXml\"}",
        "{\"type\":\"exec\",\"mbean\":\"" + ROUTE + "\",\"operation\":\"stop()x\"}",
        "{\"type\":\"exec\",\"mbean\":\"org.apache.camel:type=routes,*\",\"operation\":\"stop\"}",
        "{\"type\":\"exec\",\"mbean\":\"java.lang:type=Memory\",\"operation\":\"gc\"}",
        "{\"type\":\"write\",\"mbean\":\"" + ROUTE + "\",\"attribute\":\"TracingEnabled\",\"value\":true}",
        "{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime\",\"attribute\":\"InputArguments\"}",
        "{\"type\":\"read\",\"mbean\":\"*:*\"}",
        "{\"type\":\"read\",\"mbean\":\"jolokia:type=Config\"}",
        "{\"type\":\"notification\",\"command\":\"register\"}",
        "{\"type\":\"read\"}",
        "{\"mbean\":\"" + ROUTE + "\"}",
        "{\"type\":\"read\",\"type\":\"exec\",\"mbean\":\"" + ROUTE + "\",\"operation\":\"remove\"}",
        "[{\"type\":\"version\"},{\"type\":\"write\",\"mbean\":\"" + ROUTE + "\",\"attribute\":\"A\",\"value\":1}]",
        "[]", "[1]", "\"version\"", "not json"})
    void refuses(String request) {
        assertTrue(!allowed(request), request);
    }

    @Test
    void getPathsAllowReadingCamelOnly() {
        assertTrue(policy.checkGet("", false).isEmpty());
        assertTrue(policy.checkGet("/version", false).isEmpty());
        assertTrue(policy.checkGet("/read/org.apache.camel:context=scanflow,type=routes,name=%22report-intake%22/State", false).isEmpty());
        for (String path : List.of("/exec/" + "org.apache.camel:context=scanflow,type=routes,name=%22x%22/stop()",
                "/write/org.apache.camel:type=routes,name=%22x%22/A/1", "/read/java.lang:type=Runtime/InputArguments",
                "/read/java.lang%3Atype=Runtime", "/READ/java.lang:type=Runtime", "/read/org.apache.camel!/x:type=y")) {
            assertTrue(policy.checkGet(path, false).isPresent(), path);
        }
        assertTrue(policy.checkGet("/version", true).isPresent(), "the p parameter is refused");
    }

    @Test
    void splitsJolokiasEscapedPaths() {
        assertEquals(List.of("read", "a/b:type=x", "Attr"), JolokiaPolicy.split("/read/a!/b:type=x/Attr"));
        assertEquals(List.of("read", "a!b"), JolokiaPolicy.split("/read/a!!b"));
    }
}
