package dev.scanflow.agent.scan;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress of running scanners, read from what they write while they run: nmap's {@code --stats-every}
 * lines (with {@code -oX -} they are {@code <taskprogress>} elements on stdout) and masscan's status lines
 * on stderr ({@code rate: ..., 45.21% done, ...}). Each running scanner gets a gauge
 * {@code scanflow.scan.progress} (percent done of its current phase; Prometheus
 * {@code scanflow_scan_progress_percent}) tagged with the scanner and its targets, removed when it ends,
 * and a log line per stats interval.
 */
public class ScanProgress {

    public static final String GAUGE = "scanflow.scan.progress";

    private static final Logger LOG = LoggerFactory.getLogger(ScanProgress.class);
    private static final Pattern NMAP_TASK = Pattern.compile("<taskprogress\\s[^>]*?task=\"([^\"]*)\"[^>]*?percent=\"([0-9.]+)\"(?:[^>]*?remaining=\"(\\d+)\")?");
    private static final Pattern MASSCAN_STATUS = Pattern.compile("rate:\\s*[0-9.]+-kpps,\\s*([0-9.]+)% done.*?(found=\\d+)?\\s*$");

    private final MeterRegistry registry;
    private final Duration logEvery;
    private final Clock clock;
    private final Map<Key, Shared> gauges = new ConcurrentHashMap<>();

    public ScanProgress(MeterRegistry registry, Duration logEvery, Clock clock) {
        this.registry = registry;
        this.logEvery = logEvery;
        this.clock = clock;
    }

    /** Starts following one scanner run; close the tracker when the process has ended. */
    public Tracker track(String executable, List<String> args) {
        Key key = new Key(Path.of(executable).getFileName().toString(), targets(args));
        Shared shared = gauges.compute(key, (k, existing) -> {
            Shared s = existing;
            if (s == null) {
                s = new Shared();
                if (registry != null) {
                    s.gauge = Gauge.builder(GAUGE, s, state -> state.percent)
                            .description("Percent done of the current phase of a running scanner")
                            .baseUnit("percent").tag("scanner", k.scanner()).tag("target", k.target())
                            .strongReference(true).register(registry);
                }
            }
            s.users++;
            return s;
        });
        return new Tracker(key, shared);
    }

    /**
     * The targets of a command as this class tags them: our command lines end with the output option's
     * "-" (stdout) followed by the targets (masscan's after --range). More than two targets are shortened
     * to "first +N more".
     */
    static String targets(List<String> args) {
        int dash = args.lastIndexOf("-");
        List<String> targets = (dash >= 0 && dash < args.size() - 1 ? args.subList(dash + 1, args.size())
                : args.isEmpty() ? List.<String>of() : List.of(args.get(args.size() - 1)))
                .stream().filter(arg -> !arg.startsWith("-")).toList(); // masscan's "--range"
        if (targets.size() > 2) {
            return targets.get(0) + " +" + (targets.size() - 1) + " more";
        }
        return String.join(" ", targets);
    }

    private record Key(String scanner, String target) {
    }

    private static final class Shared {
        Gauge gauge;
        volatile double percent;
        int users;
    }

    /** Follows one run: feed it every line the scanner writes, close it when the scanner has ended. */
    public final class Tracker implements AutoCloseable {
        private final Key key;
        private final Shared shared;
        private Instant lastLog;

        private Tracker(Key key, Shared shared) {
            this.key = key;
            this.shared = shared;
        }

        /** Called by the threads that read stdout and stderr, one line at a time. */
        public synchronized void line(String line) {
            Matcher nmap = NMAP_TASK.matcher(line);
            if (nmap.find()) {
                double percent = Double.parseDouble(nmap.group(2));
                update(percent);
                String left = nmap.group(3) == null ? "" : ", about " + nmap.group(3) + " s left";
                LOG.info("{} on {}: {} {}% done{}", key.scanner(), key.target(), nmap.group(1),
                        String.format(Locale.ROOT, "%.2f", percent), left);
                return;
            }
            Matcher masscan = MASSCAN_STATUS.matcher(line);
            if (masscan.find()) {
                double percent = Double.parseDouble(masscan.group(1));
                update(percent);
                Instant now = clock.instant();
                if (lastLog == null || !now.isBefore(lastLog.plus(logEvery))) {
                    lastLog = now;
                    LOG.info("{} on {}: {}% done{}", key.scanner(), key.target(),
                            String.format(Locale.ROOT, "%.2f", percent),
                            masscan.group(2) == null ? "" : ", " + masscan.group(2).replace("=", " "));
                }
            }
        }

        private void update(double percent) {
            shared.percent = percent;
        }

        @Override
        public void close() {
            gauges.computeIfPresent(key, (k, s) -> {
                s.users--;
                if (s.users > 0) {
                    return s;
                }
                if (s.gauge != null) {
                    registry.remove(s.gauge);
                }
                return null;
            });
        }
    }
}
