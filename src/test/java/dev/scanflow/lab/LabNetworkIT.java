package dev.scanflow.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Proves the namespace lab: real nmap finds its hosts with their MACs, and close() leaves nothing behind. */
class LabNetworkIT {

    @Test
    void nmapFindsEveryHostWithItsMacAndCloseLeavesNothing() throws Exception {
        LabNetwork.assumeAvailable();
        LabNetwork lab = LabNetwork.create(3);
        String prefix = lab.prefix();
        String scannerInterface = lab.scannerInterface();
        try (lab) {
            ExecResult nmap = LabNetwork.exec(
                    List.of("nmap", "-sn", "-n", "-T4", LabNetwork.SUBNET_V4, "-oX", "-"), Duration.ofSeconds(60))
                    .orThrow();
            Map<String, String> up = upHostsWithMac(nmap.stdout());
            assertEquals(3, lab.hosts().size());
            for (LabHost host : lab.hosts()) {
                assertEquals(host.mac(), up.get(host.ipv4()), "MAC of " + host.ipv4() + " in " + nmap.stdout());
            }
            assertEquals("02:5f:00:00:00:0b", lab.host(0).mac());
            assertEquals(LabNetwork.GATEWAY_MAC, up.get(LabNetwork.GATEWAY_V4));
        }
        String namespaces = LabNetwork.exec(List.of("ip", "netns", "list"), Duration.ofSeconds(10)).orThrow().stdout();
        assertFalse(namespaces.contains(prefix), "namespaces left behind: " + namespaces);
        String addresses = LabNetwork.exec(List.of("ip", "-o", "addr", "show"), Duration.ofSeconds(10))
                .orThrow().stdout();
        assertFalse(addresses.contains(LabNetwork.SCANNER_V4 + "/"), "root namespace still has 198.18.0.3");
        assertFalse(Files.exists(Path.of("/sys/class/net", scannerInterface)));
    }

    @Test
    void hostControlStartsAndStopsRealServicesAndChangesLinks() throws Exception {
        LabNetwork.assumeAvailable(LabNetwork.Tool.SSHD, LabNetwork.Tool.PYTHON3);
        try (LabNetwork lab = LabNetwork.builder().hosts(2).ipv6(true).build()) {
            LabHost h11 = lab.host(0);
            LabHost h12 = lab.host(1);
            assertEquals("2001:db8:5f::11", h11.ipv6());

            LabProcess http = lab.startHttpServer(h11, 8080);
            LabProcess sshd = lab.startSshd(h12, 2222);
            assertTrue(LabNetwork.canConnect(h11.ipv4(), 8080, Duration.ofSeconds(1)));
            assertTrue(LabNetwork.canConnect(h12.ipv4(), 2222, Duration.ofSeconds(1)));
            lab.stopProcess(http);
            assertFalse(http.isAlive());
            assertFalse(LabNetwork.canConnect(h11.ipv4(), 8080, Duration.ofSeconds(1)));

            LabProcess http6 = lab.startHttpServer(h11, h11.ipv6(), 8081, LabNetwork.Tool.PYTHON3.locate()
                    .orElseThrow().toString());
            assertTrue(LabNetwork.canConnect(h11.ipv6(), 8081, Duration.ofSeconds(1)));

            lab.setLinkDown(h12);
            assertFalse(LabNetwork.canConnect(h12.ipv4(), 2222, Duration.ofSeconds(1)));
            lab.setLinkUp(h12);
            LabNetwork.awaitPort(h12.ipv4(), 2222, Duration.ofSeconds(10));

            LabHost moved = lab.changeMac(h12, "52:54:00:5f:00:0c");
            assertEquals("52:54:00:5f:00:0c", lab.host(1).mac());
            ExecResult nmap = LabNetwork.exec(List.of("nmap", "-sn", "-n", moved.ipv4(), "-oX", "-"),
                    Duration.ofSeconds(30)).orThrow();
            assertEquals(moved.mac(), upHostsWithMac(nmap.stdout()).get(moved.ipv4()));
            assertTrue(sshd.isAlive() && http6.isAlive());
        }
    }

    /** ipv4 address -> MAC (lower case) of every host nmap reports up. */
    static Map<String, String> upHostsWithMac(String nmapXml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        NodeList hosts = f.newDocumentBuilder()
                .parse(new ByteArrayInputStream(nmapXml.getBytes(StandardCharsets.UTF_8)))
                .getElementsByTagName("host");
        Map<String, String> result = new HashMap<>();
        for (int i = 0; i < hosts.getLength(); i++) {
            Element host = (Element) hosts.item(i);
            Element status = (Element) host.getElementsByTagName("status").item(0);
            if (!"up".equals(status.getAttribute("state"))) {
                continue;
            }
            String ipv4 = null;
            String mac = null;
            NodeList addresses = host.getElementsByTagName("address");
            for (int j = 0; j < addresses.getLength(); j++) {
                Element a = (Element) addresses.item(j);
                if ("ipv4".equals(a.getAttribute("addrtype"))) {
                    ipv4 = a.getAttribute("addr");
                } else if ("mac".equals(a.getAttribute("addrtype"))) {
                    mac = a.getAttribute("addr").toLowerCase();
                }
            }
            result.put(ipv4, mac);
        }
        return result;
    }
}
