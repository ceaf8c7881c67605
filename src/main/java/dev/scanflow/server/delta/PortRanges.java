package dev.scanflow.server.delta;

import java.util.Arrays;

/**
 * Sorted, merged ranges of {@link PortKey}s: the ports one probe covered, parsed from nmap's port list
 * syntax ("22,80-90").
 */
public final class PortRanges {

    public static final PortRanges NONE = new PortRanges(new int[0]);

    /** start0, end0, start1, end1, ... inclusive, ascending, not touching. */
    private final int[] bounds;

    private PortRanges(int[] bounds) {
        this.bounds = bounds;
    }

    /** "22,80-90" for one protocol; what the report schema allows, with each port within 0..65535. */
    public static PortRanges parse(String protocol, String list) {
        int protocolBits = PortKey.protocolIndex(protocol) << 16;
        String[] items = list.strip().split(",");
        int[] raw = new int[items.length * 2];
        for (int i = 0; i < items.length; i++) {
            String item = items[i].strip();
            int dash = item.indexOf('-');
            int first = port(dash < 0 ? item : item.substring(0, dash), list);
            int last = dash < 0 ? first : port(item.substring(dash + 1), list);
            if (last < first) {
                throw new IllegalArgumentException("port range " + item + " runs backwards in '" + list + "'");
            }
            raw[2 * i] = protocolBits | first;
            raw[2 * i + 1] = protocolBits | last;
        }
        return of(raw);
    }

    private static int port(String text, String list) {
        try {
            int port = Integer.parseInt(text.strip());
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " out of range in '" + list + "'");
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a port list: '" + list + "'");
        }
    }

    private static PortRanges of(int[] raw) {
        int n = raw.length / 2;
        long[] packed = new long[n];
        for (int i = 0; i < n; i++) {
            packed[i] = ((long) raw[2 * i] << 32) | (raw[2 * i + 1] & 0xFFFFFFFFL);
        }
        Arrays.sort(packed);
        int[] out = new int[raw.length];
        int count = 0;
        for (long range : packed) {
            int start = (int) (range >>> 32);
            int end = (int) range;
            if (count > 0 && start <= out[count - 1] + 1) {
                out[count - 1] = Math.max(out[count - 1], end);
            } else {
                out[count++] = start;
                out[count++] = end;
            }
        }
        return new PortRanges(Arrays.copyOf(out, count));
    }

    public static PortRanges union(PortRanges a, PortRanges b) {
        int[] raw = Arrays.copyOf(a.bounds, a.bounds.length + b.bounds.length);
        System.arraycopy(b.bounds, 0, raw, a.bounds.length, b.bounds.length);
        return of(raw);
    }

    public boolean contains(int portKey) {
        int lo = 0;
        int hi = bounds.length / 2 - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (portKey < bounds[2 * mid]) {
                hi = mid - 1;
            } else if (portKey > bounds[2 * mid + 1]) {
                lo = mid + 1;
            } else {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return bounds.length == 0;
    }
}
