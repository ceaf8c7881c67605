package dev.scanflow.agent.plan;

import dev.scanflow.net.Cidr;
import dev.scanflow.net.IpAddress;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Set arithmetic on CIDRs of one address family: what is left of a target once exclusions are taken out. */
public final class AddressRanges {

    private AddressRanges() {
    }

    /** The exclusions that overlap the target (two CIDRs overlap only when one contains the other). */
    public static List<Cidr> overlapping(Cidr target, List<Cidr> exclusions) {
        return exclusions.stream()
                .filter(e -> e.version() == target.version() && (target.contains(e) || e.contains(target)))
                .toList();
    }

    /** The target without the exclusions, as the fewest CIDRs, in address order; empty when all is excluded. */
    public static List<Cidr> subtract(Cidr target, List<Cidr> exclusions) {
        List<Cidr> inside = overlapping(target, exclusions).stream()
                .sorted(Comparator.comparing(Cidr::network)).toList();
        List<Cidr> left = new ArrayList<>();
        BigInteger next = target.network().value();
        BigInteger last = target.last().value();
        for (Cidr excluded : inside) {
            BigInteger from = excluded.network().value().max(target.network().value());
            BigInteger to = excluded.last().value().min(last);
            if (from.compareTo(next) > 0) {
                left.addAll(cidrs(target.version(), next, from.subtract(BigInteger.ONE)));
            }
            next = next.max(to.add(BigInteger.ONE));
        }
        if (next.compareTo(last) <= 0) {
            left.addAll(cidrs(target.version(), next, last));
        }
        return left;
    }

    /** The fewest CIDRs that cover exactly [from, to]. */
    static List<Cidr> cidrs(int version, BigInteger from, BigInteger to) {
        int bits = version == 4 ? 32 : 128;
        List<Cidr> out = new ArrayList<>();
        BigInteger start = from;
        while (start.compareTo(to) <= 0) {
            int size = start.signum() == 0 ? bits : start.getLowestSetBit(); // alignment of start
            size = Math.min(size, bits);
            while (size > 0 && start.add(BigInteger.ONE.shiftLeft(size)).subtract(BigInteger.ONE).compareTo(to) > 0) {
                size--;
            }
            out.add(new Cidr(new IpAddress(version, start), bits - size));
            start = start.add(BigInteger.ONE.shiftLeft(size));
        }
        return out;
    }
}
