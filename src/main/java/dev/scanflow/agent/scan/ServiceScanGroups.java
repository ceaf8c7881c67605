package dev.scanflow.agent.scan;

import dev.scanflow.net.IpAddress;
import dev.scanflow.report.PortList;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Groups what masscan found for the nmap -sV phase of the ports profile so that nmap probes exactly the
 * (address, port) pairs masscan reported, each once, and nothing else, in as few nmap runs as two exact
 * splits give: addresses with the same port set in one run (each address with all its open ports), or one run
 * per open port with every address masscan found it open on (an address then in several runs, each on part of
 * its ports), whichever makes fewer runs; on a tie the port sets. Fewer runs matter because each nmap -sV
 * spends about half a second of CPU before its first probe (its version scripts, then its probe database),
 * and several start at once on the agent's cores (README, Speed). A run holds at most
 * {@link #SERVICES_AT_ONCE} pairs (and {@link #MAX_ADDRESSES} addresses): nmap -T4 probes 30 services at once,
 * and the rest of a larger run would wait for the first ones' probes (a 6 s wait each for a service that
 * sends no banner), where another run probes them at the same time (the lab /22 with its 50 HTTP servers on
 * 8080 in one run: 13 s of nmap -sV instead of 7 s).
 */
public class ServiceScanGroups {

    public static final int MAX_ADDRESSES = 256;
    /** nmap's service scan parallelism at -T4 (service_scan.cc), the timing NmapCommand always passes. */
    public static final int SERVICES_AT_ONCE = 30;

    public List<ServiceScanGroup> of(MasscanRun run) {
        Map<IpAddress, TreeSet<Integer>> portsByAddress = new TreeMap<>();
        for (MasscanPort port : run.ports()) {
            if ("tcp".equals(port.protocol())) {
                portsByAddress.computeIfAbsent(IpAddress.parse(port.address()), a -> new TreeSet<>()).add(port.port());
            }
        }
        Map<PortList, List<IpAddress>> byPortSet = new LinkedHashMap<>();
        portsByAddress.forEach((address, ports) ->
                byPortSet.computeIfAbsent(PortList.of(ports), p -> new ArrayList<>()).add(address));
        Map<PortList, List<IpAddress>> byPort = new LinkedHashMap<>();
        new TreeMap<>(invert(portsByAddress)).forEach((port, addresses) -> byPort.put(PortList.of(Set.of(port)), addresses));
        List<ServiceScanGroup> portSets = split(byPortSet);
        List<ServiceScanGroup> ports = split(byPort);
        return ports.size() < portSets.size() ? ports : portSets;
    }

    private static Map<Integer, List<IpAddress>> invert(Map<IpAddress, TreeSet<Integer>> portsByAddress) {
        Map<Integer, List<IpAddress>> addressesByPort = new TreeMap<>();
        portsByAddress.forEach((address, ports) ->
                ports.forEach(port -> addressesByPort.computeIfAbsent(port, p -> new ArrayList<>()).add(address)));
        return addressesByPort;
    }

    /**
     * One group per entry, ordered by its first address, split into runs of at most SERVICES_AT_ONCE pairs
     * (at least one address) and MAX_ADDRESSES addresses.
     */
    private static List<ServiceScanGroup> split(Map<PortList, List<IpAddress>> addressesByPorts) {
        List<ServiceScanGroup> groups = new ArrayList<>();
        addressesByPorts.entrySet().stream()
                .sorted(Comparator.comparing(e -> e.getValue().get(0)))
                .forEach(e -> {
                    List<IpAddress> addresses = e.getValue();
                    int perRun = Math.min(MAX_ADDRESSES, Math.max(1, SERVICES_AT_ONCE / e.getKey().size()));
                    for (int from = 0; from < addresses.size(); from += perRun) {
                        List<IpAddress> batch = addresses.subList(from, Math.min(addresses.size(), from + perRun));
                        groups.add(new ServiceScanGroup(batch.get(0).version(),
                                batch.stream().map(IpAddress::toString).toList(), e.getKey()));
                    }
                });
        return groups;
    }
}
