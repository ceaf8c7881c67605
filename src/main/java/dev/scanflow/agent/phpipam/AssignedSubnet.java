package dev.scanflow.agent.phpipam;

import dev.scanflow.net.Cidr;
import dev.scanflow.net.IpAddress;
import java.math.BigInteger;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One subnet phpIPAM gives this agent, and what to do with it, as phpIPAM's own scripts decide
 * (docs/phpipam.md §2.2–2.5). Only leaf subnets that are not folders, with a mask above 0 and
 * pingSubnet or discoverSubnet set, become an AssignedSubnet; IPv4 and IPv6 alike.
 *
 * @param id               subnets.id
 * @param cidr             the subnet
 * @param description      its description in phpIPAM (may be null)
 * @param statusCheck      pingSubnet=1, "Check hosts status": check the known addresses, except excludePing=1
 * @param discover         discoverSubnet=1, "Discover new hosts": sweep the whole subnet
 * @param isPool           isPool=1: network and broadcast addresses count as hosts
 * @param resolveDns       resolveDNS=1: find host names by reverse DNS
 * @param nameservers      the subnet's nameservers (namesrv1 split on ';', IP literals); empty with resolveDns = the
 *                         system resolver (as NFC's --system-dns)
 * @param resolveEmptyOnly reverse DNS only fills empty host names (phpIPAM's resolve_emptyonly, default true)
 * @param knownAddresses   the addresses phpIPAM already has in the subnet
 */
public record AssignedSubnet(long id, Cidr cidr, String description, boolean statusCheck, boolean discover,
                             boolean isPool, boolean resolveDns, List<String> nameservers, boolean resolveEmptyOnly,
                             List<KnownAddress> knownAddresses) {

    public AssignedSubnet {
        Objects.requireNonNull(cidr, "cidr");
        nameservers = List.copyOf(nameservers);
        knownAddresses = List.copyOf(knownAddresses);
    }

    /** "10.10.1.0/24", "fd13:6d20:29dc:cf27::/64": the form scanflow.agent.subnets and NmapCommand take. */
    public String subnet() {
        return cidr.toString();
    }

    public int ipVersion() {
        return cidr.version();
    }

    /** How many addresses the subnet spans (a sweep of an IPv6 /64 is not something to start lightly). */
    public BigInteger addressCount() {
        return BigInteger.ONE.shiftLeft(cidr.network().bits() - cidr.prefix());
    }

    /** The addresses whose status to check: with pingSubnet=1, the known ones except excludePing=1. */
    public List<KnownAddress> statusCheckAddresses() {
        if (!statusCheck) {
            return List.of();
        }
        return knownAddresses.stream().filter(address -> !address.excludePing()).toList();
    }

    /**
     * What to point the scanner at: the whole subnet when discoverSubnet=1 (the sweep also answers the status
     * check), else the addresses of {@link #statusCheckAddresses()}; empty when there is nothing to check.
     */
    public List<String> scanTargets() {
        if (discover) {
            return List.of(subnet());
        }
        return statusCheckAddresses().stream().map(address -> address.ip().toString()).toList();
    }

    /** Whether a known address found alive should get a host name by reverse DNS. */
    public boolean resolveHostname(KnownAddress address) {
        return resolveDns && !address.excludePing() && (!resolveEmptyOnly || !address.hasHostname());
    }

    /** The known addresses whose host names reverse DNS should fill (or refresh, without resolveEmptyOnly). */
    public List<KnownAddress> hostnamesToResolve() {
        return knownAddresses.stream().filter(this::resolveHostname).toList();
    }

    /** True when resolveDNS=1 but the subnet names no nameservers: use the system resolver. */
    public boolean usesSystemResolver() {
        return resolveDns && nameservers.isEmpty();
    }

    public Optional<KnownAddress> known(IpAddress ip) {
        return knownAddresses.stream().filter(address -> address.ip().equals(ip)).findFirst();
    }
}
