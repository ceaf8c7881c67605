package dev.scanflow.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every registered {@link ReadinessContributor} in the background, every {@code interval}, each bounded by
 * {@code timeout}, and keeps the last answer. Health requests only read those answers, so they never wait
 * for a database, an API or anything else. A check that has not answered for interval + timeout counts as
 * down (a hung database never answers at all).
 */
public final class ReadinessMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReadinessMonitor.class);

    /** The last answer of one contributor, and when it was given. */
    public record Answer(Readiness readiness, Instant at) {
    }

    private final Duration interval;
    private final Duration timeout;
    private final Clock clock;
    private final List<ReadinessContributor> contributors = new CopyOnWriteArrayList<>();
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, Future<?>> running = new ConcurrentHashMap<>();
    private final Instant startedAt;
    private HealthCheckRegistry registry;
    private ScheduledExecutorService schedule;
    private ExecutorService checks;

    public ReadinessMonitor(Duration interval, Duration timeout, Clock clock) {
        this.interval = interval;
        this.timeout = timeout;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    public synchronized ReadinessMonitor register(ReadinessContributor contributor) {
        contributors.add(contributor);
        if (schedule != null) {
            if (registry != null) {
                registry.register(new ContributedHealthCheck(contributor.id(), this));
            }
            checks.submit(() -> run(contributor));
        }
        return this;
    }

    public List<ReadinessContributor> contributors() {
        return List.copyOf(contributors);
    }

    /** Starts the checks and makes each contributor a Camel readiness check (shown in /observe/health). */
    public synchronized void start(CamelContext context) {
        if (schedule != null) {
            return;
        }
        registry = HealthCheckRegistry.get(context);
        for (ReadinessContributor contributor : contributors) {
            if (registry != null) {
                registry.register(new ContributedHealthCheck(contributor.id(), this));
            }
        }
        schedule = Executors.newSingleThreadScheduledExecutor(daemon("readiness-schedule"));
        checks = Executors.newCachedThreadPool(daemon("readiness-check"));
        schedule.scheduleWithFixedDelay(this::runAll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void runAll() {
        for (ReadinessContributor contributor : contributors) {
            Future<?> previous = running.get(contributor.id());
            if (previous != null && !previous.isDone()) {
                continue; // still hanging (a driver may ignore the interrupt): its answer goes stale and reads as down
            }
            checks.submit(() -> run(contributor));
        }
    }

    private void run(ReadinessContributor contributor) {
        Future<Readiness> call = checks.submit(contributor::check);
        running.put(contributor.id(), call);
        Readiness readiness;
        try {
            readiness = call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            readiness = Readiness.down(contributor.id() + ": no answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            readiness = Readiness.down(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
        }
        Answer before = answers.put(contributor.id(), new Answer(readiness, clock.instant()));
        if (before == null || before.readiness().up() != readiness.up()) {
            if (readiness.up()) {
                LOG.info("readiness {}: UP ({})", contributor.id(), readiness.message());
            } else {
                LOG.warn("readiness {}: DOWN ({})", contributor.id(), readiness.message());
            }
        }
    }

    /** The answer health requests see: the last one, or down when it is older than interval + timeout. */
    public Readiness current(String id) {
        Answer answer = answers.get(id);
        Instant now = clock.instant();
        Duration allowed = interval.plus(timeout).plus(interval);
        if (answer == null) {
            return Duration.between(startedAt, now).compareTo(allowed) > 0
                    ? Readiness.down("no answer yet")
                    : Readiness.down("not checked yet");
        }
        if (Duration.between(answer.at(), now).compareTo(allowed) > 0) {
            return Readiness.down("no answer for " + Duration.between(answer.at(), now).toSeconds()
                    + " s (last: " + answer.readiness().message() + ")");
        }
        return answer.readiness();
    }

    @Override
    public synchronized void close() {
        if (schedule != null) {
            schedule.shutdownNow();
            checks.shutdownNow();
            schedule = null;
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
