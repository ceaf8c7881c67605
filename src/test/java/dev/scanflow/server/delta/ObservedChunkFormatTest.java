package dev.scanflow.server.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.report.ReportJson;
import dev.scanflow.report.ScanReport;
import dev.scanflow.report.ScannedHost;
import dev.scanflow.report.ScannedPort;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * The kept-chunk format against the records as they are: the report's every field (filled by reflection, so a field
 * added to a report record is filled too) and every kind of host and port read back equal, which fails until the
 * format writes and reads a new field.
 */
class ObservedChunkFormatTest {

    private static final ScannedPort.Service SSH = new ScannedPort.Service("ssh", "OpenSSH", "9.2p1 Debian 2", "protocol 2.0",
            null, List.of("cpe:/a:openbsd:openssh:9.2p1", "cpe:/o:linux:linux_kernel"));
    private static final ScannedPort.Service HTTPS = new ScannedPort.Service("http", "nginx", "1.22.1", null, "ssl", List.of());

    private int counter;

    @Test
    void aChunkWithEveryReportFieldAndEveryKindOfHostAndPortReadsBackEqual() throws Exception {
        ObservedChunk chunk = ObservedChunk.of(withHosts((ScanReport) filled(ScanReport.class)));
        ObservedChunk back = ObservedChunkFormat.decode(ObservedChunkFormat.encode(chunk));
        assertEquals(chunk, back);
        assertEquals(chunk.header(), back.header());
        assertEquals(1, back.hostsOutsideSubnet());
        assertEquals(4, back.hosts().length);
    }

    @Test
    void theFillerFillsEveryFieldOfTheReport() throws Exception {
        // the test above proves something only if two filled reports differ in every field
        ScanReport one = (ScanReport) filled(ScanReport.class);
        ScanReport two = (ScanReport) filled(ScanReport.class);
        for (RecordComponent component : ScanReport.class.getRecordComponents()) {
            if (component.getType() == int.class || component.getType() == Boolean.class) {
                continue; // formatVersion and partial have one value each
            }
            assertNotEquals(component.getAccessor().invoke(one), component.getAccessor().invoke(two), component.getName());
        }
    }

    @Test
    void everyFieldOfAnObservedHostIsInTheFormat() {
        // a field added to ObservedHost must be written and read by ObservedChunkFormat, and set by the hosts above
        Set<String> fields = Arrays.stream(ObservedHost.class.getDeclaredFields())
                .filter(field -> !Modifier.isStatic(field.getModifiers())).map(Field::getName).collect(Collectors.toSet());
        assertEquals(Set.of("high", "low", "liveness", "mac", "macVendor", "hostname", "openKeys", "services",
                "closedKeys", "missedKeys", "inconclusiveKeys"), fields);
    }

    @Test
    void whatAReportLeavesOutReadsBackLeftOut() throws Exception {
        ScanReport bare = new ScanReport(1, UUID.randomUUID(), "agent", "10.0.0.0/24", Instant.EPOCH, Instant.EPOCH,
                List.of(), List.of(new ScannedHost("10.0.0.1", "up", null, null, List.of())), null, null, false, null);
        ObservedChunk chunk = ObservedChunk.of(bare);
        ObservedChunk back = ObservedChunkFormat.decode(ObservedChunkFormat.encode(chunk));
        assertEquals(chunk, back);
        assertEquals(Boolean.FALSE, back.header().partial());
        ScanReport unknown = new ScanReport(2, bare.reportId(), "agent", "10.0.0.0/24", Instant.EPOCH, Instant.EPOCH,
                List.of(), List.of(), null, null, null, null);
        assertEquals(unknown, ObservedChunkFormat.decode(ObservedChunkFormat.encode(ObservedChunk.of(unknown))).header());
    }

    @Test
    void aRowWithAValidChecksumButNoWriterBehindItIsAnError() {
        // format version 2, then 7 where "has a report id" must be 0 or 1
        Deflater deflater = new Deflater();
        deflater.setInput(new byte[] {2, 7});
        deflater.finish();
        byte[] zlib = new byte[64];
        int length = deflater.deflate(zlib);
        deflater.end();
        byte[] row = new byte[length + 1];
        row[0] = ObservedChunkFormat.FORMAT;
        System.arraycopy(zlib, 0, row, 1, length);
        assertThrows(IOException.class, () -> ObservedChunkFormat.decode(row));
    }

    @Test
    void aDamagedOrCutRowIsAnErrorNotAnotherChunk() {
        byte[] kept = ObservedChunkFormat.encode(ObservedChunk.of(withHosts((ScanReport) filled(ScanReport.class))));
        byte[] damaged = kept.clone();
        damaged[damaged.length / 2] ^= 0x5A;
        assertThrows(IOException.class, () -> ObservedChunkFormat.decode(damaged));
        assertThrows(IOException.class, () -> ObservedChunkFormat.decode(Arrays.copyOf(kept, kept.length / 3)));
        assertThrows(IOException.class, () -> ObservedChunkFormat.decode(new byte[] {0x1f, (byte) 0x8b}));
    }

    @Test
    void aServiceOnAThousandHostsIsWrittenOnce() throws Exception {
        List<ScannedHost> hosts = new ArrayList<>();
        for (int h = 0; h < 1000; h++) {
            hosts.add(new ScannedHost("10.0." + (h / 250) + "." + (h % 250 + 1), "up", null, null, List.of(),
                    List.of(new ScannedPort("tcp", 22, "open", "syn-ack", new ScannedPort.Service(new String("ssh"),
                            new String("OpenSSH"), new String("9.2p1"), null, null, List.of(new String("cpe:/a:openbsd:openssh"))), null))));
        }
        ScanReport report = withHosts((ScanReport) filled(ScanReport.class), "10.0.0.0/16", hosts);
        int kept = ObservedChunkFormat.encode(ObservedChunk.of(report)).length;
        int json = ReportJson.mapper().writeValueAsBytes(report).length;
        assertTrue(kept * 20 < json, kept + " bytes kept against " + json + " of JSON");
    }

    /** The filled report in 10.0.0.0/24 with hosts of every kind, and one outside the subnet. */
    private static ScanReport withHosts(ScanReport report) {
        List<ScannedHost> hosts = List.of(
                new ScannedHost("10.0.0.7", "up", "02:5F:00:00:00:07", "Lab Vendor", List.of("seven.lab", "alias.lab"), List.of(
                        new ScannedPort("tcp", 22, "open", "syn-ack", SSH, Map.of("ssh-hostkey", "256 aa:bb (ED25519)")),
                        new ScannedPort("tcp", 443, "open", "syn-ack", HTTPS, null),
                        new ScannedPort("tcp", 8080, "open", "syn-ack", null, null),
                        new ScannedPort("tcp", 25, "closed", "reset", null, null),
                        new ScannedPort("tcp", 110, "filtered", "no-response", null, null),
                        new ScannedPort("udp", 161, "open|filtered", "no-response", null, null))),
                new ScannedHost("10.0.0.8", "up", null, null, List.of(), List.of(
                        new ScannedPort("tcp", 22, "open", "syn-ack", SSH, null))),
                new ScannedHost("10.0.0.9", "down", null, null, List.of()),
                new ScannedHost("10.0.0.200", "up", null, null, List.of("no-ports.lab")),
                new ScannedHost("192.168.1.1", "up", null, null, List.of()));
        return withHosts(report, "10.0.0.0/24", hosts);
    }

    private static ScanReport withHosts(ScanReport report, String subnet, List<ScannedHost> hosts) {
        return new ScanReport(report.formatVersion(), report.reportId(), report.agentCode(), subnet, report.scanStart(),
                report.scanEnd(), report.command(), hosts, report.profile(), report.chunk(), report.partial(), report.coverage());
    }

    /** An instance of {@code type} with every component set, strings and numbers distinct from any other call's. */
    private Object filled(Type type) {
        try {
            if (type instanceof ParameterizedType generic) {
                Type[] arguments = generic.getActualTypeArguments();
                if (generic.getRawType() == List.class) {
                    return List.of(filled(arguments[0]), filled(arguments[0]));
                }
                if (generic.getRawType() == Map.class) {
                    Map<Object, Object> map = new LinkedHashMap<>();
                    map.put(filled(arguments[0]), filled(arguments[1]));
                    return map;
                }
                throw new AssertionError("no filler for " + type + ": add one, and the field to ObservedChunkFormat");
            }
            Class<?> raw = (Class<?>) type;
            if (raw == String.class) {
                return "value \u00e9 " + ++counter;
            }
            if (raw == int.class || raw == Integer.class) {
                return ++counter;
            }
            if (raw == Boolean.class || raw == boolean.class) {
                return Boolean.TRUE;
            }
            if (raw == UUID.class) {
                return UUID.randomUUID();
            }
            if (raw == Instant.class) {
                return Instant.ofEpochSecond(1_700_000_000L + ++counter, 123_456_789);
            }
            if (raw.isRecord()) {
                RecordComponent[] components = raw.getRecordComponents();
                Class<?>[] types = new Class<?>[components.length];
                Object[] values = new Object[components.length];
                for (int i = 0; i < components.length; i++) {
                    types[i] = components[i].getType();
                    values[i] = filled(components[i].getGenericType());
                }
                return raw.getDeclaredConstructor(types).newInstance(values);
            }
            throw new AssertionError("no filler for " + type + ": add one, and the field to ObservedChunkFormat");
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
