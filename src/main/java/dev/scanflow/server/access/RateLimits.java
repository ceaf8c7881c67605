package dev.scanflow.server.access;

import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-token rate limits: a token bucket per operator token name (a token's dashboard sessions share its bucket),
 * holding up to {@code burst} requests and refilled at {@code perSecond}. A request finding the bucket empty is
 * refused with 429 and told, in whole seconds, when the next one will be let through.
 */
public final class RateLimits {

    private static final int MAX_BUCKETS = 10_000;

    private final double perSecond;
    private final double burst;
    private final LongSupplier nanos;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    public RateLimits(double perSecond, int burst, LongSupplier nanos) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.nanos = nanos;
    }

    public RateLimits(AccessSettings settings) {
        this(settings.perSecond(), settings.burst(), System::nanoTime);
    }

    /** Takes one request from the name's bucket: empty when it may go, else the seconds to wait (at least 1). */
    public OptionalLong take(String name) {
        long now = nanos.getAsLong();
        if (buckets.size() > MAX_BUCKETS) {
            // names come from configured tokens only, so this is a guard, not a path that runs
            buckets.clear();
        }
        Bucket bucket = buckets.computeIfAbsent(name, n -> new Bucket(burst, now));
        synchronized (bucket) {
            bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.at) / 1e9 * perSecond);
            bucket.at = now;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return OptionalLong.empty();
            }
            return OptionalLong.of(Math.max(1, (long) Math.ceil((1 - bucket.tokens) / perSecond)));
        }
    }
}
