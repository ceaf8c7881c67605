package dev.scanflow.bench;

import dev.scanflow.server.store.StepHook;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the apply path's time goes, for the benchmarks: told each step ReportApplication passes, it adds the
 * time since the step before (on the same thread) to the step's total. The clock starts at "authorized", so
 * HTTP and JSON parsing are not in it. {@link #reset} before a timed run, {@link #summary} after it.
 */
final class StepTimes implements StepHook {

    private final Map<String, Long> nanos = new LinkedHashMap<>();
    private final ThreadLocal<Long> last = new ThreadLocal<>();
    private final ThreadLocal<String> previous = new ThreadLocal<>();
    private boolean counting = true;

    @Override
    public synchronized void reached(String step) {
        long now = System.nanoTime();
        if (counting && !step.equals("authorized") && last.get() != null) {
            nanos.merge(previous.get() + " → " + step, now - last.get(), Long::sum);
        }
        last.set(now);
        previous.set(step);
    }

    /** Steps passed while not counting (untimed work between timed runs) add nothing. */
    synchronized void counting(boolean on) {
        counting = on;
    }

    synchronized void reset() {
        nanos.clear();
    }

    /** "phpipam-written: 1.23 s, ..." per pair of steps, in the order first seen. */
    synchronized String summary(int runs) {
        StringBuilder text = new StringBuilder();
        nanos.forEach((steps, total) -> text.append(String.format("    %-40s %8.3f s per run%n", steps, total / 1e9 / runs)));
        return text.toString();
    }
}
