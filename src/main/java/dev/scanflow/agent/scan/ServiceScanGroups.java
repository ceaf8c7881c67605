package dev.scanflow.agent.scan;

import dev.scanflow.net.IpAddress;
import dev.scanflow.report.PortList;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Groups what masscan found for the nmap -sV phase of the ports profile: each address with its own open TCP
 * ports, addresses with the same port set in one nmap run (at most {@link #MAX_ADDRESSES} per run), so
 * that nmap probes exactly the (address, port) pairs masscan reported and nothing else.
 */
public class ServiceScanGroups {

    public static final int MAX_ADDRESSES = 256;

    public List<ServiceScanGroup> of(MasscanRun run) {
        Map<IpAddress, TreeSet<Integer>> portsByAddress = new TreeMap<>();
        for (MasscanPort port : run.ports()) {
            if ("tcp".equals(port.protocol())) {
                portsByAddress.computeIfAbsent(IpAddress.parse(port.address()), a -> new TreeSet<>()).add(port.port());
            }
        }
        Map<PortList, List<IpAddress>> addressesByPorts = new LinkedHashMap<>();
        portsByAddress.forEach((address, ports) ->
                addressesByPorts.computeIfAbsent(PortList.of(ports), p -> new ArrayList<>()).add(address));
        List<ServiceScanGroup> groups = new ArrayList<>();
        addressesByPorts.entrySet().stream()
                .sorted(Comparator.comparing(e -> e.getValue().get(0)))
                .forEach(e -> {
                    List<IpAddress> addresses = e.getValue();
                    for (int from = 0; from < addresses.size(); from += MAX_ADDRESSES) {
                        List<IpAddress> batch = addresses.subList(from, Math.min(addresses.size(), from + MAX_ADDRESSES));
                        groups.add(new ServiceScanGroup(batch.get(0).version(),
                                batch.stream().map(IpAddress::toString).toList(), e.getKey()));
                    }
                });
        return groups;
    }
}
