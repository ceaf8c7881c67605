package dev.scanflow.server.phpipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DecimalRangeTest {

    @Test
    void aRangeWithinOneLengthStaysOneRange() {
        assertEquals(List.of(new DecimalRange("167772160", "167776255", 9)),
                DecimalRange.of(new BigInteger("167772160"), new BigInteger("167776255")));
    }

    @Test
    void aRangeAcrossPowersOfTenIsSplitByLength() {
        assertEquals(List.of(new DecimalRange("5", "9", 1), new DecimalRange("10", "99", 2), new DecimalRange("100", "120", 3)),
                DecimalRange.of(BigInteger.valueOf(5), BigInteger.valueOf(120)));
        assertEquals(List.of(new DecimalRange("0", "0", 1)), DecimalRange.of(BigInteger.ZERO, BigInteger.ZERO));
    }

    @Test
    void everyNumberOfTheRangeIsInExactlyOneTextRangeAndNoOtherIs() {
        List<DecimalRange> ranges = DecimalRange.of(BigInteger.valueOf(7), BigInteger.valueOf(1234));
        IntStream.range(0, 20_000).forEach(n -> {
            String text = Integer.toString(n);
            long matches = ranges.stream().filter(r -> text.length() == r.digits()
                    && text.compareTo(r.from()) >= 0 && text.compareTo(r.to()) <= 0).count();
            assertEquals(n >= 7 && n <= 1234 ? 1 : 0, matches, text);
        });
    }

    @Test
    void ipv6SizedNumbersWork() {
        BigInteger first = BigInteger.ONE.shiftLeft(127);
        BigInteger last = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
        assertEquals(List.of(new DecimalRange(first.toString(), last.toString(), 39)), DecimalRange.of(first, last));
    }

    @Test
    void backwardsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> DecimalRange.of(BigInteger.TEN, BigInteger.ONE));
    }
}
