package dev.scanflow.agent.scan;

import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Streams nmap's XML output (-oX) into an {@link NmapRun}. DTDs and external entities are off: nmap's own
 * {@code <!DOCTYPE nmaprun>} is harmless, an entity declaration is refused and never resolved.
 * Elements this parser does not know are skipped. Output cut short (a killed nmap) yields the hosts
 * completed so far and {@code complete=false}.
 */
public class NmapXmlParser {

    /** hosts[].hostnames maxItems in the report schema. */
    private static final int MAX_HOSTNAMES = 32;

    private final XMLInputFactory factory;

    public NmapXmlParser() {
        factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
    }

    public NmapRun parse(InputStream xml) {
        RunBuilder run = new RunBuilder();
        XMLStreamReader reader = null;
        try {
            reader = factory.createXMLStreamReader(xml);
            while (reader.hasNext()) {
                int event = reader.next();
                if (event == XMLStreamConstants.DTD && reader.getText().contains("<!ENTITY")) {
                    throw new ScanOutputRejected("nmap output declares XML entities; refusing to read it", null);
                }
                if (event == XMLStreamConstants.ENTITY_REFERENCE) {
                    throw new ScanOutputRejected("nmap output uses an undeclared entity &" + reader.getLocalName() + ";", null);
                }
                if (event == XMLStreamConstants.START_ELEMENT) {
                    run.start(reader);
                } else if (event == XMLStreamConstants.END_ELEMENT) {
                    run.end(reader.getLocalName());
                }
            }
        } catch (XMLStreamException e) {
            if (!run.started) {
                throw new ScanOutputRejected("not nmap XML output: " + e.getMessage(), e);
            }
            // Truncated output: keep what was completed, the run stays incomplete.
        } finally {
            if (reader != null) {
                try {
                    reader.close();
                } catch (XMLStreamException ignored) {
                    // nothing left to release that matters
                }
            }
        }
        if (!run.started) {
            throw new ScanOutputRejected("no <nmaprun> element in scanner output", null);
        }
        return run.build();
    }

    /** Collects elements as they stream past; only finished {@code <host>} elements become hosts. */
    private static final class RunBuilder {
        boolean started;
        String args;
        Instant start;
        Instant end;
        boolean finished;
        final List<NmapHost> hosts = new ArrayList<>();

        HostBuilder host;
        PortBuilder port;

        void start(XMLStreamReader r) throws XMLStreamException {
            switch (r.getLocalName()) {
                case "nmaprun" -> {
                    started = true;
                    args = attr(r, "args");
                    start = epoch(attr(r, "start"));
                }
                case "host" -> host = new HostBuilder();
                case "status" -> {
                    if (host != null) {
                        host.state = attr(r, "state");
                        host.reason = attr(r, "reason");
                    }
                }
                case "address" -> {
                    if (host != null) {
                        host.address(attr(r, "addrtype"), attr(r, "addr"), attr(r, "vendor"));
                    }
                }
                case "hostname" -> {
                    // a PTR answer says what the reverse zone's owner wants: only DNS names go into a report
                    // (the server refuses the whole report otherwise), and at most as many as it takes
                    String name = attr(r, "name");
                    if (host != null && name != null && dev.scanflow.report.DnsName.isValid(name)
                            && host.hostnames.size() < MAX_HOSTNAMES && !host.hostnames.contains(name)) {
                        host.hostnames.add(name);
                    }
                }
                case "port" -> {
                    if (host != null) {
                        port = new PortBuilder(attr(r, "protocol"), attr(r, "portid"));
                    }
                }
                case "state" -> {
                    if (port != null) {
                        port.state = attr(r, "state");
                        port.reason = attr(r, "reason");
                    }
                }
                case "service" -> {
                    if (port != null) {
                        port.service(r);
                    }
                }
                case "cpe" -> {
                    if (port != null) {
                        port.cpes.add(text(r));
                    }
                }
                case "script" -> {
                    if (port != null && attr(r, "id") != null) {
                        port.scripts.put(attr(r, "id"), String.valueOf(attr(r, "output")));
                    }
                }
                case "finished" -> {
                    finished = true;
                    end = epoch(attr(r, "time"));
                }
                default -> {
                    // unknown or uninteresting elements are skipped
                }
            }
        }

        void end(String name) {
            if ("port".equals(name) && port != null && host != null) {
                host.ports.add(port.build());
                port = null;
            } else if ("host".equals(name) && host != null) {
                hosts.add(host.build());
                host = null;
            }
        }

        NmapRun build() {
            return new NmapRun(args, start, end, finished, hosts);
        }
    }

    private static final class HostBuilder {
        String state;
        String reason;
        String ipv4;
        String ipv6;
        String mac;
        String macVendor;
        final List<String> hostnames = new ArrayList<>();
        final List<NmapPort> ports = new ArrayList<>();

        void address(String type, String addr, String vendor) {
            if ("ipv4".equals(type)) {
                ipv4 = addr;
            } else if ("ipv6".equals(type)) {
                ipv6 = addr;
            } else if ("mac".equals(type)) {
                mac = addr;
                macVendor = vendor;
            }
        }

        NmapHost build() {
            return new NmapHost(state, reason, ipv4, ipv6, mac, macVendor, hostnames, ports);
        }
    }

    private static final class PortBuilder {
        final String protocol;
        final int number;
        String state;
        String reason;
        String serviceName;
        String product;
        String version;
        String extraInfo;
        String tunnel;
        final List<String> cpes = new ArrayList<>();
        final Map<String, String> scripts = new LinkedHashMap<>();

        PortBuilder(String protocol, String portId) {
            this.protocol = protocol;
            this.number = portId == null ? -1 : Integer.parseInt(portId);
        }

        void service(XMLStreamReader r) {
            serviceName = attr(r, "name");
            product = attr(r, "product");
            version = attr(r, "version");
            extraInfo = attr(r, "extrainfo");
            tunnel = attr(r, "tunnel");
        }

        NmapPort build() {
            return new NmapPort(protocol, number, state, reason, serviceName, product, version, extraInfo, tunnel,
                    cpes, scripts);
        }
    }

    private static String attr(XMLStreamReader r, String name) {
        return r.getAttributeValue(null, name);
    }

    private static String text(XMLStreamReader r) throws XMLStreamException {
        return r.getElementText();
    }

    private static Instant epoch(String seconds) {
        return seconds == null || seconds.isBlank() ? null : Instant.ofEpochSecond(Long.parseLong(seconds));
    }
}
