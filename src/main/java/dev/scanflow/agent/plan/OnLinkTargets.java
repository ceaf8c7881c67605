package dev.scanflow.agent.plan;

import dev.scanflow.net.Cidr;
import dev.scanflow.net.IpAddress;
import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.function.Predicate;

/**
 * Whether a scan target lies on a link of this machine: inside the network of an address of one of its
 * interfaces that are up (loopback included; IPv6 link-local addresses left out). There nmap finds the hosts
 * that are up by ARP or neighbour discovery, at once and for certain, so the ports profile scans a small such
 * target with nmap alone; behind a router nmap's discovery waits out every silent address, and masscan's pass
 * with nmap -sV started on what it finds is faster (README, Speed). Asked anew for every plan: interfaces change.
 */
public final class OnLinkTargets implements Predicate<Cidr> {

    @Override
    public boolean test(Cidr target) {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp()) {
                    continue;
                }
                for (InterfaceAddress address : nic.getInterfaceAddresses()) {
                    if (address.getAddress() instanceof Inet6Address v6 && v6.isLinkLocalAddress()) {
                        continue;
                    }
                    String literal = address.getAddress().getHostAddress();
                    int scope = literal.indexOf('%');
                    Cidr link = network(IpAddress.parse(scope < 0 ? literal : literal.substring(0, scope)),
                            address.getNetworkPrefixLength());
                    if (link != null && link.version() == target.version() && link.contains(target)) {
                        return true;
                    }
                }
            }
        } catch (SocketException | IllegalArgumentException e) {
            // interfaces unreadable: treat the target as routed (masscan), which is never the slow choice there
        }
        return false;
    }

    static Cidr network(IpAddress address, int prefix) {
        if (prefix < 0 || prefix > address.bits()) {
            return null;
        }
        BigInteger hostMask = BigInteger.ONE.shiftLeft(address.bits() - prefix).subtract(BigInteger.ONE);
        return new Cidr(new IpAddress(address.version(), address.value().andNot(hostMask)), prefix);
    }
}
