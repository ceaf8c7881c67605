package dev.scanflow.server.metrics;

import dev.scanflow.server.history.HistoryQueries;
import dev.scanflow.server.history.SubnetView;
import dev.scanflow.server.phpipam.Vlan;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-site and per-subnet gauges. A site is a phpIPAM scan agent (by name) and a subnet is a CIDR phpIPAM
 * assigned to it, so the label values come from phpIPAM's configuration, never from a report. The gauges read from
 * the current state (hosts up, open ports, open alerts) also carry {@code vlan}: phpIPAM's VLAN number of the
 * subnet, or "none" when it has none, so a dashboard can filter by VLAN. At most
 * {@link #MAX_SUBNETS} (site, subnet) pairs and {@link #MAX_SITES} sites are exported; past that a WARN line
 * says so once and the rest is left out (the operator API still has every subnet).
 */
public final class SiteGauges {

    public static final int MAX_SUBNETS = 2000;
    public static final int MAX_SITES = 500;
    private static final Logger LOG = LoggerFactory.getLogger(SiteGauges.class);

    private record SubnetLabel(String site, String subnet) {
    }

    private final MeterRegistry registry;
    private final Map<SubnetLabel, AtomicLong> lastScan = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastReport = new ConcurrentHashMap<>();
    private final MultiGauge hostsUp;
    private final MultiGauge openPorts;
    private final MultiGauge openAlerts;
    private volatile boolean warned;

    public SiteGauges(MeterRegistry registry) {
        this.registry = registry;
        hostsUp = MultiGauge.builder("scanflow.subnet.hosts.up")
                .description("Hosts up in a subnet as ScanFlow knows it now (after its latest applied scan)")
                .register(registry);
        openPorts = MultiGauge.builder("scanflow.subnet.open.ports")
                .description("Open ports in a subnet as ScanFlow knows it now")
                .register(registry);
        openAlerts = MultiGauge.builder("scanflow.subnet.open.alerts")
                .description("Alerts of a subnet not yet resolved (open or acknowledged)")
                .register(registry);
    }

    void reportReceived(String site, Instant at) {
        AtomicLong value = lastReport.get(site);
        if (value == null) {
            if (lastReport.size() >= MAX_SITES) {
                warnOnce();
                return;
            }
            value = lastReport.computeIfAbsent(site, key -> {
                AtomicLong seconds = new AtomicLong();
                Gauge.builder("scanflow.agent.last.report.timestamp", seconds, AtomicLong::get)
                        .description("When the server last applied a report from this site (scan agent), Unix time")
                        .baseUnit("seconds")
                        .tag("site", key)
                        .register(registry);
                return seconds;
            });
        }
        value.set(at.getEpochSecond());
    }

    void subnetScanned(String site, String subnet, Instant scanEnd) {
        SubnetLabel label = new SubnetLabel(site, subnet);
        AtomicLong value = lastScan.get(label);
        if (value == null) {
            if (lastScan.size() >= MAX_SUBNETS) {
                warnOnce();
                return;
            }
            value = lastScan.computeIfAbsent(label, key -> {
                AtomicLong seconds = new AtomicLong();
                Gauge.builder("scanflow.subnet.last.scan.timestamp", seconds, AtomicLong::get)
                        .description("End of the latest complete (not partial) scan applied for a subnet, Unix time")
                        .baseUnit("seconds")
                        .tags("site", key.site(), "subnet", key.subnet())
                        .register(registry);
                return seconds;
            });
        }
        value.accumulateAndGet(scanEnd.getEpochSecond(), Math::max);
    }

    /** Reads the current state of every tracked subnet; called on a timer, a failure only keeps the old values. */
    public void refresh(HistoryQueries queries) {
        List<SubnetView> subnets = queries.subnets(null);
        if (subnets.size() > MAX_SUBNETS) {
            warnOnce();
            subnets = subnets.subList(0, MAX_SUBNETS);
        }
        hostsUp.register(rows(subnets, SubnetView::hostsUp), true);
        openPorts.register(rows(subnets, SubnetView::openPorts), true);
        openAlerts.register(rows(subnets, SubnetView::activeAlerts), true);
    }

    private static List<MultiGauge.Row<?>> rows(List<SubnetView> subnets, ToLongFunction<SubnetView> value) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (SubnetView view : subnets) {
            long number = value.applyAsLong(view);
            // the VLAN follows from the subnet, so the label adds no series; a VLAN changed in phpIPAM replaces the row
            rows.add(MultiGauge.Row.of(Tags.of("site", view.site(), "subnet", view.cidr(), "vlan", Vlan.label(view.vlan())),
                    number));
        }
        return rows;
    }

    private void warnOnce() {
        if (!warned) {
            warned = true;
            LOG.warn("more than {} subnets or {} sites: the rest is left out of /observe/metrics", MAX_SUBNETS, MAX_SITES);
        }
    }
}
