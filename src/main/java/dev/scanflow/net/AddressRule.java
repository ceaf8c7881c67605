package dev.scanflow.net;

import java.util.List;

/**
 * Where ScanFlow's own defaults, examples and demo may send packets: loopback only. Lab tests add the
 * namespaces they create themselves; production agents scan what phpIPAM assigns them.
 */
public final class AddressRule {

    private static final List<Cidr> LOOPBACK = List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128"));

    private AddressRule() {
    }

    public static boolean allowsWithoutLab(Cidr target) {
        return LOOPBACK.stream().anyMatch(allowed -> allowed.contains(target));
    }

    public static Cidr requireLoopback(Cidr target) {
        if (!allowsWithoutLab(target)) {
            throw new IllegalArgumentException(target + " is outside 127.0.0.0/8 and ::1: the demo scans only loopback");
        }
        return target;
    }
}
