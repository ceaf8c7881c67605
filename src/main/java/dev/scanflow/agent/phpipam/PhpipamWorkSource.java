package dev.scanflow.agent.phpipam;

import dev.scanflow.net.Cidr;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's work, read from phpIPAM's REST API the way phpIPAM's own agents pick it (docs/phpipam.md §2.2,
 * §2.5): the agent's id by its code, the subnets assigned to it, and for each subnet that is scanned its
 * addresses and, with resolveDNS, its nameservers.
 *
 * <p>A subnet is scanned when it is not a folder, its mask is above 0, pingSubnet or discoverSubnet is set,
 * and it has no child subnets. Children are checked with {@code subnets/{id}/slaves/} per candidate (404 "No
 * slaves" = leaf): the agent's own subnet list cannot tell, since a child may be assigned to another agent or
 * to none. A candidate that another of the agent's own subnets names as its master needs no request.
 * Unlike phpIPAM's cron scripts (IPv4 only), IPv6 subnets are scanned too, as phpipam-agent allows.
 */
public class PhpipamWorkSource {

    private static final Logger LOG = LoggerFactory.getLogger(PhpipamWorkSource.class);

    private final PhpipamApi api;
    private final String agentCode;
    private final boolean resolveEmptyOnly;
    private final Clock clock;
    private volatile List<SkippedSubnet> lastSkipped = List.of();
    private volatile ScanWork lastWork;

    /**
     * @param api              the API, normally a {@link WorkCache} over a {@link PhpipamApiClient}
     * @param agentCode        scanAgents.code of this agent
     * @param resolveEmptyOnly reverse DNS only fills empty host names
     */
    public PhpipamWorkSource(PhpipamApi api, String agentCode, boolean resolveEmptyOnly) {
        this(api, agentCode, resolveEmptyOnly, Clock.systemUTC());
    }

    PhpipamWorkSource(PhpipamApi api, String agentCode, boolean resolveEmptyOnly, Clock clock) {
        this.api = Objects.requireNonNull(api, "api");
        this.agentCode = Objects.requireNonNull(agentCode, "agentCode");
        this.resolveEmptyOnly = resolveEmptyOnly;
        this.clock = clock;
    }

    /** The whole chain from settings: HTTP client, on-disk cache (its gauges on {@code registry} if not null). */
    public static PhpipamWorkSource create(PhpipamApiSettings settings, MeterRegistry registry) {
        WorkCache cache = new WorkCache(new PhpipamApiClient(settings), settings, registry);
        return new PhpipamWorkSource(cache, settings.agentCode(), settings.resolveEmptyOnly());
    }

    /** The cache this source reads through, when it has one (for health checks and tests). */
    public Optional<WorkCache> cache() {
        return api instanceof WorkCache cache ? Optional.of(cache) : Optional.empty();
    }

    /**
     * What to scan now. Throws {@link PhpipamApiException} when phpIPAM cannot tell (and the cache cannot
     * stand in): {@link PhpipamApiUnauthorized} for a wrong app id or code, {@link PhpipamApiUnavailable}
     * when the API is down and nothing is cached, plain {@link PhpipamApiException} when phpIPAM has no agent
     * with this code or answers something unexpected.
     */
    public ScanWork fetch() {
        ScanWork work;
        if (api instanceof WorkCache cache) {
            // a cycle boundary: who this agent is and what it scans are asked again, not taken from a fresh cache
            cache.invalidateAssignment();
            WorkCache.RoundResult<ScanWork> round = cache.round(this::read);
            work = round.value().withCacheState(round.fallback(), round.oldestData());
        } else {
            work = read();
        }
        lastWork = work;
        return work;
    }

    /**
     * {@link #fetch()} and the subnets' CIDRs: a drop-in for {@code AssignedSubnets.subnets()} in a route
     * ({@code method: subnets}). The details stay available through {@link #assigned(String)}.
     */
    public List<String> subnets() {
        return fetch().cidrs();
    }

    /**
     * The server refused a report with 403: the server's phpIPAM says the agent or subnet is not ours. Every
     * cached answer is dropped and phpIPAM asked at once, so the cycles that follow scan what phpIPAM says now.
     */
    public void revalidate() {
        cache().ifPresent(WorkCache::invalidate);
        try {
            ScanWork work = fetch();
            LOG.info("revalidated against phpIPAM after a refused report: {} subnet(s) to scan", work.cidrs().size());
        } catch (PhpipamApiException e) {
            LOG.warn("revalidation against phpIPAM after a refused report failed: {}", e.getMessage());
        }
    }

    /** The work of the last successful {@link #fetch()}, if any. */
    public Optional<ScanWork> lastWork() {
        return Optional.ofNullable(lastWork);
    }

    /**
     * How to scan one subnet of the last fetch (flags, known addresses, nameservers), for the steps of a cycle
     * that come after {@link #subnets()}: e.g. {@code ${bean:phpipamWork?method=assigned(${exchangeProperty.subnet})}}.
     */
    public AssignedSubnet assigned(String cidr) {
        ScanWork work = lastWork;
        if (work == null) {
            throw new IllegalStateException("no work fetched from phpIPAM yet");
        }
        return work.subnet(cidr).orElseThrow(() -> new IllegalArgumentException(
                cidr + " is not among the subnets phpIPAM assigns to agent " + work.agent().name()));
    }

    private ScanWork read() {
        PhpipamAgent agent = api.agentByCode(agentCode).orElseThrow(() -> new PhpipamApiException(404,
                "phpIPAM has no scan agent with code " + agentCode.substring(0, Math.min(4, agentCode.length()))
                        + "…: check " + PhpipamApiSettings.AGENT_CODE + " against Administration › Scan agents"));
        List<ApiSubnet> assigned = api.subnetsOfAgent(agent.id());
        Set<Long> mastersOfOwn = new HashSet<>();
        for (ApiSubnet subnet : assigned) {
            mastersOfOwn.add(subnet.masterSubnetId());
        }
        List<AssignedSubnet> subnets = new ArrayList<>();
        List<SkippedSubnet> skipped = new ArrayList<>();
        for (ApiSubnet subnet : assigned) {
            Decision decision = decide(subnet, mastersOfOwn);
            if (decision.cidr() == null) {
                skipped.add(new SkippedSubnet(subnet.id(), subnet.display(), decision.skipReason()));
            } else {
                subnets.add(assign(subnet, decision.cidr()));
            }
        }
        log(agent, subnets, skipped);
        return new ScanWork(agent, subnets, skipped, false, clock.instant());
    }

    /** The subnet's CIDR when it is to be scanned, else the reason it is not. */
    private record Decision(Cidr cidr, String skipReason) {

        static Decision skip(String reason) {
            return new Decision(null, reason);
        }
    }

    private Decision decide(ApiSubnet subnet, Set<Long> mastersOfOwn) {
        if (subnet.isFolder()) {
            return Decision.skip("a folder");
        }
        if (!subnet.pingSubnet() && !subnet.discoverSubnet()) {
            return Decision.skip("neither \"Check hosts status\" (pingSubnet) nor \"Discover new hosts\" (discoverSubnet) is on");
        }
        String mask = subnet.mask() == null ? "" : subnet.mask().strip();
        if (!mask.matches("\\d{1,3}")) {
            return Decision.skip("no mask");
        }
        if (Integer.parseInt(mask) == 0) {
            return Decision.skip("mask 0");
        }
        Cidr cidr;
        try {
            cidr = Cidr.parse(subnet.subnet() + "/" + mask);
        } catch (IllegalArgumentException e) {
            // e.g. an IPv6 subnet below 2^32 that phpIPAM prints as IPv4 (docs/phpipam.md §1.1)
            LOG.warn("phpIPAM subnet {} ({}) cannot be read: {}", subnet.id(), subnet.display(), e.getMessage());
            return Decision.skip("not a subnet ScanFlow can read: " + e.getMessage());
        }
        if (mastersOfOwn.contains(subnet.id()) || api.hasChildSubnets(subnet.id())) {
            return Decision.skip("has child subnets (phpIPAM scans leaf subnets only)");
        }
        return new Decision(cidr, null);
    }

    private AssignedSubnet assign(ApiSubnet subnet, Cidr cidr) {
        List<KnownAddress> known = new ArrayList<>();
        for (KnownAddress address : api.addresses(subnet.id())) {
            if (cidr.contains(address.ip())) {
                known.add(address);
            } else {
                LOG.warn("phpIPAM subnet {} ({}): address {} (id {}) lies outside it; left out", subnet.id(), cidr,
                        address.ip(), address.id());
            }
        }
        List<String> nameservers = List.of();
        if (subnet.resolveDns() && subnet.nameserverId() != null && subnet.nameserverId() > 0) {
            Optional<Nameservers> set = api.nameservers(subnet.nameserverId());
            if (set.isEmpty()) {
                LOG.warn("phpIPAM subnet {} ({}) names nameserver set {}, which phpIPAM does not have; "
                        + "reverse DNS uses the system resolver", subnet.id(), cidr, subnet.nameserverId());
            } else {
                nameservers = set.get().servers();
                if (!set.get().ignored().isEmpty()) {
                    LOG.warn("phpIPAM nameserver set {}: entries that are not IP addresses ignored: {}",
                            subnet.nameserverId(), set.get().ignored());
                }
            }
        }
        return new AssignedSubnet(subnet.id(), cidr, subnet.description(), subnet.pingSubnet(),
                subnet.discoverSubnet(), subnet.isPool(), subnet.resolveDns(), nameservers, resolveEmptyOnly, known);
    }

    private void log(PhpipamAgent agent, List<AssignedSubnet> subnets, List<SkippedSubnet> skipped) {
        LOG.info("phpIPAM agent {} (id {}): {} subnet(s) to scan {}, {} skipped", agent.name(), agent.id(),
                subnets.size(), subnets.stream().map(AssignedSubnet::subnet).toList(), skipped.size());
        if (!skipped.equals(lastSkipped)) {
            for (SkippedSubnet skip : skipped) {
                LOG.info("phpIPAM subnet {} ({}) not scanned: {}", skip.id(), skip.subnet(), skip.reason());
            }
            lastSkipped = List.copyOf(skipped);
        }
    }
}
