package dev.scanflow.server.delta;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.scanflow.net.Cidr;
import dev.scanflow.net.IpAddress;
import java.math.BigInteger;

/**
 * An IPv4 or IPv6 address as two unsigned 64-bit halves: cheap to compare and to keep by the hundred
 * thousand, unlike {@link IpAddress} with its BigInteger. IPv4 uses {@code low} only.
 */
public record HostAddress(int version, long high, long low) implements Comparable<HostAddress> {

    private static final BigInteger LOW_MASK = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    public HostAddress {
        if (version != 4 && version != 6) {
            throw new IllegalArgumentException("IP version must be 4 or 6");
        }
        if (version == 4 && (high != 0 || (low >>> 32) != 0)) {
            throw new IllegalArgumentException("IPv4 address out of range");
        }
    }

    /** Parses an address literal; dotted IPv4 without the regular expressions and BigInteger of IpAddress. */
    @JsonCreator
    public static HostAddress parse(String text) {
        long v4 = parseIpv4(text);
        if (v4 >= 0) {
            return new HostAddress(4, 0, v4);
        }
        return of(IpAddress.parse(text));
    }

    public static HostAddress of(IpAddress address) {
        BigInteger value = address.value();
        return new HostAddress(address.version(), value.shiftRight(64).longValue(), value.and(LOW_MASK).longValue());
    }

    public static HostAddress first(Cidr cidr) {
        return of(cidr.network());
    }

    public static HostAddress last(Cidr cidr) {
        return of(cidr.last());
    }

    /** The dotted IPv4 value, or -1 when the text is not a plain dotted quad. */
    static long parseIpv4(String text) {
        int length = text.length();
        if (length < 7 || length > 15) {
            return -1;
        }
        long value = 0;
        int octet = -1;
        int digits = 0;
        int dots = 0;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                octet = (octet < 0 ? 0 : octet * 10) + (c - '0');
                if (++digits > 3 || octet > 255) {
                    return -1;
                }
            } else if (c == '.' && digits > 0 && dots < 3) {
                value = (value << 8) | octet;
                octet = -1;
                digits = 0;
                dots++;
            } else {
                return -1;
            }
        }
        if (dots != 3 || digits == 0) {
            return -1;
        }
        return (value << 8) | octet;
    }

    public IpAddress toIpAddress() {
        return new IpAddress(version, new BigInteger(1, bytes()));
    }

    /** Network byte order: 4 bytes for IPv4, 16 for IPv6, the form ScanFlow's schema keys addresses by. */
    public byte[] bytes() {
        if (version == 4) {
            return new byte[] {(byte) (low >>> 24), (byte) (low >>> 16), (byte) (low >>> 8), (byte) low};
        }
        byte[] out = new byte[16];
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (high >>> (56 - 8 * i));
            out[8 + i] = (byte) (low >>> (56 - 8 * i));
        }
        return out;
    }

    public static HostAddress fromBytes(byte[] bytes) {
        if (bytes.length == 4) {
            return new HostAddress(4, 0, ((bytes[0] & 0xFFL) << 24) | ((bytes[1] & 0xFFL) << 16)
                    | ((bytes[2] & 0xFFL) << 8) | (bytes[3] & 0xFFL));
        }
        if (bytes.length != 16) {
            throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + bytes.length);
        }
        long high = 0;
        long low = 0;
        for (int i = 0; i < 8; i++) {
            high = (high << 8) | (bytes[i] & 0xFFL);
            low = (low << 8) | (bytes[8 + i] & 0xFFL);
        }
        return new HostAddress(6, high, low);
    }

    static int compare(long highA, long lowA, long highB, long lowB) {
        int byHigh = Long.compareUnsigned(highA, highB);
        return byHigh != 0 ? byHigh : Long.compareUnsigned(lowA, lowB);
    }

    @Override
    public int compareTo(HostAddress other) {
        int byVersion = Integer.compare(version, other.version);
        return byVersion != 0 ? byVersion : compare(high, low, other.high, other.low);
    }

    @JsonValue
    @Override
    public String toString() {
        if (version == 4) {
            return (low >>> 24) + "." + ((low >>> 16) & 0xFF) + "." + ((low >>> 8) & 0xFF) + "." + (low & 0xFF);
        }
        return toIpAddress().toString();
    }
}
