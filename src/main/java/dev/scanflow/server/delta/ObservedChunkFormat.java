package dev.scanflow.server.delta;

import dev.scanflow.report.Coverage;
import dev.scanflow.report.ScanReport;
import dev.scanflow.report.ScannedPort.Service;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * How a chunk waiting for the rest of its scan is kept (in {@code pending_chunks}, by the apply path's PendingChunks):
 * the chunk as the delta needs it, an {@link ObservedChunk}. One format byte, then the report's fields but its hosts,
 * then each host's address, liveness, MAC, vendor, name, port keys and services; each string and each service
 * written once and referred to by its number after; deflated at the fastest level (zlib, whose checksum catches a
 * damaged row).
 *
 * <p>Why this and not the report as JSON or Smile: a chunk to keep is encoded on the side while its phpIPAM rows are
 * written, on the same two cores as MariaDB. Gzipped Smile of the parsed report took 23 to 50 ms for a chunk of
 * 62,500 ports, longer than the write (about 27 ms); the reduced chunk's services are already one instance per
 * distinct service, and its ports are numbers, so this takes a few milliseconds. What the reduction drops (port
 * reasons, NSE output, hosts outside the subnet) went into phpIPAM with the chunk's own transaction and is not
 * needed for the delta. The order of fields is the format: ObservedChunkFormatTest fails when a field of the report
 * records or of {@link ObservedHost} is not written. Strings go as UTF-8: one holding an unpaired UTF-16 surrogate
 * (which nmap's output does not) reads back with '?' in its place.
 */
public final class ObservedChunkFormat {

    /** The first byte of a row in this format; gzip's rows (older servers) start with 0x1f. */
    static final int FORMAT = 0x54;

    private ObservedChunkFormat() {
    }

    public static boolean isThisFormat(byte[] kept) {
        return kept.length > 0 && kept[0] == FORMAT;
    }

    public static byte[] encode(ObservedChunk chunk) {
        Writer writer = new Writer();
        writer.chunk(chunk);
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            deflater.setInput(writer.buffer, 0, writer.size);
            deflater.finish();
            byte[] out = new byte[Math.max(1024, writer.size / 4)];
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

    public static ObservedChunk decode(byte[] kept) throws IOException {
        if (!isThisFormat(kept)) {
            throw new IOException("not a kept chunk of this format");
        }
        Inflater inflater = new Inflater();
        try (InputStream in = new InflaterInputStream(new ByteArrayInputStream(kept, 1, kept.length - 1), inflater, 64 * 1024)) {
            Reader reader = new Reader(in.readAllBytes());
            ObservedChunk chunk = reader.chunk();
            if (reader.at != reader.in.length) {
                throw new IOException("a kept chunk has bytes after its end");
            }
            return chunk;
        } catch (RuntimeException e) {
            // a row that passes zlib's checksum yet holds what no writer wrote (out of bounds, a null in a list, a
            // time out of range): an error of the row, as a damaged one
            throw new IOException("a kept chunk cannot be read: " + e, e);
        } finally {
            inflater.end();
        }
    }

    /** Liveness by a code of its own, not its enum position: reordering the enum must not change kept rows. */
    private static int code(Liveness liveness) {
        return switch (liveness) {
            case UP -> 0;
            case DOWN -> 1;
            case UNKNOWN -> 2;
        };
    }

    private static Liveness liveness(int code) throws IOException {
        return switch (code) {
            case 0 -> Liveness.UP;
            case 1 -> Liveness.DOWN;
            case 2 -> Liveness.UNKNOWN;
            default -> throw new IOException("a kept chunk names liveness " + code);
        };
    }

    /** Strings and services are numbered as first written: 0 is null, a number not yet known is followed by it. */
    private static final class Writer {
        private byte[] buffer = new byte[64 * 1024];
        private int size;
        private final Map<String, Integer> strings = new HashMap<>();
        private final Map<Service, Integer> services = new IdentityHashMap<>();

        void chunk(ObservedChunk chunk) {
            header(chunk.header());
            number(chunk.hostsOutsideSubnet());
            ObservedHost[] hosts = chunk.hosts();
            number(hosts.length);
            for (ObservedHost host : hosts) {
                host(host);
            }
        }

        private void header(ScanReport report) {
            number(report.formatVersion());
            uuid(report.reportId());
            string(report.agentCode());
            string(report.subnet());
            instant(report.scanStart());
            instant(report.scanEnd());
            strings(report.command());
            string(report.profile());
            ScanReport.Chunk chunk = report.chunk();
            bool(chunk != null);
            if (chunk != null) {
                uuid(chunk.scanId());
                number(chunk.index());
                number(chunk.count());
            }
            number(report.partial() == null ? 0 : report.partial() ? 2 : 1);
            Coverage coverage = report.coverage();
            bool(coverage != null);
            if (coverage != null) {
                strings(coverage.hostTargets());
                number(coverage.ports().size());
                for (Coverage.PortProbe probe : coverage.ports()) {
                    string(probe.protocol());
                    string(probe.ports());
                    strings(probe.targets());
                }
            }
        }

        private void host(ObservedHost host) {
            fixed(host.high);
            fixed(host.low);
            number(code(host.liveness));
            fixed(host.mac);
            string(host.macVendor);
            string(host.hostname);
            keys(host.openKeys);
            for (int i = 0; i < host.openKeys.length; i++) {
                service(host.service(i));
            }
            keys(host.closedKeys);
            keys(host.missedKeys);
            keys(host.inconclusiveKeys);
        }

        private void service(Service service) {
            if (!firstTime(services, service)) {
                return;
            }
            string(service.name());
            string(service.product());
            string(service.version());
            string(service.extraInfo());
            string(service.tunnel());
            strings(service.cpes());
        }

        private void keys(int[] keys) {
            number(keys.length);
            for (int key : keys) {
                number(key);
            }
        }

        private void strings(List<String> values) {
            number(values.size());
            for (String value : values) {
                string(value);
            }
        }

        private void string(String value) {
            if (!firstTime(strings, value)) {
                return;
            }
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            number(utf8.length);
            room(utf8.length);
            System.arraycopy(utf8, 0, buffer, size, utf8.length);
            size += utf8.length;
        }

        /**
         * Writes the number of {@code value} in {@code table} (0 for null), numbering it if new; true when it is new,
         * and its fields must follow.
         */
        private <T> boolean firstTime(Map<T, Integer> table, T value) {
            if (value == null) {
                number(0);
                return false;
            }
            Integer known = table.putIfAbsent(value, table.size() + 1);
            number(known != null ? known : table.size());
            return known == null;
        }

        private void uuid(UUID value) {
            bool(value != null);
            if (value != null) {
                fixed(value.getMostSignificantBits());
                fixed(value.getLeastSignificantBits());
            }
        }

        private void instant(Instant value) {
            bool(value != null);
            if (value != null) {
                fixed(value.getEpochSecond());
                number(value.getNano());
            }
        }

        private void bool(boolean value) {
            put(value ? 1 : 0);
        }

        private void fixed(long value) {
            room(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                buffer[size++] = (byte) (value >>> shift);
            }
        }

        /** Unsigned LEB128: small numbers (most of them) in one byte. */
        private void number(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("a negative number in a kept chunk: " + value);
            }
            while ((value & ~0x7F) != 0) {
                put((value & 0x7F) | 0x80);
                value >>>= 7;
            }
            put(value);
        }

        private void put(int value) {
            room(1);
            buffer[size++] = (byte) value;
        }

        private void room(int bytes) {
            if (size + bytes > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + bytes));
            }
        }
    }

    /** How the fields of a value written for the first time are read. */
    private interface Fields<T> {
        T read() throws IOException;
    }

    private static final class Reader {
        private final byte[] in;
        private int at;
        private final List<String> strings = new ArrayList<>();
        private final List<Service> services = new ArrayList<>();

        Reader(byte[] in) {
            this.in = in;
            strings.add(null);
            services.add(null);
        }

        ObservedChunk chunk() throws IOException {
            ScanReport header = header();
            int outside = number();
            ObservedHost[] hosts = new ObservedHost[bounded(number(), 17)];
            for (int i = 0; i < hosts.length; i++) {
                hosts[i] = host();
            }
            return new ObservedChunk(header, hosts, outside);
        }

        private ScanReport header() throws IOException {
            int formatVersion = number();
            UUID reportId = uuid();
            String agentCode = string();
            String subnet = string();
            Instant scanStart = instant();
            Instant scanEnd = instant();
            List<String> command = strings();
            String profile = string();
            ScanReport.Chunk chunk = bool() ? new ScanReport.Chunk(uuid(), number(), number()) : null;
            int partial = number();
            if (partial > 2) {
                throw new IOException("a kept chunk holds partial code " + partial);
            }
            Coverage coverage = null;
            if (bool()) {
                List<String> hostTargets = strings();
                List<Coverage.PortProbe> probes = new ArrayList<>();
                for (int i = bounded(number(), 3); i > 0; i--) {
                    probes.add(new Coverage.PortProbe(string(), string(), strings()));
                }
                coverage = new Coverage(hostTargets, probes);
            }
            return new ScanReport(formatVersion, reportId, agentCode, subnet, scanStart, scanEnd, command, List.of(),
                    profile, chunk, partial == 0 ? null : partial == 2, coverage);
        }

        private ObservedHost host() throws IOException {
            long high = fixed();
            long low = fixed();
            Liveness liveness = liveness(number());
            long mac = fixed();
            String macVendor = string();
            String hostname = string();
            int[] openKeys = keys();
            Service[] services = null;
            for (int i = 0; i < openKeys.length; i++) {
                Service service = service();
                if (service != null) {
                    if (services == null) {
                        services = new Service[openKeys.length];
                    }
                    services[i] = service;
                }
            }
            return new ObservedHost(high, low, liveness, mac, macVendor, hostname, openKeys, services, keys(),
                    keys(), keys());
        }

        private Service service() throws IOException {
            return byNumber(services, "service", () -> new Service(string(), string(), string(), string(), string(), strings()));
        }

        private int[] keys() throws IOException {
            int[] keys = new int[bounded(number(), 1)];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = number();
            }
            return keys;
        }

        private List<String> strings() throws IOException {
            int count = bounded(number(), 1);
            List<String> values = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                values.add(string());
            }
            return values;
        }

        private String string() throws IOException {
            return byNumber(strings, "string", () -> {
                int length = bounded(number(), 1);
                String value = new String(in, at, length, StandardCharsets.UTF_8);
                at += length;
                return value;
            });
        }

        /** The value numbered in {@code table} (0 is null): one read before, or the next one, read now by {@code fields}. */
        private <T> T byNumber(List<T> table, String what, Fields<T> fields) throws IOException {
            int number = number();
            if (number < table.size()) {
                return table.get(number);
            }
            if (number != table.size()) {
                throw new IOException("a kept chunk refers to " + what + " " + number + " before it is written");
            }
            T value = fields.read();
            table.add(value);
            return value;
        }

        private UUID uuid() throws IOException {
            return bool() ? new UUID(fixed(), fixed()) : null;
        }

        private Instant instant() throws IOException {
            return bool() ? Instant.ofEpochSecond(fixed(), number()) : null;
        }

        private boolean bool() throws IOException {
            int value = in[at++];
            if (value != 0 && value != 1) {
                throw new IOException("a kept chunk holds " + value + " where a yes or no belongs");
            }
            return value == 1;
        }

        private long fixed() {
            long value = 0;
            for (int i = 0; i < 8; i++) {
                value = (value << 8) | (in[at++] & 0xFF);
            }
            return value;
        }

        private int number() throws IOException {
            int value = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                int b = in[at++];
                if (shift == 28 && (b & 0x70) != 0) {
                    throw new IOException("a kept chunk holds a number out of range");
                }
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

        /** A count that the bytes left can hold, each item taking at least {@code bytesEach}: a damaged row fails here. */
        private int bounded(int count, int bytesEach) throws IOException {
            if ((long) count * bytesEach > in.length - at) {
                throw new IOException("a kept chunk counts " + count + " items where " + (in.length - at) + " bytes are left");
            }
            return count;
        }
    }
}
