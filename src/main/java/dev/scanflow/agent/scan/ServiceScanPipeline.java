package dev.scanflow.agent.scan;

import dev.scanflow.agent.plan.ScanJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.exec.ExecCommand;
import org.apache.camel.component.exec.ExecResult;

/**
 * The ports profile on one job, pipelined: masscan runs over the port list, and while it still retries and
 * waits, the (address, port) pairs it has reported go to nmap -sV in batches ({@link PairBatcher}: the first
 * once masscan's first pass is over and no pair came for 250 ms), grouped
 * by {@link ServiceScanGroups}, each group one run of {@code direct:scan-service-group} on the service scan pool
 * (scanflow.agent.service-scan-parallelism at once). When masscan ends, whatever its output holds that no batch
 * took yet goes to nmap too, so nmap -sV probes exactly the pairs masscan found, each once. What the job costs is
 * then about the time the last pair was found plus one service scan, instead of masscan's whole run (start,
 * passes, retries, wait) plus a service scan.
 * <p>
 * masscan runs through {@link WatchedExecutor} (timeout, kill on cancel, progress, the run recorded for the
 * report and the archive as any other) and is read line by line: its console lines, which masscan flushes one
 * by one. A masscan run that fails stops the nmap runs already started (their threads' scanners are killed)
 * and fails the job; one killed by the timeout gives what it found, the report marked partial.
 */
public class ServiceScanPipeline {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ServiceScanPipeline.class);

    /** After masscan's first pass, no new pair for this long: the batch goes to nmap. */
    static final Duration QUIET = Duration.ofMillis(250);
    /** A pair waits at most this long for its batch while masscan's first pass goes on. */
    static final Duration MAX_DELAY = Duration.ofSeconds(10);
    private static final long TICK_MILLIS = 50;

    private final WatchedExecutor executor;
    private final MasscanCommand masscanCommand;
    private final String masscan;
    private final int rate;
    private final long timeoutMillis;
    private final ScanExecution execution;
    private final MasscanOutputParser parser;
    private final ServiceScanGroups groups;
    private final ExecutorService pool;
    private final ScheduledExecutorService ticker;
    private volatile ProducerTemplate template;

    public ServiceScanPipeline(WatchedExecutor executor, MasscanCommand masscanCommand, String masscan, int rate,
                               Duration timeout, ScanExecution execution, MasscanOutputParser parser,
                               ServiceScanGroups groups, ExecutorService pool, ScheduledExecutorService ticker) {
        this.executor = executor;
        this.masscanCommand = masscanCommand;
        this.masscan = masscan;
        this.rate = rate;
        this.timeoutMillis = timeout.toMillis();
        this.execution = execution;
        this.parser = parser;
        this.groups = groups;
        this.pool = pool;
        this.ticker = ticker;
    }

    /** What the two scanners found for one job: the report is assembled from it. */
    public record Result(MasscanRun masscan, List<NmapRun> services) {
    }

    public Result scan(ScanJob job, ScanRecord record, Exchange exchange) {
        ProducerTemplate producer = template(exchange);
        PairBatcher batcher = new PairBatcher(QUIET, MAX_DELAY, System.nanoTime() + firstPass(job).toNanos());
        List<Future<NmapRun>> runs = new ArrayList<>();
        List<Thread> running = new ArrayList<>();
        Runnable flushDue = () -> {
            try {
                synchronized (runs) { // so that a tick still under way when masscan ends never races the rest
                    submit(batcher.due(System.nanoTime()), record, producer, runs, running);
                }
            } catch (RuntimeException e) {
                LOG.warn("could not start nmap -sV on a batch of masscan's pairs: {}", e.toString());
            }
        };
        ScheduledFuture<?> tick = ticker.scheduleWithFixedDelay(flushDue, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        MasscanRun found;
        try {
            ExecResult result = executor.execute(new ExecCommand(masscan, masscanCommand.ports(job), null, timeoutMillis,
                    null, null, null, false, org.apache.camel.LoggingLevel.OFF),
                    line -> MasscanOutputParser.consoleLine(line).ifPresent(port -> batcher.offer(port, System.nanoTime())));
            tick.cancel(false);
            found = parser.parse(execution.output(result, record));
        } catch (RuntimeException e) {
            tick.cancel(false);
            stop(runs, running);
            throw e;
        }
        List<Future<NmapRun>> all;
        synchronized (runs) {
            submit(batcher.rest(found.ports()), record, producer, runs, running);
            all = List.copyOf(runs);
        }
        List<NmapRun> services = new ArrayList<>();
        try {
            for (Future<NmapRun> run : all) {
                services.add(run.get());
            }
        } catch (ExecutionException e) {
            stop(runs, running);
            throw e.getCause() instanceof RuntimeException r ? r : new ScanFailed("nmap -sV failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(runs, running);
            throw new ScanFailed("interrupted while nmap -sV ran on what masscan found");
        }
        return new Result(found, services);
    }

    /** How long masscan's first pass over the job's target takes at the configured rate: probes / rate. */
    Duration firstPass(ScanJob job) {
        java.math.BigInteger probes = java.math.BigInteger.ZERO;
        for (dev.scanflow.net.Cidr covered : job.covered()) {
            probes = probes.add(java.math.BigInteger.ONE.shiftLeft(covered.network().bits() - covered.prefix()));
        }
        java.math.BigInteger millis = probes.multiply(java.math.BigInteger.valueOf(job.ports().size()))
                .multiply(java.math.BigInteger.valueOf(1000)).divide(java.math.BigInteger.valueOf(rate));
        return Duration.ofMillis(millis.min(java.math.BigInteger.valueOf(MAX_DELAY.toMillis())).longValueExact());
    }

    private void submit(List<MasscanPort> batch, ScanRecord record, ProducerTemplate producer,
                        List<Future<NmapRun>> runs, List<Thread> running) {
        if (batch.isEmpty()) {
            return;
        }
        List<ServiceScanGroup> scans = groups.of(new MasscanRun(batch, true));
        synchronized (runs) {
            for (ServiceScanGroup group : scans) {
                runs.add(pool.submit(() -> serviceScan(group, record, producer, running)));
            }
        }
    }

    private static NmapRun serviceScan(ServiceScanGroup group, ScanRecord record, ProducerTemplate producer,
                                       List<Thread> running) {
        synchronized (running) {
            running.add(Thread.currentThread());
        }
        try {
            Exchange done = producer.send("direct:scan-service-group", ex -> {
                ex.getIn().setBody(group);
                ex.setProperty("record", record);
                ex.setProperty("job", record.job());
            });
            if (done.getException() != null) {
                throw done.getException() instanceof RuntimeException r ? r
                        : new ScanFailed("nmap -sV on " + group.addresses() + " failed: " + done.getException().getMessage());
            }
            return done.getMessage().getBody(NmapRun.class);
        } finally {
            synchronized (running) {
                running.remove(Thread.currentThread());
            }
        }
    }

    /** Kills the nmap runs under way and drops those not started: the job has failed. */
    private void stop(List<Future<NmapRun>> runs, List<Thread> running) {
        synchronized (runs) {
            runs.forEach(run -> run.cancel(false));
        }
        synchronized (running) {
            running.forEach(executor::stop);
        }
        synchronized (runs) {
            for (Future<NmapRun> run : runs) {
                try {
                    run.get(timeoutMillis, TimeUnit.MILLISECONDS);
                } catch (CancellationException | ExecutionException | java.util.concurrent.TimeoutException e) {
                    // failed or never ran: nothing to wait for
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private ProducerTemplate template(Exchange exchange) {
        ProducerTemplate current = template;
        if (current == null) {
            synchronized (this) {
                if (template == null) {
                    template = exchange.getContext().createProducerTemplate();
                }
                current = template;
            }
        }
        return current;
    }
}
