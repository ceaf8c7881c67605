package dev.scanflow.server.delta;

/**
 * A MAC address kept as the 48-bit number it is, {@link #NONE} when unknown: eight bytes per host in the
 * state instead of a 17-character string, and "aa:bb" equals "AA:BB" without thinking about it.
 */
public final class MacAddress {

    public static final long NONE = -1;

    private MacAddress() {
    }

    /** "00:11:22:aa:bb:cc" (or with dashes) to its value; null, blank or malformed is {@link #NONE}. */
    public static long parse(String text) {
        if (text == null || text.length() != 17) {
            return NONE;
        }
        long value = 0;
        for (int i = 0; i < 17; i++) {
            char c = text.charAt(i);
            if (i % 3 == 2) {
                if (c != ':' && c != '-') {
                    return NONE;
                }
                continue;
            }
            int digit = Character.digit(c, 16);
            if (digit < 0) {
                return NONE;
            }
            value = (value << 4) | digit;
        }
        return value;
    }

    /** Upper-case with colons, as nmap prints it; null for {@link #NONE}. */
    public static String format(long mac) {
        if (mac == NONE) {
            return null;
        }
        StringBuilder out = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            int octet = (int) (mac >>> shift) & 0xFF;
            out.append(Character.toUpperCase(Character.forDigit(octet >>> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(octet & 0xF, 16)));
            if (shift > 0) {
                out.append(':');
            }
        }
        return out.toString();
    }
}
