package dev.scanflow.server.phpipam;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * A range of phpIPAM's decimal {@code ip_addr} strings that its index can scan: phpIPAM keeps addresses as
 * decimal text (docs/phpipam.md), so only strings of one length compare as their numbers do. A range of
 * addresses becomes one of these per number of digits; "167772160" to "167776255" is a text range of the
 * unique key (ip_addr, subnetId), where a numeric comparison (CAST) would read every row of the subnet.
 */
record DecimalRange(String from, String to, int digits) {

    /** The address range [first, last] as ranges of equal-length decimal strings, lowest first. */
    static List<DecimalRange> of(BigInteger first, BigInteger last) {
        if (first.signum() < 0 || first.compareTo(last) > 0) {
            throw new IllegalArgumentException("not a range: " + first + " to " + last);
        }
        List<DecimalRange> ranges = new ArrayList<>();
        int lastDigits = last.toString().length();
        for (int digits = first.toString().length(); digits <= lastDigits; digits++) {
            BigInteger smallest = digits == 1 ? BigInteger.ZERO : BigInteger.TEN.pow(digits - 1);
            BigInteger largest = BigInteger.TEN.pow(digits).subtract(BigInteger.ONE);
            ranges.add(new DecimalRange(first.max(smallest).toString(), last.min(largest).toString(), digits));
        }
        return ranges;
    }
}
