package dev.scanflow.server.apply;

import dev.scanflow.report.Coverage;
import dev.scanflow.report.ScanReport;
import dev.scanflow.report.ScannedHost;
import dev.scanflow.report.ScannedPort;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * How a chunk waiting for the rest of its scan is kept in {@code pending_chunks}: one format byte, then every field
 * of the report in a fixed order, each string written once and referred to by its number after (a port scan repeats
 * its service names, products and states tens of thousands of times), deflated at the fastest level (zlib, whose checksum catches a damaged row).
 *
 * <p>Why not Jackson: on the apply path a chunk is encoded while its phpIPAM rows are written, on the same two cores
 * as MariaDB, and gzipped Smile through databind took 23 to 50 ms for a chunk of 62,500 ports, longer than the write
 * (about 27 ms), so every kept chunk waited for its encoding; this takes 10 to 24 ms, and reads back in 6 ms instead
 * of 30. The order of fields is the format: a field added to a report record must be added to {@link Writer} and
 * {@link Reader} (KeptChunkCodecTest fills every field by reflection and fails until it is). A row kept by an older
 * server starts with gzip's magic number instead; {@link PendingChunks} reads those.
 */
final class KeptChunkCodec {

    /** The first byte of a row in this format; gzip's rows start with 0x1f. */
    static final int FORMAT = 0x53;

    private KeptChunkCodec() {
    }

    static boolean isThisFormat(byte[] kept) {
        return kept.length > 0 && kept[0] == FORMAT;
    }

    static byte[] encode(ScanReport report) throws IOException {
        Writer writer = new Writer();
        writer.report(report);
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            deflater.setInput(writer.buffer, 0, writer.size);
            deflater.finish();
            byte[] out = new byte[Math.max(1024, writer.size / 8)];
            out[0] = FORMAT;
            int length = 1;
            while (!deflater.finished()) {
                if (length == out.length) {
                    out = Arrays.copyOf(out, out.length * 2);
                }
                length += deflater.deflate(out, length, out.length - length);
            }
            return Arrays.copyOf(out, length);
        } finally {
            deflater.end();
        }
    }

    static ScanReport decode(byte[] kept) throws IOException {
        if (!isThisFormat(kept)) {
            throw new IOException("not a kept chunk of this format");
        }
        Inflater inflater = new Inflater();
        try (InputStream in = new InflaterInputStream(new ByteArrayInputStream(kept, 1, kept.length - 1), inflater, 64 * 1024)) {
            return new Reader(in.readAllBytes()).report();
        } catch (IndexOutOfBoundsException e) {
            throw new IOException("a kept chunk ends early", e);
        } finally {
            inflater.end();
        }
    }

    /** Strings are numbered as first written: 0 is null, a number not yet known is followed by the string. */
    private static final class Writer {
        private byte[] buffer = new byte[256 * 1024];
        private int size;
        private final Map<String, Integer> strings = new HashMap<>();

        private void room(int bytes) {
            if (size + bytes > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + bytes));
            }
        }

        private void writeByte(int value) {
            room(1);
            buffer[size++] = (byte) value;
        }

        private void writeBoolean(boolean value) {
            writeByte(value ? 1 : 0);
        }

        private void writeLong(long value) {
            for (int shift = 56; shift >= 0; shift -= 8) {
                writeByte((int) (value >>> shift));
            }
        }

        private void writeInt(int value) {
            for (int shift = 24; shift >= 0; shift -= 8) {
                writeByte(value >>> shift);
            }
        }

        void report(ScanReport report) throws IOException {
            number(report.formatVersion());
            uuid(report.reportId());
            string(report.agentCode());
            string(report.subnet());
            instant(report.scanStart());
            instant(report.scanEnd());
            strings(report.command());
            string(report.profile());
            ScanReport.Chunk chunk = report.chunk();
            writeBoolean(chunk != null);
            if (chunk != null) {
                uuid(chunk.scanId());
                number(chunk.index());
                number(chunk.count());
            }
            writeByte(report.partial() == null ? 0 : report.partial() ? 2 : 1);
            coverage(report.coverage());
            number(report.hosts().size());
            for (ScannedHost host : report.hosts()) {
                host(host);
            }
        }

        private void coverage(Coverage coverage) throws IOException {
            writeBoolean(coverage != null);
            if (coverage == null) {
                return;
            }
            strings(coverage.hostTargets());
            number(coverage.ports().size());
            for (Coverage.PortProbe probe : coverage.ports()) {
                string(probe.protocol());
                string(probe.ports());
                strings(probe.targets());
            }
        }

        private void host(ScannedHost host) throws IOException {
            string(host.address());
            string(host.state());
            string(host.mac());
            string(host.macVendor());
            strings(host.hostnames());
            List<ScannedPort> ports = host.portList();
            number(ports.size());
            for (ScannedPort port : ports) {
                string(port.protocol());
                number(port.port());
                string(port.state());
                string(port.reason());
                service(port.service());
                Map<String, String> scripts = port.scripts();
                number(scripts == null ? 0 : scripts.size());
                if (scripts != null) {
                    for (Map.Entry<String, String> script : scripts.entrySet()) {
                        string(script.getKey());
                        string(script.getValue());
                    }
                }
            }
        }

        private void service(ScannedPort.Service service) throws IOException {
            writeBoolean(service != null);
            if (service != null) {
                string(service.name());
                string(service.product());
                string(service.version());
                string(service.extraInfo());
                string(service.tunnel());
                strings(service.cpes());
            }
        }

        private void strings(List<String> values) throws IOException {
            number(values.size());
            for (String value : values) {
                string(value);
            }
        }

        private void string(String value) throws IOException {
            if (value == null) {
                number(0);
                return;
            }
            Integer known = strings.get(value);
            if (known != null) {
                number(known);
                return;
            }
            int next = strings.size() + 1;
            strings.put(value, next);
            number(next);
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            number(utf8.length);
            room(utf8.length);
            System.arraycopy(utf8, 0, buffer, size, utf8.length);
            size += utf8.length;
        }

        private void uuid(UUID value) throws IOException {
            writeBoolean(value != null);
            if (value != null) {
                writeLong(value.getMostSignificantBits());
                writeLong(value.getLeastSignificantBits());
            }
        }

        private void instant(Instant value) throws IOException {
            writeBoolean(value != null);
            if (value != null) {
                writeLong(value.getEpochSecond());
                writeInt(value.getNano());
            }
        }

        /** Unsigned LEB128: small numbers (most of them) in one byte. */
        private void number(int value) throws IOException {
            if (value < 0) {
                throw new IOException("a negative number in a kept chunk: " + value);
            }
            while ((value & ~0x7F) != 0) {
                writeByte((value & 0x7F) | 0x80);
                value >>>= 7;
            }
            writeByte(value);
        }
    }

    private static final class Reader {
        private final byte[] in;
        private int at;
        private final List<String> strings = new ArrayList<>();

        Reader(byte[] in) {
            this.in = in;
            strings.add(null);
        }

        private int readUnsignedByte() {
            return in[at++] & 0xFF;
        }

        private boolean readBoolean() {
            return in[at++] != 0;
        }

        private long readLong() {
            long value = 0;
            for (int i = 0; i < 8; i++) {
                value = (value << 8) | readUnsignedByte();
            }
            return value;
        }

        private int readInt() {
            int value = 0;
            for (int i = 0; i < 4; i++) {
                value = (value << 8) | readUnsignedByte();
            }
            return value;
        }

        ScanReport report() throws IOException {
            int formatVersion = number();
            UUID reportId = uuid();
            String agentCode = string();
            String subnet = string();
            Instant scanStart = instant();
            Instant scanEnd = instant();
            List<String> command = strings();
            String profile = string();
            ScanReport.Chunk chunk = readBoolean() ? new ScanReport.Chunk(uuid(), number(), number()) : null;
            int partial = readUnsignedByte();
            Coverage coverage = coverage();
            int count = number();
            List<ScannedHost> hosts = new ArrayList<>(Math.min(count, 65_536));
            for (int i = 0; i < count; i++) {
                hosts.add(host());
            }
            return new ScanReport(formatVersion, reportId, agentCode, subnet, scanStart, scanEnd, command, hosts, profile,
                    chunk, partial == 0 ? null : partial == 2, coverage);
        }

        private Coverage coverage() throws IOException {
            if (!readBoolean()) {
                return null;
            }
            List<String> hostTargets = strings();
            int count = number();
            List<Coverage.PortProbe> probes = new ArrayList<>(Math.min(count, 64));
            for (int i = 0; i < count; i++) {
                probes.add(new Coverage.PortProbe(string(), string(), strings()));
            }
            return new Coverage(hostTargets, probes);
        }

        private ScannedHost host() throws IOException {
            String address = string();
            String state = string();
            String mac = string();
            String macVendor = string();
            List<String> hostnames = strings();
            int count = number();
            List<ScannedPort> ports = new ArrayList<>(Math.min(count, 1024));
            for (int i = 0; i < count; i++) {
                String protocol = string();
                int port = number();
                String portState = string();
                String reason = string();
                ScannedPort.Service service = readBoolean()
                        ? new ScannedPort.Service(string(), string(), string(), string(), string(), strings()) : null;
                int scriptCount = number();
                Map<String, String> scripts = scriptCount == 0 ? null : new LinkedHashMap<>();
                for (int s = 0; s < scriptCount; s++) {
                    scripts.put(string(), string());
                }
                ports.add(new ScannedPort(protocol, port, portState, reason, service, scripts));
            }
            return new ScannedHost(address, state, mac, macVendor, hostnames, ports);
        }

        private List<String> strings() throws IOException {
            int count = number();
            List<String> values = new ArrayList<>(Math.min(count, 64));
            for (int i = 0; i < count; i++) {
                values.add(string());
            }
            return values;
        }

        private String string() throws IOException {
            int number = number();
            if (number < strings.size()) {
                return strings.get(number);
            }
            if (number != strings.size()) {
                throw new IOException("a kept chunk refers to string " + number + " before it is written");
            }
            int length = number();
            if (length > in.length - at) {
                throw new IOException("a kept chunk ends inside a string");
            }
            String value = new String(in, at, length, StandardCharsets.UTF_8);
            at += length;
            strings.add(value);
            return value;
        }

        private UUID uuid() throws IOException {
            return readBoolean() ? new UUID(readLong(), readLong()) : null;
        }

        private Instant instant() throws IOException {
            return readBoolean() ? Instant.ofEpochSecond(readLong(), readInt()) : null;
        }

        private int number() throws IOException {
            int value = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                int b = in[at++];
                value |= (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    if (value < 0) {
                        throw new IOException("a kept chunk holds a number out of range");
                    }
                    return value;
                }
            }
            throw new IOException("a kept chunk holds a number longer than five bytes");
        }
    }
}
