package dev.scanflow.net;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 address as phpIPAM stores it: an unsigned integer, written in decimal.
 * The version is kept explicitly, because phpIPAM's own guess from the number mistakes IPv6 addresses
 * below 2^32 (such as ::1) for IPv4.
 */
public record IpAddress(int version, BigInteger value) implements Comparable<IpAddress> {

    // Only literal addresses: InetAddress.getByName would otherwise resolve host names through DNS.
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

    public IpAddress {
        if (version != 4 && version != 6) {
            throw new IllegalArgumentException("IP version must be 4 or 6, not " + version);
        }
        if (value.signum() < 0 || value.bitLength() > bits(version)) {
            throw new IllegalArgumentException("value out of range for IPv" + version);
        }
    }

    public static IpAddress parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty IP address");
        }
        String literal = text.strip();
        long v4 = ipv4(literal);
        if (v4 >= 0) {
            return new IpAddress(4, BigInteger.valueOf(v4));
        }
        boolean v6 = literal.contains(":");
        if (!(v6 ? IPV6 : IPV4).matcher(literal).matches()) {
            throw new IllegalArgumentException("not an IP address literal: " + text);
        }
        try {
            byte[] bytes = InetAddress.getByName(literal).getAddress();
            if (v6 && bytes.length == 4) {
                // ::ffff:a.b.c.d comes back as IPv4 from InetAddress; keep the family the text asked for
                throw new IllegalArgumentException("IPv4-mapped IPv6 addresses are not supported: " + text);
            }
            return new IpAddress(bytes.length == 4 ? 4 : 6, new BigInteger(1, bytes));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + text, e);
        }
    }

    /**
     * A dotted-quad literal's value, or -1 when the text is not one (the regex below then decides): reports carry
     * tens of thousands of addresses, and this is what every one of them costs.
     */
    private static long ipv4(String text) {
        long value = 0;
        int octets = 0;
        int start = 0;
        int length = text.length();
        while (start <= length) {
            int end = start;
            while (end < length && text.charAt(end) != '.') {
                char c = text.charAt(end);
                if (c < '0' || c > '9') {
                    return -1;
                }
                end++;
            }
            int digits = end - start;
            // one to three digits, no leading zero (as the IPV4 pattern), at most 255
            if (digits == 0 || digits > 3 || (digits > 1 && text.charAt(start) == '0')) {
                return -1;
            }
            int octet = Integer.parseInt(text, start, end, 10);
            if (octet > 255 || ++octets > 4) {
                return -1;
            }
            value = (value << 8) | octet;
            start = end + 1;
        }
        return octets == 4 ? value : -1;
    }

    static int bits(int version) {
        return version == 4 ? 32 : 128;
    }

    public int bits() {
        return bits(version);
    }

    /** phpIPAM's storage form: the unsigned integer in decimal. */
    public String decimal() {
        return value.toString();
    }

    public static IpAddress fromDecimal(int version, String decimal) {
        return new IpAddress(version, new BigInteger(decimal));
    }

    public byte[] bytes() {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[bits() / 8];
        int copy = Math.min(raw.length, out.length);
        System.arraycopy(raw, raw.length - copy, out, out.length - copy, copy);
        return out;
    }

    /** Dotted IPv4, or compressed IPv6 as phpIPAM's API prints it. */
    @Override
    public String toString() {
        try {
            InetAddress address = InetAddress.getByAddress(bytes());
            return version == 4 ? address.getHostAddress() : compress(address.getHostAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 5952: the longest run of two or more zero groups becomes "::", hex in lower case. */
    private static String compress(String full) {
        String[] groups = full.split(":");
        int bestStart = -1;
        int bestLength = 0;
        for (int i = 0; i < groups.length; i++) {
            int j = i;
            while (j < groups.length && Integer.parseInt(groups[j], 16) == 0) {
                j++;
            }
            if (j - i > bestLength && j - i >= 2) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(i, j);
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < groups.length; i++) {
            if (i == bestStart) {
                out.append(i == 0 ? "::" : ":");
                i += bestLength - 1;
                continue;
            }
            out.append(Integer.toHexString(Integer.parseInt(groups[i], 16)));
            if (i < groups.length - 1) {
                out.append(':');
            }
        }
        return out.toString();
    }

    @Override
    public int compareTo(IpAddress other) {
        int byVersion = Integer.compare(version, other.version);
        return byVersion != 0 ? byVersion : value.compareTo(other.value);
    }
}
