package dev.scanflow.agent.deliver;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Capped exponential back-off with jitter: after the n-th failure in a row the wait is
 * {@code min(max, initial × 2^(n-1))}, of which a random half to the whole is taken, so agents cut off
 * together do not all come back in the same second.
 */
public final class Backoff {

    private final Duration initial;
    private final Duration max;
    private final DoubleSupplier random;

    public Backoff(Duration initial, Duration max, DoubleSupplier random) {
        this.initial = initial;
        this.max = max;
        this.random = random;
    }

    public Duration after(int failures) {
        long cap = max.toMillis();
        long wait = initial.toMillis();
        for (int i = 1; i < failures && wait < cap; i++) {
            wait *= 2;
        }
        wait = Math.min(wait, cap);
        return Duration.ofMillis(Math.round(wait * (0.5 + 0.5 * random.getAsDouble())));
    }
}
