package dev.scanflow.server.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.net.IpAddress;
import dev.scanflow.server.api.QueryParameters;
import dev.scanflow.server.history.HistoryUnavailable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prometheus targets from what ScanFlow knows (issue 16), one use case behind two outputs: the http_sd
 * endpoint (routes/monitoring.yaml) and, when configured, a file_sd file written atomically.
 *
 * <p>The targets: hosts up on which a scan found an exporter port open (scanflow.monitoring.exporter-ports),
 * the VMs ScanFlow created (VM jobs that succeeded), and the hosts of defined traffic tests; the last two on
 * scanflow.monitoring.node-exporter-port, since the design they come from monitors VMs and iperf3 hosts with
 * node exporters. A host only a scan knows enters when a scan sees the port open and leaves when the port
 * closes or the host is confirmed gone (the delta engine's confirm-misses); a VM or traffic host leaves too when
 * scans confirm its address gone, and a VM when its phpIPAM address is deleted.
 *
 * <p>Labels: site (the phpIPAM scan agent), subnet (CIDR), vlan and vlan_name (phpIPAM's VLAN of the subnet),
 * hostname and description (phpIPAM's address row), scanflow_source (scan, vm, traffic; comma-separated when
 * more than one); each only when known. Meta labels (__meta_scanflow_*, for relabelling; Prometheus drops them
 * after relabelling): subnet_id, address, port, vm_name, vm_id, vm_node, vm_job, traffic_host, traffic_tests.
 */
public class MonitoringTargets {

    private static final Logger LOG = LoggerFactory.getLogger(MonitoringTargets.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TargetSources sources;
    private final MonitoringSettings settings;
    private final List<TrafficEndpoint> trafficEndpoints;
    private String lastWritten;

    public MonitoringTargets(DataSource dataSource, String schema, MonitoringSettings settings,
                             List<TrafficEndpoint> trafficEndpoints) {
        this.sources = new TargetSources(dataSource, schema);
        this.settings = settings;
        this.trafficEndpoints = List.copyOf(trafficEndpoints);
    }

    /** A target being assembled: where it is, and what each source says of it. */
    private static final class Target {
        String site;
        Long subnetId;
        String cidr;
        final String ip;
        final int port;
        final Set<String> sources = new TreeSet<>();
        final Map<String, String> meta = new TreeMap<>();

        Target(String ip, int port) {
            this.ip = ip;
            this.port = port;
        }
    }

    /**
     * GET /api/v1/monitoring/targets: the whole list, every time (http_sd has no increments); [] when empty. It
     * takes no query parameter: one given is refused with 400, as everywhere in the operator API.
     */
    public List<TargetGroup> httpSd(@Header(Exchange.HTTP_QUERY) String query) {
        QueryParameters.parse(query);
        return targets();
    }

    /** The targets as they are now, from committed rows. */
    public List<TargetGroup> targets() {
        try {
            return groups();
        } catch (SQLException e) {
            throw new HistoryUnavailable("monitoring targets", e);
        }
    }

    /** The timer's call: rewrites the file_sd file when its content changed; a failure is one log line. */
    public synchronized void writeFileSd() {
        Path file = settings.fileSd();
        if (file == null) {
            return;
        }
        try {
            String json = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(groups()) + "\n";
            if (json.equals(lastWritten) && Files.exists(file)) {
                return;
            }
            writeAtomically(file, json);
            lastWritten = json;
        } catch (SQLException | IOException | RuntimeException e) {
            LOG.warn("file_sd {} not written, kept as it was: {}", file, e.getMessage());
        }
    }

    /** A temporary file beside it, forced to disk and renamed over it: Prometheus never reads half a file. */
    static void writeAtomically(Path file, String content) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Path temporary = Files.createTempFile(directory, "." + file.getFileName() + ".", ".tmp");
        try {
            // a temporary file is its owner's only; Prometheus runs as a user of its own and must read this one
            if (Files.getFileStore(temporary).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(temporary, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            }
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(StandardCharsets.UTF_8.encode(content));
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    List<TargetGroup> groups() throws SQLException {
        Map<String, Target> targets = new LinkedHashMap<>();
        for (TargetSources.OpenPort open : sources.openPorts(settings.exporterPorts())) {
            Target target = target(targets, open.site(), open.ip(), open.port());
            target.subnetId = open.subnetId();
            target.cidr = open.cidr();
            target.sources.add("scan");
        }
        List<Target> known = new ArrayList<>();
        for (TargetSources.CreatedVm vm : sources.createdVms()) {
            Target target = new Target(vm.ip(), settings.nodeExporterPort());
            target.subnetId = vm.subnetId();
            target.cidr = vm.cidr();
            target.sources.add("vm");
            JsonNode request = readRequest(vm.request());
            putMeta(target, "vm_name", request.path("name").asText(null));
            putMeta(target, "vm_node", request.path("node").asText(null));
            putMeta(target, "vm_id", vm.vmid() == null ? null : vm.vmid().toString());
            putMeta(target, "vm_job", vm.jobId());
            known.add(target);
        }
        List<Target> traffic = new ArrayList<>();
        for (TrafficEndpoint endpoint : trafficEndpoints) {
            Target target = new Target(endpoint.address(), settings.nodeExporterPort());
            target.sources.add("traffic");
            putMeta(target, "traffic_host", endpoint.name());
            putMeta(target, "traffic_tests", "," + String.join(",", endpoint.tests()) + ",");
            traffic.add(target);
        }
        if (!traffic.isEmpty()) {
            placeInPhpipamSubnets(traffic);
        }
        known.addAll(traffic);
        if (!known.isEmpty()) {
            Set<String> gone = sources.confirmedGone(known.stream().map(t -> t.ip).collect(Collectors.toSet()));
            Set<String> vmRowsGone = vmAddressesDeleted(known);
            for (Target candidate : known) {
                String key = candidate.subnetId + "|" + candidate.ip;
                if (gone.contains(key) || (candidate.sources.contains("vm") && vmRowsGone.contains(key))) {
                    continue;
                }
                Target target = target(targets, null, candidate.ip, candidate.port);
                if (target.subnetId == null) {
                    target.subnetId = candidate.subnetId;
                    target.cidr = candidate.cidr;
                }
                target.sources.addAll(candidate.sources);
                target.meta.putAll(candidate.meta);
            }
        }
        return label(targets.values());
    }

    /** One target per (address, port): a host both scanned and created by ScanFlow is one target with both sources. */
    private static Target target(Map<String, Target> targets, String site, String ip, int port) {
        String key = ip + "|" + port + "|" + (site == null ? "" : site);
        Target found = targets.get(key);
        if (found == null && site == null) {
            // a VM or traffic host: joins a scanned target of the same address and port, whichever site scanned it
            found = targets.values().stream().filter(t -> t.ip.equals(ip) && t.port == port).findFirst().orElse(null);
        }
        if (found == null) {
            found = new Target(ip, port);
            found.site = site;
            targets.put(key, found);
        }
        return found;
    }

    private static void putMeta(Target target, String name, String value) {
        if (value != null && !value.isBlank()) {
            target.meta.put(name, value);
        }
    }

    private static JsonNode readRequest(String request) {
        try {
            return JSON.readTree(request == null ? "{}" : request);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    /** A traffic host's subnet: the most specific phpIPAM subnet (not a folder) holding its address. */
    private void placeInPhpipamSubnets(List<Target> traffic) throws SQLException {
        List<TargetSources.SubnetInfo> subnets = sources.allSubnets();
        for (Target target : traffic) {
            IpAddress address = IpAddress.parse(target.ip);
            subnets.stream().filter(s -> s.cidr().version() == address.version() && s.cidr().contains(address))
                    .max(Comparator.comparingInt(s -> s.cidr().prefix()))
                    .ifPresent(s -> {
                        target.subnetId = s.id();
                        target.cidr = s.cidr().toString();
                    });
        }
    }

    /** VMs whose phpIPAM address row is no longer there: taken back in phpIPAM, so the VM is gone. */
    private Set<String> vmAddressesDeleted(List<Target> known) throws SQLException {
        Set<String> deleted = new HashSet<>();
        Map<Long, List<String>> bySubnet = known.stream().filter(t -> t.sources.contains("vm"))
                .collect(Collectors.groupingBy(t -> t.subnetId, Collectors.mapping(t -> t.ip, Collectors.toList())));
        for (Map.Entry<Long, List<String>> subnet : bySubnet.entrySet()) {
            Map<String, TargetSources.AddressInfo> rows = sources.addresses(subnet.getKey(), subnet.getValue());
            subnet.getValue().stream().filter(ip -> !rows.containsKey(ip)).forEach(ip -> deleted.add(subnet.getKey() + "|" + ip));
        }
        return deleted;
    }

    private List<TargetGroup> label(java.util.Collection<Target> targets) throws SQLException {
        Set<Long> subnetIds = targets.stream().map(t -> t.subnetId).filter(java.util.Objects::nonNull).collect(Collectors.toSet());
        Map<Long, TargetSources.SubnetInfo> subnets = sources.subnets(subnetIds);
        Map<Long, Map<String, TargetSources.AddressInfo>> addresses = new java.util.HashMap<>();
        Map<Long, List<String>> ipsBySubnet = targets.stream().filter(t -> t.subnetId != null)
                .collect(Collectors.groupingBy(t -> t.subnetId, Collectors.mapping(t -> t.ip, Collectors.toList())));
        for (Map.Entry<Long, List<String>> subnet : ipsBySubnet.entrySet()) {
            addresses.put(subnet.getKey(), sources.addresses(subnet.getKey(), subnet.getValue()));
        }
        List<Target> ordered = new ArrayList<>(targets);
        ordered.sort(Comparator.comparing((Target t) -> t.site == null ? "" : t.site)
                .thenComparing(t -> IpAddress.parse(t.ip)).thenComparingInt(t -> t.port));
        List<TargetGroup> groups = new ArrayList<>();
        for (Target target : ordered) {
            TargetSources.SubnetInfo subnet = target.subnetId == null ? null : subnets.get(target.subnetId);
            TargetSources.AddressInfo row = target.subnetId == null ? null
                    : addresses.getOrDefault(target.subnetId, Map.of()).get(target.ip);
            Map<String, String> labels = new LinkedHashMap<>();
            String site = target.site != null ? target.site : subnet == null ? null : subnet.agent();
            put(labels, "site", site);
            put(labels, "subnet", target.cidr);
            if (subnet != null && subnet.vlanNumber() != null) {
                put(labels, "vlan", subnet.vlanNumber().toString());
                put(labels, "vlan_name", subnet.vlanName());
            }
            if (row != null) {
                put(labels, "hostname", row.hostname());
                put(labels, "description", row.description());
            }
            put(labels, "scanflow_source", String.join(",", target.sources));
            put(labels, "__meta_scanflow_subnet_id", target.subnetId == null ? null : target.subnetId.toString());
            put(labels, "__meta_scanflow_address", target.ip);
            put(labels, "__meta_scanflow_port", Integer.toString(target.port));
            target.meta.forEach((name, value) -> put(labels, "__meta_scanflow_" + name, value));
            String host = target.ip.contains(":") ? "[" + target.ip + "]" : target.ip;
            groups.add(new TargetGroup(List.of(host + ":" + target.port), labels));
        }
        return groups;
    }

    private static void put(Map<String, String> labels, String name, String value) {
        if (value != null && !value.isBlank()) {
            labels.put(name, value);
        }
    }
}
