package dev.scanflow.bench;

import dev.scanflow.net.Cidr;
import dev.scanflow.report.Coverage;
import dev.scanflow.report.ScanReport;
import dev.scanflow.report.ScannedHost;
import dev.scanflow.report.ScannedPort;
import dev.scanflow.report.ScannedPort.Service;
import dev.scanflow.server.delta.ChangeType;
import dev.scanflow.server.delta.DeltaEngine;
import dev.scanflow.server.delta.DeltaResult;
import dev.scanflow.server.delta.Observation;
import dev.scanflow.server.delta.ObservedChunk;
import dev.scanflow.server.delta.ScanAssembly;
import dev.scanflow.server.delta.SubnetKey;
import dev.scanflow.server.delta.SubnetState;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The delta engine's speed and memory (bench/delta runs it; figures go into the README):
 * <ol>
 *   <li>a delta of 1,000,000 (address, port) states against a previous state with 1% of them changed:
 *       62,500 hosts of a /16 with 16 open TCP ports each, every port with an nmap service, sent as 16
 *       chunks of a /20; 10,000 changes (4,000 ports opened, 3,000 reported closed, 3,000 service
 *       versions changed). Timed from the received chunks to the new state and its changes: merging the
 *       chunks into one observation, then the engine; median of 9 runs after 5 warm-ups;</li>
 *   <li>the heap the state takes (used heap after full GCs, with and without it);</li>
 *   <li>the heap after applying many such observations one after another, keeping only the current state:
 *       it must stay flat, bounded by the state, not growing with the number of reports;</li>
 *   <li>the same 1% rescan through the database: the server's apply service (ReportApplication, as
 *       direct:apply-report calls it, without HTTP and JSON) on a real MariaDB, 16 chunks, each in its own
 *       transaction with its phpIPAM rows; the last one also stores the whole scan's delta, history and alerts.
 *       Timed from the first chunk to the last commit, after a first scan of the 1,000,000 states.</li>
 * </ol>
 */
public final class DeltaBench {

    private static final int HOSTS = Integer.getInteger("bench.delta.hosts", 62_500);
    private static final int PORTS_PER_HOST = 16;
    private static final int CHUNKS = 16;
    private static final int CHANGES = HOSTS * 16 / 100;
    private static final int WARMUPS = 5;
    private static final int RUNS = 9;
    private static final int SEQUENCE = 60;
    private static final String SUBNET = "10.0.0.0/16";
    /** 64 TCP ports a host's 16 are drawn from: (7h + 4k) mod 64 for k < 16 are distinct. */
    private static final int[] POOL = {21, 22, 23, 25, 53, 80, 81, 88, 110, 111, 135, 139, 143, 389, 443, 445, 465,
            514, 587, 631, 636, 873, 993, 995, 1433, 1521, 1723, 2049, 2375, 3000, 3128, 3268, 3306, 3389, 4443, 5000,
            5060, 5432, 5601, 5900, 5985, 6379, 6443, 7001, 8000, 8008, 8080, 8081, 8443, 8888, 9000, 9090, 9100, 9200,
            9300, 9418, 10000, 11211, 15672, 27017, 50000, 50070, 61616, 65000};
    private static final String PORT_LIST = Arrays.stream(POOL).mapToObj(Integer::toString).collect(Collectors.joining(","));
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    /** What differs from the baseline in one observation: per (host, slot) an opened, closed or changed port. */
    private record Variant(int[] opened, int[] closed, int[] changed, int serviceRevision) {
    }

    public static void main(String[] args) throws Exception {
        System.out.printf("machine: %d cores, %s, %s %s, Java %s (%s), max heap %d MiB%n",
                Runtime.getRuntime().availableProcessors(), memory(), System.getProperty("os.name"),
                System.getProperty("os.version"), System.getProperty("java.version"), System.getProperty("java.vm.name"),
                Runtime.getRuntime().maxMemory() >> 20);
        if (args.length > 0 && args[0].equals("database")) {
            // bench/delta database: only the rescan through the database
            throughTheDatabase();
            System.exit(0);
        }
        DeltaEngine engine = new DeltaEngine();
        SubnetState empty = SubnetState.empty(new SubnetKey("bench-site", 1), Cidr.parse(SUBNET));

        List<ScanReport> first = reports(BASELINE);
        long t0 = System.nanoTime();
        SubnetState baseline = engine.apply(empty, assemble(first)).after();
        System.out.printf("baseline (first observation, cold JVM): %,d hosts, %,d (address, port) states opened in %.0f ms%n",
                baseline.hostCount(), baseline.portCount(), (System.nanoTime() - t0) / 1e6);
        first = null;

        Variant onePercent = next(new Random(1), BASELINE);
        List<ScanReport> chunks = reports(onePercent);
        double[] merge = new double[RUNS];
        double[] delta = new double[RUNS];
        double[] total = new double[RUNS];
        DeltaResult result = null;
        for (int run = -WARMUPS; run < RUNS; run++) {
            long start = System.nanoTime();
            Observation observation = assemble(chunks);
            long merged = System.nanoTime();
            result = engine.apply(baseline, observation);
            long end = System.nanoTime();
            if (run >= 0) {
                merge[run] = (merged - start) / 1e6;
                delta[run] = (end - merged) / 1e6;
                total[run] = (end - start) / 1e6;
            }
        }
        System.out.printf("1%% changed: %,d changes (%d opened, %d closed, %d service changed), %,d hosts touched%n",
                result.changes().size(), result.count(ChangeType.PORT_OPENED), result.count(ChangeType.PORT_CLOSED),
                result.count(ChangeType.SERVICE_CHANGED), result.touched().size());
        System.out.printf("  merge 16 chunks into one observation: median %.0f ms (min %.0f, max %.0f)%n",
                median(merge), min(merge), max(merge));
        System.out.printf("  delta engine:                         median %.0f ms (min %.0f, max %.0f)%n",
                median(delta), min(delta), max(delta));
        System.out.printf("  chunks to new state and changes:      median %.0f ms (min %.0f, max %.0f), %d runs after %d warm-ups%n",
                median(total), min(total), max(total), RUNS, WARMUPS);
        result = null;
        chunks = null;

        long withState = usedAfterGc();
        long ports = baseline.portCount();
        int hosts = baseline.hostCount();
        baseline = null;
        long withoutState = usedAfterGc();
        System.out.printf("heap held by the state: %.1f MiB for %,d hosts and %,d port states (%.1f bytes per port state)%n",
                (withState - withoutState) / 1048576.0, hosts, ports, (double) (withState - withoutState) / ports);

        // what a server holds while a scan's last chunk is awaited: the others, as it remembers them (reduced)
        long withoutChunks = usedAfterGc();
        List<ScanReport> parsed = new ArrayList<>(reports(BASELINE).subList(0, CHUNKS - 1));
        long withParsed = usedAfterGc();
        List<ObservedChunk> reduced = parsed.stream().map(ObservedChunk::of).toList();
        parsed = null;
        long withReduced = usedAfterGc();
        System.out.printf("heap held by the %d chunks a server remembers until the last arrives: %.1f MiB parsed,"
                + " %.1f MiB reduced (%d chunks)%n", CHUNKS - 1, (withParsed - withoutChunks) / 1048576.0,
                (withReduced - withoutChunks) / 1048576.0, reduced.size());
        reduced = null;

        SubnetState current = engine.apply(empty, assemble(reports(BASELINE)))
                .after();
        System.out.printf("heap after applying observations in sequence (each a 1%% change of 1,000,000 ports; only the"
                + " current state kept):%n");
        System.out.printf("  after %3d: %6.1f MiB used%n", 1, usedAfterGc() / 1048576.0);
        Random random = new Random(2);
        for (int i = 2; i <= SEQUENCE; i++) {
            current = engine.apply(current, assemble(reports(changedFromBaseline(random, i)))).after();
            if (i % 10 == 0) {
                System.out.printf("  after %3d: %6.1f MiB used (%,d port states)%n", i, usedAfterGc() / 1048576.0,
                        current.portCount());
            }
        }
        current = null;
        throughTheDatabase();
        System.exit(0);
    }

    private static final String AGENT = "Bench-agent-code-0123456789abcdB";
    private static final int DB_RUNS = 9;

    /**
     * InnoDB's buffer pool for the run through the database: by default as docker-compose.yml gives its MariaDB
     * (.env.example); {@code -Dbench.delta.buffer-pool=default} leaves MariaDB's own (128M). The redo log is MariaDB's
     * own (96M) unless {@code -Dbench.delta.log-file-size} says otherwise.
     */
    private static final String BUFFER_POOL = System.getProperty("bench.delta.buffer-pool", "1G");
    private static final String LOG_FILE_SIZE = System.getProperty("bench.delta.log-file-size", "default");

    private static void throughTheDatabase() throws Exception {
        List<String> options = new ArrayList<>();
        if (!BUFFER_POOL.equals("default")) {
            options.add("--innodb-buffer-pool-size=" + BUFFER_POOL);
        }
        if (!LOG_FILE_SIZE.equals("default")) {
            options.add("--innodb-log-file-size=" + LOG_FILE_SIZE);
        }
        dev.scanflow.demo.EmbeddedMariaDb database = dev.scanflow.demo.EmbeddedMariaDb.start(options);
        System.out.printf("through the database: MariaDB with %s%n", options.isEmpty() ? "its defaults" : options);
        try (database; dev.scanflow.testing.TestPhpipam phpipam = dev.scanflow.testing.TestPhpipam.createOn(database)) {
            long agentId = phpipam.insertAgent("bench-site", AGENT);
            phpipam.insertSubnet(Cidr.parse(SUBNET), agentId, true, true);
            StepTimes steps = new StepTimes();
            try (dev.scanflow.testing.ServerUnderTest server = dev.scanflow.testing.ServerUnderTest.start(phpipam,
                    java.util.Map.of(AGENT, "bench-token"), new java.util.Properties(), null, steps)) {
                dev.scanflow.server.apply.ReportApplication application = server.app().context().getRegistry()
                        .lookupByNameAndType("reportApplication", dev.scanflow.server.apply.ReportApplication.class);
                long t0 = System.nanoTime();
                for (ScanReport chunk : reports(BASELINE)) {
                    application.apply(chunk, AGENT);
                }
                System.out.printf("through the database: first scan of %,d port states (phpIPAM rows, history, alerts)"
                        + " stored in %.1f s%n", HOSTS * PORTS_PER_HOST, (System.nanoTime() - t0) / 1e9);
                System.out.print(steps.summary(1));
                long firstScanRedo = redoWritten(phpipam);
                steps.reset();
                Random random = new Random(3);
                Variant[] variant = {BASELINE};
                String scans = "SELECT change_count FROM `" + phpipam.scanflowSchema + "`.applied_scans ORDER BY state_version";
                // back to back: each rescan while InnoDB still writes out the pages the scans before it dirtied
                double[] backToBack = rescans(application, random, variant, () -> { });
                System.out.printf("  1%% rescan, 16 chunks to the scan's history committed, back to back: median %.2f s"
                                + " (min %.2f, max %.2f) over %d runs: %s%n", median(backToBack), min(backToBack),
                        max(backToBack), DB_RUNS, list(backToBack));
                System.out.printf("  of which, summed over the 16 chunks (mean of the %d runs), between the apply path's steps:%n%s",
                        DB_RUNS, steps.summary(DB_RUNS));
                steps.reset();
                // settled: as after the minutes between two scans of a subnet, InnoDB has written them out
                List<Double> waits = new ArrayList<>();
                double[] settled = rescans(application, random, variant, () -> waits.add(InnoDbPages.settle(phpipam)));
                System.out.printf("  1%% rescan, 16 chunks to the scan's history committed, once InnoDB wrote out the"
                                + " scan before (waits %s s): median %.2f s (min %.2f, max %.2f) over %d runs (target <= 3 s): %s;"
                                + " changes per scan %s%n", waits.stream().map(w -> String.format("%.0f", w)).toList(),
                        median(settled), min(settled), max(settled), DB_RUNS, list(settled),
                        phpipam.rows(scans).stream().map(r -> r.get("change_count")).toList());
                System.out.printf("  of which, summed over the 16 chunks (mean of the %d runs), between the apply path's steps:%n%s",
                        DB_RUNS, steps.summary(DB_RUNS));
                System.out.println(tableSizes(phpipam));
                System.out.println(innodb(phpipam, firstScanRedo));
            }
        }
    }

    /**
     * What ScanFlow's tables take on disk (data and indexes) after the first scan and its rescans, against which
     * the buffer pool is sized. ANALYZE first: InnoDB's sizes are those of its statistics, which it updates in the
     * background.
     */
    private static String tableSizes(dev.scanflow.testing.TestPhpipam phpipam) {
        String schema = phpipam.scanflowSchema;
        List<java.util.Map<String, Object>> tables = phpipam.rows("SELECT table_name AS name FROM information_schema.TABLES"
                + " WHERE table_schema = ? AND table_type = 'BASE TABLE'", schema);
        for (java.util.Map<String, Object> table : tables) {
            phpipam.rows("ANALYZE TABLE `" + schema + "`.`" + table.get("name") + "`");
        }
        List<java.util.Map<String, Object>> sizes = phpipam.rows("SELECT table_name AS name,"
                + " (data_length + index_length) / 1048576 AS mib FROM information_schema.TABLES"
                + " WHERE table_schema = ? AND table_type = 'BASE TABLE' ORDER BY data_length + index_length DESC", schema);
        // TestPhpipam's rows hold values as MariaDB's text
        double total = sizes.stream().mapToDouble(r -> mib(r)).sum();
        return String.format("  ScanFlow's tables after these %d scans: %.0f MiB, the largest %s", 2 * DB_RUNS + 1, total,
                sizes.stream().limit(5).map(r -> String.format("%s %.0f", r.get("name"), mib(r)))
                        .collect(Collectors.joining(", ")));
    }

    /** The InnoDB settings the run had (as MariaDB reports them) and the redo its scans wrote. */
    private static String innodb(dev.scanflow.testing.TestPhpipam phpipam, long firstScanRedo) {
        java.util.Map<String, Object> settings = phpipam.rows("SELECT @@version AS version,"
                + " @@innodb_buffer_pool_size AS pool, @@innodb_log_file_size AS log").get(0);
        int rescans = 2 * DB_RUNS;
        return String.format("  MariaDB %s, buffer pool %d MiB, redo log %d MiB; redo written: %d MiB by the first scan,"
                        + " %d MiB per rescan (mean of %d)", settings.get("version"),
                Long.parseLong(String.valueOf(settings.get("pool"))) >> 20,
                Long.parseLong(String.valueOf(settings.get("log"))) >> 20, firstScanRedo >> 20,
                (redoWritten(phpipam) - firstScanRedo) / rescans >> 20, rescans);
    }

    /** Bytes of redo log InnoDB has written since the server started. */
    private static long redoWritten(dev.scanflow.testing.TestPhpipam phpipam) {
        return Long.parseLong(String.valueOf(phpipam.rows("SHOW GLOBAL STATUS LIKE 'Innodb_os_log_written'")
                .get(0).get("Value")));
    }

    private static double mib(java.util.Map<String, Object> table) {
        return Double.parseDouble(String.valueOf(table.get("mib")));
    }

    /** {@link #DB_RUNS} rescans, each 1% changed from the one before, each after {@code before}; their times. */
    private static double[] rescans(dev.scanflow.server.apply.ReportApplication application, Random random,
                                    Variant[] variant, Runnable before) {
        double[] seconds = new double[DB_RUNS];
        for (int run = 0; run < DB_RUNS; run++) {
            variant[0] = next(random, variant[0]);
            List<ScanReport> chunks = reports(variant[0]);
            before.run();
            // the chunks stand for what the JSON reader hands over, and their parsing is not timed here; nor is
            // the collector's copying of them out of the young generation, which the first collection in the
            // timed part would otherwise do (about 0.2 s a collection, seen with -Xlog:gc)
            System.gc();
            long start = System.nanoTime();
            for (ScanReport chunk : chunks) {
                application.apply(chunk, AGENT);
            }
            seconds[run] = (System.nanoTime() - start) / 1e9;
        }
        return seconds;
    }

    private static List<String> list(double[] seconds) {
        return Arrays.stream(seconds).mapToObj(x -> String.format("%.2f", x)).toList();
    }

    /** The baseline: the first scan, nothing changed. */
    private static final Variant BASELINE = new Variant(new int[0], new int[0], new int[0], 0);

    /**
     * The scan after {@code previous}: 10,000 distinct (host, slot) pairs that no scan before changed, 40% open a
     * port, 30% report one closed, 30% change a version; what earlier scans changed stays so. Each rescan then
     * differs from the one before it by 1%, not by its changes plus the undoing of the previous ones.
     */
    private static Variant next(Random random, Variant previous) {
        boolean[] taken = new boolean[HOSTS * PORTS_PER_HOST];
        for (int[] slots : List.of(previous.opened(), previous.closed(), previous.changed())) {
            for (int slot : slots) {
                taken[slot] = true;
            }
        }
        int[] picks = random.ints(0, HOSTS * PORTS_PER_HOST).filter(slot -> !taken[slot]).distinct().limit(CHANGES).toArray();
        int opened = CHANGES * 4 / 10;
        int closed = CHANGES * 3 / 10;
        return new Variant(concat(previous.opened(), Arrays.copyOfRange(picks, 0, opened)),
                concat(previous.closed(), Arrays.copyOfRange(picks, opened, opened + closed)),
                concat(previous.changed(), Arrays.copyOfRange(picks, opened + closed, CHANGES)),
                previous.serviceRevision() + 1);
    }

    /** 1% changed from the baseline (not from the scan before), as the {@code revision}th scan. */
    private static Variant changedFromBaseline(Random random, int revision) {
        return next(random, new Variant(new int[0], new int[0], new int[0], revision - 1));
    }

    private static int[] concat(int[] first, int[] second) {
        int[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static Observation assemble(List<ScanReport> chunks) {
        ScanAssembly assembly = ScanAssembly.startWith(chunks.get(0));
        chunks.subList(1, chunks.size()).forEach(assembly::add);
        if (!assembly.isComplete()) {
            throw new IllegalStateException("incomplete");
        }
        return assembly.observation();
    }

    /**
     * The chunks of one scan, as the JSON reader would hand them over: every host, port and service its own
     * object with its own strings (nothing shared that parsing would not share).
     */
    private static List<ScanReport> reports(Variant variant) {
        boolean[] opened = mark(variant.opened());
        boolean[] closed = mark(variant.closed());
        boolean[] changed = mark(variant.changed());
        UUID scanId = UUID.randomUUID();
        Instant start = Instant.parse("2026-11-22T00:00:00Z").plusSeconds(3600L * variant.serviceRevision());
        List<ScanReport> chunks = new ArrayList<>();
        for (int c = 0; c < CHUNKS; c++) {
            // as an agent chunks a /16 into /20s: each chunk reports the hosts of its own range (host h is 10.0.0.1 + h)
            String range = "10.0." + (16 * c) + ".0/20";
            List<ScannedHost> hosts = new ArrayList<>();
            for (int h = Math.max(0, c * 4096 - 1); h < Math.min(HOSTS, (c + 1) * 4096 - 1); h++) {
                List<ScannedPort> ports = new ArrayList<>(PORTS_PER_HOST + 1);
                for (int k = 0; k < PORTS_PER_HOST; k++) {
                    int slot = h * PORTS_PER_HOST + k;
                    int port = POOL[(7 * h + 4 * k) % POOL.length];
                    if (closed[slot]) {
                        ports.add(new ScannedPort("tcp", port, "closed", "reset", null, null));
                        continue;
                    }
                    ports.add(new ScannedPort("tcp", port, "open", "syn-ack", service(port, changed[slot] ? 1 : 0), null));
                    if (opened[slot]) {
                        int extra = POOL[(7 * h + 4 * k + 2) % POOL.length];
                        ports.add(new ScannedPort("tcp", extra, "open", "syn-ack", service(extra, 0), null));
                    }
                }
                hosts.add(new ScannedHost(address(h), "up", null, null, List.of(), ports));
            }
            chunks.add(new ScanReport(2, UUID.randomUUID(), "Bench-agent-code-0123456789abcdB", SUBNET, start,
                    start.plusSeconds(900), List.of("nmap", "-sS", "-sV", range), hosts, "services-nmap",
                    new ScanReport.Chunk(scanId, c, CHUNKS), false,
                    new Coverage(List.of(range), List.of(new Coverage.PortProbe("tcp", PORT_LIST, List.of(range))))));
        }
        return chunks;
    }

    /** Host h is the address 10.0.0.1 + h (the /16 holds them all below 10.0.244.37). */
    private static String address(int h) {
        int value = h + 1;
        return "10.0." + (value >> 8) + "." + (value & 0xFF);
    }

    private static Service service(int port, int revision) {
        // new String: a parsed report shares no strings with the state
        return new Service(new String("svc-" + port), new String("Product " + port), new String("1." + (port % 7) + "." + revision),
                new String("protocol 2.0"), null, List.of(new String("cpe:/a:vendor:product" + port + ":1." + (port % 7))));
    }

    private static boolean[] mark(int[] slots) {
        boolean[] marks = new boolean[HOSTS * PORTS_PER_HOST];
        for (int slot : slots) {
            marks[slot] = true;
        }
        return marks;
    }

    private static long usedAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, MEMORY.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElseThrow();
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElseThrow();
    }

    private static String memory() {
        try {
            String line = Files.readAllLines(Path.of("/proc/meminfo")).get(0);
            return Math.round(Long.parseLong(line.replaceAll("\\D", "")) / 1024.0 / 1024.0) + " GiB RAM";
        } catch (IOException e) {
            return "unknown RAM";
        }
    }
}
