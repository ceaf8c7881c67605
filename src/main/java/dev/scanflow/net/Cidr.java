package dev.scanflow.net;

import java.math.BigInteger;

/** A subnet in CIDR form. The address part must be the network address: 127.0.0.1/29 is refused. */
public record Cidr(IpAddress network, int prefix) {

    public Cidr {
        if (prefix < 0 || prefix > network.bits()) {
            throw new IllegalArgumentException("prefix /" + prefix + " out of range for IPv" + network.version());
        }
        if (!network.value().and(hostMask(network.version(), prefix)).equals(BigInteger.ZERO)) {
            throw new IllegalArgumentException(network + "/" + prefix + " has host bits set");
        }
    }

    public static Cidr parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("empty subnet");
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            IpAddress single = IpAddress.parse(text);
            return new Cidr(single, single.bits());
        }
        String prefix = text.substring(slash + 1).strip();
        if (!prefix.matches("\\d{1,3}")) {
            throw new IllegalArgumentException("bad prefix length in " + text);
        }
        return new Cidr(IpAddress.parse(text.substring(0, slash)), Integer.parseInt(prefix));
    }

    private static BigInteger hostMask(int version, int prefix) {
        return BigInteger.ONE.shiftLeft(IpAddress.bits(version) - prefix).subtract(BigInteger.ONE);
    }

    public int version() {
        return network.version();
    }

    public IpAddress last() {
        return new IpAddress(version(), network.value().or(hostMask(version(), prefix)));
    }

    public boolean contains(IpAddress address) {
        return address.version() == version()
                && address.value().compareTo(network.value()) >= 0
                && address.value().compareTo(last().value()) <= 0;
    }

    public boolean contains(Cidr other) {
        return other.prefix >= prefix && contains(other.network) && contains(other.last());
    }

    /**
     * Whether phpIPAM counts this address as usable: for IPv4 with a mask below /31 and not a pool,
     * the network and broadcast addresses are not (phpIPAM's subnet_boundaries()).
     */
    public boolean isUsableHost(IpAddress address, boolean isPool) {
        if (!contains(address)) {
            return false;
        }
        if (version() == 6 || prefix >= 31 || isPool) {
            return true;
        }
        return !address.equals(network) && !address.equals(last());
    }

    @Override
    public String toString() {
        return network + "/" + prefix;
    }
}
