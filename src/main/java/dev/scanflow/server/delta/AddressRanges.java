package dev.scanflow.server.delta;

import dev.scanflow.net.Cidr;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * A set of address ranges of one IP version, merged and sorted, answering "is this address inside" by
 * binary search: coverage can list thousands of targets and be asked about every host of a /16.
 */
public final class AddressRanges {

    public static final AddressRanges NONE = new AddressRanges(new long[0], new long[0], new long[0], new long[0]);

    private final long[] startHigh;
    private final long[] startLow;
    private final long[] endHigh;
    private final long[] endLow;

    private AddressRanges(long[] startHigh, long[] startLow, long[] endHigh, long[] endLow) {
        this.startHigh = startHigh;
        this.startLow = startLow;
        this.endHigh = endHigh;
        this.endLow = endLow;
    }

    private record Range(HostAddress first, HostAddress last) {
    }

    /** The given CIDRs (or single addresses) of {@code version}; targets of the other version are dropped. */
    public static AddressRanges of(int version, Collection<Cidr> cidrs) {
        List<Range> ranges = new ArrayList<>();
        for (Cidr cidr : cidrs) {
            if (cidr.version() == version) {
                ranges.add(new Range(HostAddress.first(cidr), HostAddress.last(cidr)));
            }
        }
        return merge(ranges);
    }

    public static AddressRanges union(AddressRanges a, AddressRanges b) {
        List<Range> ranges = new ArrayList<>();
        a.collect(ranges);
        b.collect(ranges);
        return merge(ranges);
    }

    private void collect(List<Range> into) {
        for (int i = 0; i < startLow.length; i++) {
            // the version does not matter inside one set; 6 accepts any value
            into.add(new Range(new HostAddress(6, startHigh[i], startLow[i]), new HostAddress(6, endHigh[i], endLow[i])));
        }
    }

    private static AddressRanges merge(List<Range> ranges) {
        if (ranges.isEmpty()) {
            return NONE;
        }
        ranges.sort(Comparator.comparing(Range::first, AddressRanges::compareValue));
        List<Range> merged = new ArrayList<>();
        Range current = ranges.get(0);
        for (Range next : ranges.subList(1, ranges.size())) {
            if (touches(current.last(), next.first())) {
                if (compareValue(next.last(), current.last()) > 0) {
                    current = new Range(current.first(), next.last());
                }
            } else {
                merged.add(current);
                current = next;
            }
        }
        merged.add(current);
        int n = merged.size();
        long[] sh = new long[n];
        long[] sl = new long[n];
        long[] eh = new long[n];
        long[] el = new long[n];
        for (int i = 0; i < n; i++) {
            sh[i] = merged.get(i).first().high();
            sl[i] = merged.get(i).first().low();
            eh[i] = merged.get(i).last().high();
            el[i] = merged.get(i).last().low();
        }
        return new AddressRanges(sh, sl, eh, el);
    }

    private static int compareValue(HostAddress a, HostAddress b) {
        return HostAddress.compare(a.high(), a.low(), b.high(), b.low());
    }

    /** Whether {@code next} starts at or before the address right after {@code last}. */
    private static boolean touches(HostAddress last, HostAddress next) {
        if (compareValue(next, last) <= 0) {
            return true;
        }
        long low = last.low() + 1;
        long high = low == 0 ? last.high() + 1 : last.high();
        return high == next.high() && low == next.low();
    }

    public boolean contains(long high, long low) {
        int lo = 0;
        int hi = startLow.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (HostAddress.compare(startHigh[mid], startLow[mid], high, low) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found >= 0 && HostAddress.compare(high, low, endHigh[found], endLow[found]) <= 0;
    }

    public boolean contains(HostAddress address) {
        return contains(address.high(), address.low());
    }

    public boolean isEmpty() {
        return startLow.length == 0;
    }

    @Override
    public String toString() {
        return "AddressRanges" + Arrays.toString(startLow) + ".." + Arrays.toString(endLow);
    }
}
