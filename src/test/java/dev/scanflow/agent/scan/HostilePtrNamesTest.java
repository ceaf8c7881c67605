package dev.scanflow.agent.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A reverse zone can answer anything: names that are no DNS names never reach a report, which the server would
 * refuse whole (400) after the scan. The XML is real nmap 7.93 -sn output with the PTR names edited.
 */
class HostilePtrNamesTest {

    @Test
    void onlyDnsNamesOfThePtrAnswersAreKept() {
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <nmaprun scanner="nmap" args="nmap -sn -R -oX - 127.0.0.1" start="1764500000" version="7.93" xmloutputversion="1.05">
                <host><status state="up" reason="localhost-response" reason_ttl="0"/>
                <address addr="127.0.0.1" addrtype="ipv4"/>
                <hostnames>
                <hostname name="&lt;script&gt;alert(1)&lt;/script&gt;" type="PTR"/>
                <hostname name="=cmd|calc" type="PTR"/>
                <hostname name="printer_2.lab" type="PTR"/>
                <hostname name="host name.lab" type="PTR"/>
                </hostnames>
                </host>
                <runstats><finished time="1764500001" timestr="x" elapsed="0.1" summary="x" exit="success"/><hosts up="1" down="0" total="1"/></runstats>
                </nmaprun>
                """;
        NmapRun run = new NmapXmlParser().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of("printer_2.lab"), run.hosts().get(0).hostnames());
    }
}
